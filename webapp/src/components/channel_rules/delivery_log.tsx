import {deliveryStatuses, type DeliveryLogEntry, type DeliveryLogPage, type DeliveryStatus, type RuleView} from '@tripwire/common';
import {Fragment, useCallback, useEffect, useMemo, useState} from 'react';
import {useIntl, type MessageDescriptor} from 'react-intl';

import {useClient} from '../common/client_context';
import {Badge, Spinner, type BadgeTone} from '../common/badge';
import {InlineConfirm} from '../common/confirm';
import {commonMessages} from '../common/messages';
import {SelectField} from '../common/fields';

import {RequestResponseView} from './excerpt_view';
import {m, m2} from './messages';

export const statusTone: Record<DeliveryStatus, BadgeTone> = {succeeded: 'success', retrying: 'warning', failed: 'danger', dropped: 'neutral', cancelled: 'neutral'};
export const statusMessages: Record<DeliveryStatus, MessageDescriptor> = {succeeded: m2.statusSucceeded, retrying: m2.statusRetrying, failed: m2.statusFailed, dropped: m2.statusDropped, cancelled: m2.statusCancelled};

/** One delivery as the log shows it: its attempts folded inside, its state the latest attempt's. */
export interface DeliveryRow {
    id: string;
    ruleId: string;
    /** Oldest first. */
    attempts: DeliveryLogEntry[];
    /** Replies that came later through the response_url. */
    lateReplies: DeliveryLogEntry[];
    status: DeliveryStatus;
    at: number;
    endpoints: string;
    trigger: DeliveryLogEntry['trigger'];
    test: boolean;
}

/** Folds a log (one entry per attempt, any order) into one row per delivery, newest first. */
export function groupDeliveries(entries: readonly DeliveryLogEntry[]): DeliveryRow[] {
    const byId = new Map<string, DeliveryLogEntry[]>();
    for (const e of entries) byId.set(e.delivery_id, [...(byId.get(e.delivery_id) ?? []), e]);
    const rows = [...byId.entries()].map(([id, list]): DeliveryRow => {
        const sorted = [...list].sort((a, b) => a.at - b.at || a.attempt - b.attempt);
        const attempts = sorted.filter((e) => !e.async_reply);
        const lateReplies = sorted.filter((e) => e.async_reply);
        const last = attempts[attempts.length - 1] ?? sorted[sorted.length - 1]!;
        // In one attempt of a failover delivery, one endpoint answering is the delivery succeeding.
        const lastRound = attempts.filter((e) => e.attempt === last.attempt);
        const status = lastRound.some((e) => e.status === 'succeeded') ? 'succeeded' : last.status;
        return {
            id,
            ruleId: last.rule_id,
            attempts,
            lateReplies,
            status,
            at: sorted[0]!.at,
            endpoints: [...new Set(attempts.map((e) => e.endpoint_id))].join(', '),
            trigger: sorted.find((e) => e.trigger)?.trigger,
            test: sorted.some((e) => e.test),
        };
    });
    return rows.sort((a, b) => b.at - a.at);
}

const ALL = '';
const PER_PAGE = 100;

/**
 * The delivery log, one row per delivery (who said what, which endpoint, how it ended), of one rule or of every rule
 * of the channel; each row opens to its attempts with their requests and responses. Test deliveries are marked.
 * Replay asks first: the service receives the delivery again.
 */
