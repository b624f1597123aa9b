import {useState} from 'react';
import {useIntl} from 'react-intl';
import * as z from 'zod';

import {ClientError} from '../../client/client_core';
import {useClient} from '../common/client_context';
import {Markdown} from '../common/markdown';

import {pm} from './messages';

/*
 * Slack-compatible message attachments (feature-anchors §9.5) with their interactive actions (§9.6): a click goes to
 * Mattermost's own `POST /api/v4/posts/{post_id}/actions/{action_id}`, which calls the integration (Tripwire's
 * /interactive/action route for Tripwire replies) and applies its `update` / `ephemeral_text` to the post.
 */

const text = z.union([z.string(), z.number()]).transform(String);
const actionSchema = z.object({
    id: z.string().default(''),
    type: z.enum(['button', 'select']).catch('button'),
    name: z.string().default(''),
    style: z.string().optional(),
    disabled: z.boolean().optional(),
    data_source: z.string().optional(),
    options: z.array(z.object({text: z.string(), value: z.string()})).nullish(),
    default_option: z.string().optional(),
    cookie: z.string().optional(),
});
const attachmentSchema = z.object({
    fallback: z.string().optional(),
    color: z.string().optional(),
    pretext: z.string().optional(),
    author_name: z.string().optional(),
    author_link: z.string().optional(),
    author_icon: z.string().optional(),
    title: z.string().optional(),
    title_link: z.string().optional(),
    text: z.string().optional(),
    fields: z.array(z.object({title: z.string().default(''), value: text.default(''), short: z.union([z.boolean(), z.literal('true'), z.literal('false')]).optional()}).nullable()).nullish(),
    image_url: z.string().optional(),
    thumb_url: z.string().optional(),
    footer: z.string().optional(),
    footer_icon: z.string().optional(),
    actions: z.array(actionSchema.nullable()).nullish(),
});
export type Attachment = z.output<typeof attachmentSchema>;
export type AttachmentAction = z.output<typeof actionSchema>;

/** The attachments in post props; malformed entries are skipped rather than breaking the post. */
export function attachmentsOf(props: Record<string, unknown> | null | undefined): Attachment[] {
    const raw = props?.attachments;
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((a) => {
        const parsed = attachmentSchema.safeParse(a);
        return parsed.success ? [parsed.data] : [];
    });
}

const namedColors: Record<string, string> = {good: '#3db887', warning: '#ffbc1f', danger: '#d24b4e'};
const safeUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

/** postId null: a preview, where actions show but do nothing. */
export function Attachments({attachments, postId}: {attachments: Attachment[]; postId: string | null}) {
    return (
        <>
            {attachments.map((a, i) => (
                <AttachmentView
                    key={i}
                    attachment={a}
                    postId={postId}
                />
            ))}
        </>
    );
}

