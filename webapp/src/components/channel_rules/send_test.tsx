import {type RuleSpec, type RuleView, type TestDeliveryResult} from '@tripwire/common';
import {useState} from 'react';
import {useIntl} from 'react-intl';

import {pluginName} from '../../manifest';
import {useClient} from '../common/client_context';
import {Badge, Spinner} from '../common/badge';
import {Checkbox, SelectField, TextField} from '../common/fields';
import {ReplyPreviewPost} from '../post_types/reply_post';

import {RequestResponseView} from './excerpt_view';
import {m, m2} from './messages';

/**
 * "Send test": one real request for a sample message (the server's test-delivery routes), showing what went out, what
 * came back and the reply rendered as it will appear in the channel. It tests the rule as it is on screen: a saved
 * rule's unsaved edits go along as a draft (signed where a save would keep the secret); a rule never saved is sent
 * whole to the channel's route, unsigned. The server checks either like a save and stores nothing.
 */
export function SendTest({rule, channelId, draft = null, dirty = false, token}: {
    rule: RuleView | null;
    channelId: string;
    /** The valid draft when there are unsaved edits or the rule is new (null: none, or not valid yet). */
    draft?: RuleSpec | null;
    dirty?: boolean;
    /** A compat token typed but not saved yet. */
    token?: string | undefined;
}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const [message, setMessage] = useState('');
    const [isReply, setIsReply] = useState(false);
    const [endpointId, setEndpointId] = useState('');
    const [result, setResult] = useState<TestDeliveryResult | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);

    // A new rule exists only as the draft on screen.
    const unsaved = rule === null || dirty;
    const tested = unsaved ? draft : rule;
    const send = async () => {
        if (!tested) return;
        setBusy(true);
        setError(null);
        try {
            const options = {
                message,
                is_reply: isReply,
                ...(endpointId && tested.endpoints.some((e) => e.id === endpointId) && {endpoint_id: endpointId}),
                ...(token !== undefined && {token}),
            };
            const channelInScope = tested.scope.kind === 'channels' && tested.scope.channelIds.includes(channelId);
            setResult(
                rule
                    ? await client.testDelivery(rule.id, {...options, ...(channelInScope && {channel_id: channelId}), ...(dirty && draft && {rule: draft})})
                    : draft && (await client.testDraftDelivery(channelId, {...options, rule: draft})),
            );
        } catch (e) {
            setResult(null);
            setError(e instanceof Error ? e.message : String(e));
        } finally {
            setBusy(false);
        }
    };
    const note = rule ? (tested ? m2.sendTestDraft : m2.sendTestFixFirst) : tested ? m2.sendTestNew : m2.sendTestNewIncomplete;
    return (
        <section
            className='tw-section'
            aria-label={f(m.sendTest)}
        >
            <div className='tw-section-title'>{f(m.sendTest)}</div>
            <div className='tw-stack'>
                <div className='tw-help'>{f(m.sendTestHelp)}</div>
                {unsaved && <div className='tw-help'>{f(note)}</div>}
                <TextField
                    label={f(m.testerMessage)}
                    value={message}
                    placeholder={f(m.testerPlaceholder)}
                    onChange={setMessage}
                />
                <div className='tw-row tw-wrap'>
                    {tested && tested.endpoints.length > 1 && (
                        <div style={{minWidth: 240}}>
                            <SelectField
                                label={f(m.sendTestEndpoint)}
                                value={endpointId}
                                options={[{value: '', label: '—'}, ...tested.endpoints.map((e) => ({value: e.id, label: `${e.id} · ${e.url}`}))]}
                                onChange={setEndpointId}
                            />
                        </div>
                    )}
                    <Checkbox
                        label={f(m.testerReply)}
                        checked={isReply}
                        onChange={setIsReply}
                    />
                    <span className='tw-grow'/>
                    {busy && <Spinner label={f(m.sendTestButton)}/>}
                    <button
                        type='button'
                        className='tw-btn tw-btn-primary'
                        disabled={busy || !tested}
                        onClick={() => void send()}
                    >
                        {f(m.sendTestButton)}
                    </button>
                </div>
                {error && (
                    <div
                        className='tw-notice tw-notice-error'
                        role='alert'
                    >
                        {error}
                    </div>
                )}
                {result && (
                    <TestResult result={result}/>
                )}
            </div>
        </section>
    );
}

function TestResult({result}: {result: TestDeliveryResult}) {
    const f = useIntl().formatMessage;
    const status = result.response?.status;
    return (
        <div
            className='tw-stack'
            data-testid='tripwire-test-result'
        >
            <div className='tw-row tw-wrap'>
                {status !== undefined && <Badge tone={status >= 200 && status < 300 ? 'success' : 'danger'}>{`HTTP ${status}`}</Badge>}
                {result.latency_ms !== undefined && <span className='tw-small tw-muted'>{f(m.latency, {ms: Math.round(result.latency_ms)})}</span>}
                {result.outcome && <span className='tw-small tw-muted'>{result.outcome.matched ? f(m.wouldMatch) : f(m.wouldNotMatch, {detail: result.outcome.detail})}</span>}
            </div>
            {result.error && (
                <div
                    className='tw-notice tw-notice-error'
                    role='alert'
                >
                    {f(m.deliveryError, {errorClass: result.error.error_class, message: result.error.message})}
                </div>
            )}
            <RequestResponseView
                request={result.request}
                response={result.response}
            />
            {result.reply && (
                <div className='tw-field'>
                    <span className='tw-label'>{f(m.replyPreview)}</span>
                    {result.reply.kind === 'posts' ? (
                        result.reply.posts.map((p, i) => (
                            <ReplyPreviewPost
                                key={i}
                                post={p}
                                fallbackName={pluginName}
                            />
                        ))
                    ) : (
                        <div className='tw-help'>{f(m.noReply, {reason: result.reply.reason})}</div>
                    )}
                </div>
            )}
        </div>
    );
}
