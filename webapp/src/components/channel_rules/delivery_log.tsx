import {deliveryStatuses, type DeliveryLogEntry, type DeliveryLogPage, type DeliveryStatus, type RuleView} from '@tripwire/common';
import {Fragment, useCallback, useEffect, useState} from 'react';
import {useIntl} from 'react-intl';

import {useClient} from '../common/client_context';
import {Badge, Spinner, type BadgeTone} from '../common/badge';
import {SelectField} from '../common/fields';

import {RequestResponseView} from './excerpt_view';
import {m} from './messages';

export const statusTone: Record<DeliveryStatus, BadgeTone> = {succeeded: 'success', retrying: 'warning', failed: 'danger', dropped: 'neutral', cancelled: 'neutral'};

/** A rule's delivery log, newest first, filterable by status, with each attempt's request/response and a replay. */
export function DeliveryLog({rules, initialRuleId}: {rules: RuleView[]; initialRuleId: string | null}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const [ruleId, setRuleId] = useState(initialRuleId ?? rules[0]?.id ?? '');
    const [status, setStatus] = useState<'' | DeliveryStatus>('');
    const [pages, setPages] = useState<DeliveryLogPage[]>([]);
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const [open, setOpen] = useState<string | null>(null);
    const [replayed, setReplayed] = useState<Record<string, string>>({});
    const rule = rules.find((r) => r.id === ruleId);

    const load = useCallback(
        async (page: number) => {
            if (!ruleId) return;
            setBusy(true);
            setError(null);
            try {
                const next = await client.listDeliveries(ruleId, {page, per_page: 20, ...(status && {status})});
                setPages((prev) => (page === 0 ? [next] : [...prev, next]));
            } catch (e) {
                setError(e instanceof Error ? e.message : String(e));
            } finally {
                setBusy(false);
            }
        },
        [client, ruleId, status],
    );
    useEffect(() => {
        setPages([]);
        void load(0);
    }, [load]);

    const replay = async (entry: DeliveryLogEntry) => {
        try {
            const r = await client.replayDelivery(entry.rule_id, entry.delivery_id);
            setReplayed((s) => ({...s, [entry.delivery_id]: r.replayed ? f(m.logReplayed) : '—'}));
        } catch (e) {
            setReplayed((s) => ({...s, [entry.delivery_id]: e instanceof Error ? e.message : String(e)}));
        }
    };

    if (rules.length === 0) return <div className='tw-empty tw-muted'>{f(m.logPickRule)}</div>;
    const entries = pages.flatMap((p) => p.entries);
    const last = pages[pages.length - 1];
    const stats = pages[0]?.stats;
    return (
        <div className='tw-stack'>
            <div className='tw-grid-2'>
                <SelectField
                    label={f(m.logRule)}
                    value={ruleId}
                    options={rules.map((r) => ({value: r.id, label: r.name}))}
                    onChange={setRuleId}
                />
                <SelectField<'' | DeliveryStatus>
                    label={f(m.logStatus)}
                    value={status}
                    options={[{value: '' as '' | DeliveryStatus, label: f(m.logAllStatuses)}, ...deliveryStatuses.map((s) => ({value: s as '' | DeliveryStatus, label: s}))]}
                    onChange={setStatus}
                />
            </div>
            {stats && (
                <div className='tw-row'>
                    <span className='tw-small tw-muted tw-grow'>
                        {f(m.logStats, {
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
            )}
            {error && (
                <div
                    className='tw-notice tw-notice-error'
                    role='alert'
                >
                    {error}
                </div>
            )}
            {entries.length === 0 && !busy && !error && <div className='tw-empty tw-muted'>{f(m.logEmpty)}</div>}
            {entries.length > 0 && (
                <table
                    className='tw-table'
                    aria-label={rule?.name}
                >
                    <thead>
                        <tr>
                            <th>{f(m.logTime)}</th>
                            <th>{f(m.logStatus)}</th>
                            <th>{f(m.logAttempt)}</th>
                            <th>{f(m.logResult)}</th>
                            <th>{f(m.logLatency)}</th>
                            <th/>
                        </tr>
                    </thead>
                    <tbody>
                        {entries.map((e) => {
                            const key = `${e.delivery_id}:${e.attempt}:${e.at}`;
                            return (
                                <Fragment key={key}>
                                    <tr>
                                        <td>{new Date(e.at).toLocaleString()}</td>
                                        <td>
                                            <Badge tone={statusTone[e.status]}>{e.status}</Badge>
                                        </td>
                                        <td>{e.attempt}</td>
                                        <td>
                                            {e.http_status !== undefined && <span className='tw-code'>{e.http_status}</span>}{' '}
                                            {e.error_class && e.error_class !== 'http_status' && <span className='tw-muted'>{e.error_class}</span>}
                                            {e.error && e.error !== `HTTP ${e.http_status}` && <div className='tw-muted'>{e.error}</div>}
                                        </td>
                                        <td>{e.latency_ms === undefined ? '—' : `${Math.round(e.latency_ms)} ms`}</td>
                                        <td style={{whiteSpace: 'nowrap', textAlign: 'right'}}>
                                            {(e.request || e.response) && (
                                                <button
                                                    type='button'
                                                    className='tw-btn tw-btn-tertiary'
                                                    aria-expanded={open === key}
                                                    onClick={() => setOpen(open === key ? null : key)}
                                                >
                                                    {f(m.logDetails)}
                                                </button>
                                            )}
                                            {rule?.can_manage && (e.status === 'failed' || e.status === 'succeeded' || e.status === 'dropped') && (
                                                replayed[e.delivery_id] ? (
                                                    <span className='tw-small tw-muted'>{replayed[e.delivery_id]}</span>
                                                ) : (
                                                    <button
                                                        type='button'
                                                        className='tw-btn tw-btn-secondary'
                                                        onClick={() => void replay(e)}
                                                    >
                                                        {f(m.logReplay)}
                                                    </button>
                                                )
                                            )}
                                        </td>
                                    </tr>
                                    {open === key && (
                                        <tr>
                                            <td colSpan={6}>
                                                <RequestResponseView
                                                    request={e.request}
                                                    response={e.response}
                                                />
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
            {last?.has_more && !busy && (
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
