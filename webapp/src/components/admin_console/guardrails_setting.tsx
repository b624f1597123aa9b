import {guardrailsInputSchema, fieldErrorsOf, type GuardrailsView} from '@tripwire/common';
import {useEffect, useMemo, useState} from 'react';
import {useIntl} from 'react-intl';

import {ClientError} from '../../client/client_core';
import {type CustomSettingProps} from '../../host/registry';
import {useClient} from '../common/client_context';
import {Spinner} from '../common/badge';
import {Checkbox, LinesField, NumberField} from '../common/fields';
import {commonMessages} from '../common/messages';
import {TripwireStyles} from '../common/styles';

import {am} from './messages';

type Form = Omit<GuardrailsView, 'editable'>;

function formOf(view: GuardrailsView): Form {
    const {editable: _e, ...rest} = view;
    return rest;
}

/**
 * System Console custom setting (settings_schema key `Guardrails`, type custom): the system admin's limits in one
 * place, read and saved through Tripwire's own admin API (the server writes them to the plugin settings), validated
 * with the same zod schema the API uses. One `update(patch)` keeps "changed" and the form in step.
 */
export function GuardrailsSetting(_props: CustomSettingProps) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const [view, setView] = useState<GuardrailsView | null>(null);
    const [form, setForm] = useState<Form | null>(null);
    const [loadError, setLoadError] = useState<string | null>(null);
    const [status, setStatus] = useState<{tone: 'error' | 'info'; text: string} | null>(null);
    const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
    const [saving, setSaving] = useState(false);

    useEffect(() => {
        client.getGuardrails().then(
            (v) => {
                setView(v);
                setForm(formOf(v));
            },
            (e: unknown) => setLoadError(e instanceof ClientError && e.code === 'forbidden' ? f(am.forbidden) : f(am.loadFailed, {message: e instanceof Error ? e.message : String(e)})),
        );
    }, [client, f]);

    const check = useMemo(() => (form ? guardrailsInputSchema.safeParse(form) : null), [form]);
    const errors: Record<string, string> = {...(check && !check.success ? fieldErrorsOf(check.error) : {}), ...serverErrors};

    if (loadError) return <div className='tw-root tw-error'>{loadError}</div>;
    if (!form || !view) return <Spinner label={f(commonMessages.loading)}/>;

    const update = (patch: Partial<Form>) => {
        setForm({...form, ...patch});
        setStatus(null);
        setServerErrors({});
    };
    const save = async () => {
        if (!check?.success) return;
        setSaving(true);
        try {
            const next = await client.setGuardrails(check.data);
            setView(next);
            setForm(formOf(next));
            setStatus({tone: 'info', text: f(am.saved)});
        } catch (e) {
            setStatus({tone: 'error', text: e instanceof Error ? e.message : String(e)});
            if (e instanceof ClientError) setServerErrors(e.fields);
        } finally {
            setSaving(false);
        }
    };
    const disabled = !view.editable || saving;
    const dirty = JSON.stringify(form) !== JSON.stringify(formOf(view));
    return (
        <div
            className='tw-root tw-stack'
            style={{maxWidth: 640}}
            data-testid='tripwire-guardrails'
        >
            <TripwireStyles/>
            <div className='tw-help'>{f(am.intro)}</div>
            {!view.editable && <div className='tw-notice'>{f(am.notEditable)}</div>}
            <LinesField
                label={f(am.allowedHosts)}
                help={f(am.allowedHostsHelp)}
                mono={true}
                values={form.allowed_hosts}
                error={Object.entries(errors).find(([k]) => k.startsWith('allowed_hosts'))?.[1]}
                onChange={(allowed_hosts) => update({allowed_hosts})}
            />
            <div className='tw-grid-2'>
                <NumberField
                    label={f(am.maxRules)}
                    value={form.max_rules_per_channel}
                    disabled={disabled}
                    error={errors.max_rules_per_channel}
                    onChange={(v) => update({max_rules_per_channel: v ?? Number.NaN})}
                />
                <NumberField
                    label={f(am.maxAttempts)}
                    value={form.max_attempts}
                    disabled={disabled}
                    error={errors.max_attempts}
                    onChange={(v) => update({max_attempts: v ?? Number.NaN})}
                />
                <NumberField
                    label={f(am.maxHops)}
                    value={form.max_hops}
                    disabled={disabled}
                    error={errors.max_hops}
                    onChange={(v) => update({max_hops: v ?? Number.NaN})}
                />
                <NumberField
                    label={f(am.rate)}
                    value={form.rate_limit_per_minute}
                    disabled={disabled}
                    error={errors.rate_limit_per_minute}
                    onChange={(v) => update({rate_limit_per_minute: v ?? Number.NaN})}
                />
                <NumberField
                    label={f(am.maxTimeout)}
                    value={form.max_endpoint_timeout_ms}
                    disabled={disabled}
                    error={errors.max_endpoint_timeout_ms}
                    onChange={(v) => update({max_endpoint_timeout_ms: v ?? Number.NaN})}
                />
                <NumberField
                    label={f(am.maxConcurrency)}
                    value={form.max_endpoint_concurrency}
                    disabled={disabled}
                    error={errors.max_endpoint_concurrency}
                    onChange={(v) => update({max_endpoint_concurrency: v ?? Number.NaN})}
                />
                <NumberField
                    label={f(am.maxAge)}
                    value={form.max_delivery_age_seconds}
                    disabled={disabled}
                    error={errors.max_delivery_age_seconds}
                    onChange={(v) => update({max_delivery_age_seconds: v ?? Number.NaN})}
                />
                <NumberField
                    label={f(am.maxBackoff)}
                    value={form.max_backoff_ms}
                    disabled={disabled}
                    error={errors.max_backoff_ms}
                    onChange={(v) => update({max_backoff_ms: v ?? Number.NaN})}
                />
            </div>
            <div className='tw-help'>{f(am.rulesClamped)}</div>
            <Checkbox
                label={f(am.dmRules)}
                checked={form.dm_rules_enabled}
                disabled={disabled}
                onChange={(dm_rules_enabled) => update({dm_rules_enabled})}
            />
            <Checkbox
                label={f(am.foreignActions)}
                checked={form.allow_foreign_action_urls}
                disabled={disabled}
                onChange={(allow_foreign_action_urls) => update({allow_foreign_action_urls})}
            />
            {status && (
                <div
                    className={`tw-notice${status.tone === 'error' ? ' tw-notice-error' : ''}`}
                    role={status.tone === 'error' ? 'alert' : 'status'}
                >
                    {status.text}
                </div>
            )}
            <div>
                <button
                    type='button'
                    className='tw-btn tw-btn-primary'
                    disabled={disabled || !dirty || !check?.success}
                    onClick={() => void save()}
                >
                    {f(am.save)}
                </button>
            </div>
        </div>
    );
}
