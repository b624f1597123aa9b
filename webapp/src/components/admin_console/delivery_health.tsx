import {type DeliveryHealth} from '@tripwire/common';
import {useCallback, useEffect, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {useClient} from '../common/client_context';

import {am} from './messages';

/** The label value metrics give rules past their label budget (server/src/metrics/label_budget.ts). */
const OTHER = '_other';

type Loaded = {health: DeliveryHealth} | {error: string} | null;

/**
 * The System Console's delivery health summary (admin-only `GET /admin/delivery-health`): the rules and endpoints that
 * fail most, the queue and the breakers, read from the same figures as the plugin's Prometheus metrics.
 */
export function DeliveryHealthSummary() {
    const f = useIntl().formatMessage;
    const client = useClient();
    const [loaded, setLoaded] = useState<Loaded>(null);
    const current = useRef<AbortController | null>(null);
    const load = useCallback(() => {
        // A newer load (or leaving the page) drops the answer of an older one.
        current.current?.abort();
        const request = new AbortController();
        current.current = request;
        setLoaded(null);
        client.call('getDeliveryHealth', {signal: request.signal}).then(
            (health) => !request.signal.aborted && setLoaded({health}),
            (e: unknown) => !request.signal.aborted && setLoaded({error: e instanceof Error ? e.message : String(e)}),
        );
    }, [client]);
    useEffect(() => {
        load();
        return () => current.current?.abort();
    }, [load]);

    const ruleName = (row: {rule_id: string; rule_name: string}) => {
        if (row.rule_id === OTHER) return f(am.healthOther);
        return row.rule_name || f(am.healthDeleted, {id: row.rule_id});
    };
    let body;
    if (loaded === null) body = <div className='tw-help'>{f(am.healthLoading)}</div>;
    else if ('error' in loaded) {
        body = (
            <div
                className='tw-notice tw-notice-error'
                role='alert'
            >
                {f(am.healthFailed, {message: loaded.error})}
            </div>
        );
    } else {
        const {rules, endpoints, queue, breakers} = loaded.health;
        const age = queue.oldest_age_seconds > 0 ? f(am.healthSeconds, {seconds: Math.round(queue.oldest_age_seconds)}) : f(am.healthNoQueue);
        body = (
            <>
                <div data-testid='tripwire-health-queue'>{f(am.healthQueue, {inFlight: queue.in_flight, scheduled: queue.scheduled, parked: queue.parked, age})}</div>
                <div
                    data-testid='tripwire-health-breakers'
                    className={breakers.open > 0 ? 'tw-notice tw-notice-warning' : undefined}
                >
                    {f(am.healthBreakers, {open: breakers.open, halfOpen: breakers.half_open, closed: breakers.closed})}
                </div>
                {rules.length === 0 && endpoints.length === 0 && <div className='tw-help'>{f(am.healthAllGood)}</div>}
                {rules.length > 0 && (
                    <table
                        className='tw-table'
                        aria-label={f(am.healthRules)}
                    >
                        <caption className='tw-help'>{f(am.healthRules)}</caption>
                        <thead>
                            <tr>
                                <th>{f(am.healthRule)}</th>
                                <th>{f(am.healthFailedCol)}</th>
                                <th>{f(am.healthDroppedCol)}</th>
                                <th>{f(am.healthSucceededCol)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rules.map((r) => (
                                <tr key={r.rule_id}>
                                    <td>{ruleName(r)}</td>
                                    <td>{r.failed}</td>
                                    <td>{r.dropped}</td>
                                    <td>{r.succeeded}</td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                )}
                {endpoints.length > 0 && (
                    <table
                        className='tw-table'
                        aria-label={f(am.healthEndpoints)}
                    >
                        <caption className='tw-help'>{f(am.healthEndpoints)}</caption>
                        <thead>
                            <tr>
                                <th>{f(am.healthRule)}</th>
                                <th>{f(am.healthEndpoint)}</th>
                                <th>{f(am.healthFailedCol)}</th>
                                <th>{f(am.healthRetryingCol)}</th>
                                <th>{f(am.healthSucceededCol)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {endpoints.map((e) => (
                                <tr key={`${e.rule_id}/${e.endpoint_id}`}>
                                    <td>{ruleName(e)}</td>
                                    <td className='tw-mono'>{e.endpoint_id}</td>
                                    <td>{e.failed}</td>
                                    <td>{e.retrying}</td>
                                    <td>{e.succeeded}</td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                )}
            </>
        );
    }
    return (
        <section
            className='tw-section tw-stack'
            data-testid='tripwire-delivery-health'
        >
            <div className='tw-row'>
                <span className='tw-section-title tw-grow'>{f(am.healthTitle)}</span>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    onClick={load}
                >
                    {f(am.healthRefresh)}
                </button>
            </div>
            <div className='tw-help'>{f(am.healthHelp)}</div>
            {body}
        </section>
    );
}
