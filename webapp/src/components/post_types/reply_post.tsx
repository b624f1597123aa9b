import {useIntl} from 'react-intl';

import {type PostTypeProps} from '../../host/registry';
import {Badge} from '../common/badge';
import {Markdown} from '../common/markdown';
import {TripwireStyles} from '../common/styles';

import {Attachments, attachmentsOf} from './attachments';
import {pm} from './messages';

/** The body of a Tripwire reply post (type custom_tripwire_reply): its text, a delayed marker and its attachments. */
export function ReplyPost({post}: PostTypeProps) {
    const f = useIntl().formatMessage;
    const props = post.props ?? {};
    return (
        <div className='tw-root'>
            <TripwireStyles/>
            {props.tripwire_delayed === true && <Badge tone='warning'>{f(pm.delayed)}</Badge>}
            {post.message && <Markdown text={post.message}/>}
            <Attachments
                attachments={attachmentsOf(props)}
                postId={post.id}
            />
        </div>
    );
}

export interface PreviewPost {
    message: string;
    in_thread: boolean;
    ephemeral: boolean;
    type: string;
    props: Record<string, unknown>;
}

/** A reply as it will appear, header included, for the "send test" preview (nothing is posted). */
export function ReplyPreviewPost({post, fallbackName}: {post: PreviewPost; fallbackName: string}) {
    const f = useIntl().formatMessage;
    const name = typeof post.props.override_username === 'string' && post.props.override_username ? post.props.override_username : fallbackName;
    const icon = typeof post.props.override_icon_url === 'string' && /^https?:\/\//.test(post.props.override_icon_url) ? post.props.override_icon_url : null;
    return (
        <div
            className='tw-post'
            data-testid='tripwire-reply-preview'
        >
            {icon ? (
                <img
                    className='tw-avatar'
                    src={icon}
                    alt=''
                />
            ) : (
                <div
                    className='tw-avatar'
                    aria-hidden='true'
                >
                    {name.slice(0, 1).toUpperCase()}
                </div>
            )}
            <div className='tw-grow'>
                <div className='tw-post-header'>
                    <span className='tw-post-author'>{name}</span>
                    <Badge tone='neutral'>{f(pm.bot)}</Badge>
                    {post.in_thread && <span className='tw-small tw-muted'>{f(pm.inThread)}</span>}
                    {post.ephemeral && <span className='tw-small tw-muted'>{f(pm.onlyYou)}</span>}
                </div>
                {post.props.tripwire_delayed === true && <Badge tone='warning'>{f(pm.delayed)}</Badge>}
                {post.message && <Markdown text={post.message}/>}
                <Attachments
                    attachments={attachmentsOf(post.props)}
                    postId={null}
                />
            </div>
        </div>
    );
}
