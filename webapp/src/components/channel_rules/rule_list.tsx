import {type RuleView} from '@tripwire/common';
import {useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {deleteRule, setRuleEnabled} from '../../state/actions';
import {type RuleHealth} from '../../state/types';
import {useClient} from '../common/client_context';
import {Badge} from '../common/badge';
import {useAppDispatch, usePluginSelector} from '../common/hooks';
import {InlineConfirm} from '../common/confirm';
import {commonMessages} from '../common/messages';

import {m} from './messages';
import {TriggerSummary} from './trigger_summary';

interface Props {
    rules: RuleView[];
    onEdit(rule: RuleView): void;
    onLog(rule: RuleView): void;
}

/** The channel's rules with their health: enabled, success rate over the log, the newest error. */
export function RuleList({rules, onEdit, onLog}: Props) {
    return (
        <div
            className='tw-rule-list'
            role='list'
        >
            {rules.map((r) => (
                <RuleRow
                    key={r.id}
                    rule={r}
                    onEdit={onEdit}
                    onLog={onLog}
                />
            ))}
        </div>
    );
}

export function HealthBadges({rule, health}: {rule: RuleView; health: RuleHealth | undefined}) {
    const f = useIntl().formatMessage;
    const stats = health?.stats;
    const total = stats ? stats.succeeded + stats.failed : 0;
    const rate = stats?.success_rate ?? null;
    const lastError = health?.last && health.last.status !== 'succeeded' ? health.last.error ?? (health.last.http_status ? `HTTP ${health.last.http_status}` : health.last.error_class) : undefined;
    return (
        <>
            <Badge tone={rule.enabled ? 'success' : 'neutral'}>{f(rule.enabled ? m.enabled : m.disabled)}</Badge>
            {rate === null ? (
                <Badge tone='neutral'>{f(m.noDeliveries)}</Badge>
            ) : (
                <Badge
                    tone={rate >= 0.95 ? 'success' : rate >= 0.8 ? 'warning' : 'danger'}
                    title={f(m.successTitle, {succeeded: stats?.succeeded ?? 0, total, p95: stats?.p95_latency_ms ?? '—'})}
                >
                    {f(m.successRate, {rate})}
                </Badge>
            )}
            {!rule.can_manage && <Badge tone='info'>{f(m.readOnly)}</Badge>}
            {lastError && (
                <span
                    className='tw-small tw-error'
                    data-testid='tripwire-last-error'
                >
                    {f(m.lastError, {error: lastError})}
                </span>
            )}
        </>
    );
}

function RuleRow({rule, onEdit, onLog}: {rule: RuleView; onEdit(r: RuleView): void; onLog(r: RuleView): void}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const dispatch = useAppDispatch();
    const health = usePluginSelector((s) => s.health[rule.id]);
    const [confirming, setConfirming] = useState(false);
    const deleteButton = useRef<HTMLButtonElement>(null);
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const act = async (fn: () => Promise<unknown>) => {
        setBusy(true);
        setError(null);
        try {
            await fn();
        } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
        } finally {
            setBusy(false);
        }
    };
    return (
        <div
            className='tw-rule'
            role='listitem'
            aria-label={rule.name}
        >
            <div className='tw-grow'>
                <div className='tw-row tw-wrap'>
                    <span className='tw-rule-name'>{rule.name}</span>
                    <HealthBadges
                        rule={rule}
                        health={health}
                    />
                </div>
                <div className='tw-rule-trigger'>
                    <TriggerSummary
                        trigger={rule.trigger}
                        events={rule.events}
                        emoji={rule.emoji}
                    />
                    <span className='tw-small tw-muted'>
                        {' · '}
                        {f(m.endpointsCount, {count: rule.endpoints.length})}
                    </span>
                </div>
                {rule.description && <div className='tw-small tw-muted'>{rule.description}</div>}
                {error && (
                    <div
                        className='tw-error'
                        role='alert'
                    >
                        {error}
                    </div>
                )}
                {confirming && (
                    <div style={{marginTop: 8}}>
                        <InlineConfirm
                            message={f(m.confirmDelete, {name: rule.name})}
                            cancelLabel={f(commonMessages.cancel)}
                            confirmLabel={f(m.delete)}
                            danger={true}
                            busy={busy}
                            onCancel={() => {
                                setConfirming(false);
                                requestAnimationFrame(() => deleteButton.current?.focus());
                            }}
                            onConfirm={() => void act(() => dispatch(deleteRule(client, rule)))}
                        />
                    </div>
                )}
            </div>
            <div className='tw-row'>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    onClick={() => onLog(rule)}
                >
                    {f(m.log)}
                </button>
                {rule.can_manage && (
                    <button
                        type='button'
                        className='tw-btn tw-btn-tertiary'
                        disabled={busy}
                        onClick={() => void act(() => dispatch(setRuleEnabled(client, rule, !rule.enabled)))}
                    >
                        {f(rule.enabled ? m.disable : m.enable)}
                    </button>
                )}
                <button
                    type='button'
                    className='tw-btn tw-btn-secondary'
                    onClick={() => onEdit(rule)}
                >
                    {f(rule.can_manage ? m.edit : m.view)}
                </button>
                {rule.can_manage && (
                    <button
                        ref={deleteButton}
                        type='button'
                        className='tw-btn tw-btn-danger'
                        aria-label={`${f(m.delete)} ${rule.name}`}
                        disabled={busy}
                        onClick={() => setConfirming(true)}
                    >
                        {f(m.delete)}
                    </button>
                )}
            </div>
        </div>
    );
}