function AttachmentView({attachment: a, postId}: {attachment: Attachment; postId: string | null}) {
    const color = a.color ? namedColors[a.color] ?? (/^#[0-9a-f]{3,8}$/i.test(a.color) ? a.color : undefined) : undefined;
    const fields = (a.fields ?? []).flatMap((fl) => (fl ? [fl] : []));
    const actions = (a.actions ?? []).flatMap((ac) => (ac ? [ac] : []));
    return (
        <>
            {a.pretext && <Markdown text={a.pretext}/>}
            <div
                className='tw-attachment'
                data-testid='tripwire-attachment'
            >
                <div
                    className='tw-attachment-bar'
                    style={color ? {background: color} : undefined}
                />
                <div className='tw-attachment-body'>
                    {a.author_name && (
                        <div className='tw-row tw-small'>
                            {safeUrl(a.author_icon) && (
                                <img
                                    src={safeUrl(a.author_icon)}
                                    alt=''
                                    width={14}
                                    height={14}
                                />
                            )}
                            {safeUrl(a.author_link) ? <a href={safeUrl(a.author_link)}>{a.author_name}</a> : <span>{a.author_name}</span>}
                        </div>
                    )}
                    {a.title && <div className='tw-attachment-title'>{safeUrl(a.title_link) ? <a href={safeUrl(a.title_link)}>{a.title}</a> : a.title}</div>}
                    {a.text && <Markdown text={a.text}/>}
                    {fields.length > 0 && (
                        <div className='tw-attachment-fields'>
                            {fields.map((fl, i) => (
                                <div
                                    key={i}
                                    className={fl.short === true || fl.short === 'true' ? '' : 'tw-attachment-field-long'}
                                >
                                    <div className='tw-attachment-title tw-small'>{fl.title}</div>
                                    <Markdown text={fl.value}/>
                                </div>
                            ))}
                        </div>
                    )}
                    {safeUrl(a.image_url) && (
                        <img
                            src={safeUrl(a.image_url)}
                            alt=''
                            style={{maxWidth: '100%', maxHeight: 300, marginTop: 8, borderRadius: 4}}
                        />
                    )}
                    {actions.length > 0 && (
                        <Actions
                            actions={actions}
                            postId={postId}
                        />
                    )}
                    {a.footer && (
                        <div
                            className='tw-small tw-muted'
                            style={{marginTop: 8}}
                        >
                            {a.footer}
                        </div>
                    )}
                </div>
                {safeUrl(a.thumb_url) && (
                    <img
                        src={safeUrl(a.thumb_url)}
                        alt=''
                        width={64}
                        height={64}
                        style={{margin: 10, borderRadius: 4, objectFit: 'cover'}}
                    />
                )}
            </div>
        </>
    );
}

function Actions({actions, postId}: {actions: AttachmentAction[]; postId: string | null}) {
    const intl = useIntl();
    const client = useClient();
    const [busy, setBusy] = useState<string | null>(null);
    const [error, setError] = useState<string | null>(null);
    const run = async (action: AttachmentAction, selected = '') => {
        if (!postId) return;
        setBusy(action.id);
        setError(null);
        try {
            await client.doPostAction(postId, action.id, selected, action.cookie ?? '');
        } catch (e) {
            setError(intl.formatMessage(pm.actionFailed, {message: e instanceof ClientError || e instanceof Error ? e.message : String(e)}));
        } finally {
            setBusy(null);
        }
    };
    return (
        <>
            <div className='tw-attachment-actions'>
                {actions.map((action) =>
                    action.type === 'select' ? (
                        <select
                            key={action.id}
                            className='tw-select'
                            style={{width: 'auto', height: 32, padding: '0 8px'}}
                            aria-label={action.name}
                            defaultValue={action.default_option ?? ''}
                            disabled={action.disabled === true || busy !== null || postId === null}
                            onChange={(e) => void run(action, e.target.value)}
                        >
                            <option
                                value=''
                                disabled={true}
                            >
                                {action.name || intl.formatMessage(pm.selectPlaceholder)}
                            </option>
                            {(action.options ?? []).map((o) => (
                                <option
                                    key={o.value}
                                    value={o.value}
                                >
                                    {o.text}
                                </option>
                            ))}
                        </select>
                    ) : (
                        <button
                            key={action.id}
                            type='button'
                            className={actionClass(action.style)}
                            style={action.style?.startsWith('#') ? {background: action.style, color: '#fff'} : undefined}
                            disabled={action.disabled === true || busy !== null || postId === null}
                            onClick={() => void run(action)}
                        >
                            {action.name}
                        </button>
                    ),
                )}
            </div>
            {error && <div className='tw-error'>{error}</div>}
        </>
    );
}

function actionClass(style: string | undefined): string {
    switch (style) {
        case 'primary':
            return 'tw-btn tw-btn-primary';
        case 'good':
        case 'success':
        case 'warning':
        case 'danger':
            return `tw-btn tw-action-${style}`;
        default:
            return 'tw-btn tw-btn-secondary';
    }
}