export function DeliveryLog({rules, initialRuleId}: {rules: RuleView[]; initialRuleId: string | null}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const [ruleId, setRuleId] = useState(initialRuleId ?? (rules.length === 1 ? rules[0]!.id : ALL));
    const [status, setStatus] = useState<'' | DeliveryStatus>('');
    const [pages, setPages] = useState<DeliveryLogPage[]>([]);
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const [open, setOpen] = useState<string | null>(null);
    const [confirming, setConfirming] = useState<string | null>(null);
    const [replayed, setReplayed] = useState<Record<string, string>>({});
    const ruleIds = useMemo(() => (ruleId === ALL ? rules.map((r) => r.id) : [ruleId]), [ruleId, rules]);
    const ruleById = useMemo(() => new Map(rules.map((r) => [r.id, r])), [rules]);

    const load = useCallback(
        async (page: number) => {
            if (ruleIds.length === 0) return;
            setBusy(true);
            setError(null);
            try {
                const next = await Promise.all(ruleIds.map((id) => client.listDeliveries(id, {page, per_page: PER_PAGE})));
                setPages((prev) => (page === 0 ? next : [...prev, ...next]));
            } catch (e) {
                setError(e instanceof Error ? e.message : String(e));
            } finally {
                setBusy(false);
            }
        },
        [client, ruleIds],
    );
    useEffect(() => {
        setPages([]);
        void load(0);
    }, [load]);

    const replay = async (row: DeliveryRow) => {
        setConfirming(null);
        try {
            const r = await client.replayDelivery(row.ruleId, row.id);
            setReplayed((s) => ({...s, [row.id]: r.replayed ? f(m.logReplayed) : f(m2.logNotReplayed)}));
        } catch (e) {
            setReplayed((s) => ({...s, [row.id]: e instanceof Error ? e.message : String(e)}));
        }
    };

    if (rules.length === 0) return <div className='tw-empty tw-muted'>{f(m.logPickRule)}</div>;
    const rows = groupDeliveries(pages.flatMap((p) => p.entries)).filter((r) => status === '' || r.status === status);
    const last = pages[pages.length - 1];
    const stats = ruleId !== ALL ? pages[0]?.stats : undefined;
    const columns = ruleId === ALL ? 7 : 6;
    return (
        <div className='tw-stack'>
            <div className='tw-grid-2'>
                <SelectField
                    label={f(m.logRule)}
                    value={ruleId}
                    options={[{value: ALL, label: f(m2.logAllRules)}, ...rules.map((r) => ({value: r.id, label: r.name}))]}
                    onChange={setRuleId}
                />
                <SelectField<'' | DeliveryStatus>
                    label={f(m.logStatus)}
                    value={status}
                    options={[{value: '' as '' | DeliveryStatus, label: f(m.logAllStatuses)}, ...deliveryStatuses.map((s) => ({value: s as '' | DeliveryStatus, label: f(statusMessages[s])}))]}
                    onChange={setStatus}
                />
            </div>
            <div className='tw-row'>
                <span className='tw-small tw-muted tw-grow'>
                    {stats &&
                        f(m.logStats, {
                            deliveries: stats.deliveries,
                            succeeded: stats.succeeded,
                            failed: stats.failed,
                            p50: stats.p50_latency_ms === null ? '—' : Math.round(stats.p50_latency_ms),
                            p95: stats.p95_latency_ms === null ? '—' : Math.round(stats.p95_latency_ms),
                        })}
                </span>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    onClick={() => void load(0)}
                >
                    {f(m.refresh)}
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
            {rows.length === 0 && !busy && !error && <div className='tw-empty tw-muted'>{f(m.logEmpty)}</div>}
            {rows.length > 0 && (
                <table
                    className='tw-table'
                    aria-label={ruleId === ALL ? f(m.tabLog) : ruleById.get(ruleId)?.name}
                >
                    <thead>
                        <tr>
                            <th>{f(m.logTime)}</th>
                            <th>{f(m.logStatus)}</th>
                            <th>{f(m2.logMessage)}</th>
                            {ruleId === ALL && <th>{f(m.logRule)}</th>}
                            <th>{f(m2.logEndpoint)}</th>
                            <th>{f(m2.logAttempts)}</th>
                            <th>
                                <span className='tw-visually-hidden'>{f(m2.logActions)}</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.map((row) => {
                            const rule = ruleById.get(row.ruleId);
                            const latest = row.attempts[row.attempts.length - 1];
                            // A cancelled delivery's records are gone with its endpoint: there is nothing to send again.
                            const canReplay = rule?.can_manage && !row.test && row.status !== 'retrying' && row.status !== 'cancelled';
                            return (
                                <Fragment key={row.id}>
                                    <tr data-testid='tripwire-delivery-row'>
                                        <td>{new Date(row.at).toLocaleString()}</td>
                                        <td>
                                            <span className='tw-row tw-wrap'>
                                                <Badge tone={statusTone[row.status]}>{f(statusMessages[row.status])}</Badge>
                                                {row.test && <Badge tone='info'>{f(m2.logTest)}</Badge>}
                                            </span>
                                        </td>
                                        <td>
                                            {row.trigger ? (
                                                <>
                                                    <div className='tw-excerpt'>{row.trigger.message}</div>
                                                    <div className='tw-small tw-muted'>{`@${row.trigger.username}`}</div>
                                                </>
                                            ) : (
                                                <span className='tw-muted'>{'—'}</span>
                                            )}
                                        </td>
                                        {ruleId === ALL && <td>{rule?.name ?? row.ruleId}</td>}
                                        <td className='tw-mono'>{row.endpoints}</td>
                                        <td>
                                            {row.attempts.length}
                                            {latest?.http_status !== undefined && <span className='tw-code'>{` ${latest.http_status}`}</span>}
                                        </td>
                                        <td style={{whiteSpace: 'nowrap', textAlign: 'right'}}>
                                            <button
                                                type='button'
                                                className='tw-btn tw-btn-tertiary'
                                                aria-expanded={open === row.id}
                                                onClick={() => setOpen(open === row.id ? null : row.id)}
                                            >
                                                {f(m.logDetails)}
                                            </button>
                                            {canReplay &&
                                                (replayed[row.id] ? (
                                                    <span className='tw-small tw-muted'>{replayed[row.id]}</span>
                                                ) : (
                                                    <button
                                                        type='button'
                                                        className='tw-btn tw-btn-secondary'
                                                        onClick={() => setConfirming(row.id)}
                                                    >
                                                        {f(m.logReplay)}
                                                    </button>
                                                ))}
                                        </td>
                                    </tr>
                                    {confirming === row.id && (
                                        <tr>
                                            <td colSpan={columns}>
                                                <InlineConfirm
                                                    message={f(m2.replayConfirm, {endpoint: row.endpoints})}
                                                    cancelLabel={f(commonMessages.cancel)}
                                                    confirmLabel={f(m.logReplay)}
                                                    onCancel={() => setConfirming(null)}
                                                    onConfirm={() => void replay(row)}
                                                />
                                            </td>
                                        </tr>
                                    )}
                                    {open === row.id && (
                                        <tr>
                                            <td colSpan={columns}>
                                                <Attempts row={row}/>
                                            </td>
                                        </tr>
                                    )}
                                </Fragment>
                            );
                        })}
                    </tbody>
                </table>
            )}
            {busy && <Spinner label={f(m.tabLog)}/>}
            {ruleId !== ALL && last?.has_more && !busy && (
                <button
                    type='button'
                    className='tw-btn tw-btn-secondary'
                    onClick={() => void load(last.page + 1)}
                >
                    {f(m.logMore)}
                </button>
            )}
        </div>
    );
}

