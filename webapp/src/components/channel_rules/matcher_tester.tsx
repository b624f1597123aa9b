import {isReactionEvent, membershipEvents, ruleEvents, type ApiResponse, type RuleEvent, type TestMessageBody} from '@tripwire/common';
import {useEffect, useState} from 'react';
import {useIntl} from 'react-intl';

import {useClient} from '../common/client_context';
import {Badge, Spinner} from '../common/badge';
import {Checkbox, SelectField, TextField} from '../common/fields';

import {eventLabels} from './basics_section';
import {m} from './messages';

type Explain = ApiResponse<'testMessage'>;
type Trace = {label: string; passed: boolean; children?: unknown[]};

/** Live matcher: as you type, the server's matcher says which rules would trip and what they would capture. */
export function MatcherTester({channelId, debounceMs = 300}: {channelId: string; debounceMs?: number}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const [message, setMessage] = useState('');
    const [isReply, setIsReply] = useState(false);
    const [event, setEvent] = useState<RuleEvent>('posted');
    const [emoji, setEmoji] = useState('');
    const membership = membershipEvents.includes(event);
    const reaction = isReactionEvent(event);
    const [result, setResult] = useState<Explain | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);

    useEffect(() => {
        // A join or leave needs nothing typed; a message needs its text, a reaction its emoji too.
        const body: TestMessageBody | null = membership
            ? {event}
            : message === '' || (reaction && emoji.trim() === '')
                ? null
                : {message, is_reply: isReply, event, ...(reaction && {emoji: emoji.trim()})};
        if (!body) {
            setResult(null);
            setError(null);
            return undefined;
        }
        const abort = new AbortController();
        const timer = setTimeout(() => {
            setBusy(true);
            client
                .testMessage(channelId, body, abort.signal)
                .then((r) => {
                    setResult(r);
                    setError(null);
                })
                .catch((e: unknown) => {
                    if (!abort.signal.aborted) setError(e instanceof Error ? e.message : String(e));
                })
                .finally(() => {
                    if (!abort.signal.aborted) setBusy(false);
                });
        }, debounceMs);
        return () => {
            clearTimeout(timer);
            abort.abort();
        };
    }, [client, channelId, message, isReply, event, emoji, membership, reaction, debounceMs]);

    return (
        <div className='tw-stack'>
            <div className='tw-help'>{f(m.testerHelp)}</div>
            <div className='tw-grid-2'>
                <SelectField<RuleEvent>
                    label={f(m.testerEvent)}
                    path='event'
                    value={event}
                    options={ruleEvents.map((ev) => ({value: ev, label: f(eventLabels[ev])}))}
                    onChange={setEvent}
                />
                {reaction && (
                    <TextField
                        label={f(m.testerEmoji)}
                        path='emoji'
                        value={emoji}
                        placeholder='ticket'
                        mono={true}
                        onChange={setEmoji}
                    />
                )}
            </div>
            {membership ? (
                <div className='tw-help'>{f(m.testerMembershipHelp)}</div>
            ) : (
                <TextField
                    label={f(m.testerMessage)}
                    multiline={true}
                    rows={3}
                    value={message}
                    placeholder={f(m.testerPlaceholder)}
                    onChange={setMessage}
                />
            )}
            <div className='tw-row'>
                <Checkbox
                    label={f(m.testerReply)}
                    checked={isReply}
                    onChange={setIsReply}
                />
                <span className='tw-grow'/>
                {busy && <Spinner label={f(m.tabTester)}/>}
            </div>
            {error && (
                <div
                    className='tw-notice tw-notice-error'
                    role='alert'
                >
                    {error}
                </div>
            )}
            {result && <Outcomes result={result}/>}
        </div>
    );
}

function Outcomes({result}: {result: Explain}) {
    const f = useIntl().formatMessage;
    const matched = result.outcomes.filter((o) => o.matched).length;
    return (
        <div
            aria-live='polite'
            data-testid='tripwire-outcomes'
        >
            <div className='tw-label'>{f(m.testerSummary, {matched, firstWord: result.firstWord})}</div>
            {result.truncated && <div className='tw-help'>{f(m.testerTruncated, {chars: result.evaluatedChars})}</div>}
            {result.outcomes.length === 0 && <div className='tw-help'>{f(m.testerNoRules)}</div>}
            <div style={{marginTop: 8}}>
                {[...result.outcomes]
                    .sort((a, b) => Number(b.matched) - Number(a.matched))
                    .map((o) => (
                        <div
                            key={o.ruleId}
                            className={`tw-outcome${o.matched ? ' tw-outcome-matched' : ''}`}
                            data-testid={`tripwire-outcome-${o.ruleId}`}
                        >
                            <div className='tw-row'>
                                <span className='tw-rule-name tw-grow'>{o.ruleName}</span>
                                <Badge tone={o.matched ? 'success' : 'neutral'}>{f(o.matched ? m.testerMatched : m.testerNotMatched)}</Badge>
                            </div>
                            <div className='tw-small tw-muted'>{o.detail}</div>
                            {o.matched && o.triggerWord !== undefined && o.triggerWord !== '' && (
                                <div className='tw-small'>
                                    {f(m.testerTriggerWord)}
                                    {': '}
                                    <span className='tw-code'>{o.triggerWord}</span>
                                </div>
                            )}
                            {o.groups && Object.keys(o.groups).length > 0 && (
                                <table
                                    className='tw-table'
                                    aria-label={f(m.testerGroups)}
                                    style={{marginTop: 6}}
                                >
                                    <tbody>
                                        {groupRows(o.groups).map(([k, v]) => (
                                            <tr key={k}>
                                                <th style={{width: 160}}>{k}</th>
                                                <td className='tw-mono'>{v}</td>
                                            </tr>
                                        ))}
                                    </tbody>
                                </table>
                            )}
                            {o.conditions && o.conditions.length > 0 && <Traces traces={o.conditions as Trace[]}/>}
                            {o.notes?.map((n) => (
                                <div
                                    key={n}
                                    className='tw-help'
                                >
                                    {n}
                                </div>
                            ))}
                        </div>
                    ))}
            </div>
        </div>
    );
}

/** Named groups first (what a rule's author wrote), then the numbered ones. */
export function groupRows(groups: Record<string, string>): Array<[string, string]> {
    const numbered = (k: string) => /^\d+$/.test(k);
    return Object.entries(groups).sort(([a], [b]) => Number(numbered(a)) - Number(numbered(b)) || (numbered(a) ? Number(a) - Number(b) : a.localeCompare(b)));
}

function Traces({traces}: {traces: Trace[]}) {
    return (
        <ul
            className='tw-small'
            style={{margin: '6px 0 0', paddingLeft: 18}}
        >
            {traces.map((t, i) => (
                <li key={i}>
                    {t.passed ? '✓ ' : '✗ '}
                    {t.label}
                    {t.children && <Traces traces={t.children as Trace[]}/>}
                </li>
            ))}
        </ul>
    );
}