/** A delivery's attempts, oldest first, each with its outcome, and its request and response on demand. */
function Attempts({row}: {row: DeliveryRow}) {
    const f = useIntl().formatMessage;
    const [shown, setShown] = useState<number | null>(row.attempts.length - 1);
    return (
        <div className='tw-stack'>
            <ol
                className='tw-attempts'
                aria-label={f(m2.logAttempts)}
            >
                {[...row.attempts, ...row.lateReplies].map((e, i) => (
                    <li key={`${e.attempt}:${e.at}:${e.endpoint_id}:${i}`}>
                        <div className='tw-row tw-wrap'>
                            <span className='tw-small'>{e.async_reply ? f(m2.logLateReply) : f(m2.logAttemptN, {n: e.attempt})}</span>
                            <Badge tone={statusTone[e.status]}>{f(statusMessages[e.status])}</Badge>
                            <span className='tw-small tw-muted'>{new Date(e.at).toLocaleString()}</span>
                            {e.http_status !== undefined && <span className='tw-code'>{e.http_status}</span>}
                            {e.error && e.error !== `HTTP ${e.http_status}` && <span className='tw-small tw-muted'>{e.error}</span>}
                            {e.latency_ms !== undefined && <span className='tw-small tw-muted'>{`${Math.round(e.latency_ms)} ms`}</span>}
                            {e.reply && <span className='tw-small tw-muted'>{e.reply.kind === 'posted' ? f(m2.logReplyPosted, {posts: e.reply.posts}) : e.reply.reason}</span>}
                            {(e.request || e.response) && (
                                <button
                                    type='button'
                                    className='tw-btn tw-btn-tertiary'
                                    aria-expanded={shown === i}
                                    onClick={() => setShown(shown === i ? null : i)}
                                >
                                    {f(m2.logRequestResponse)}
                                </button>
                            )}
                        </div>
                        {shown === i && (
                            <RequestResponseView
                                request={e.request}
                                response={e.response}
                            />
                        )}
                    </li>
                ))}
            </ol>
        </div>
    );
}
