import {guardrailsSchema, resolveGuardrailsReport, GUARDRAILS_SETTING_KEY, type Guardrails} from '@tripwire/common';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {type MessageDescriptor, useIntl} from 'react-intl';
import {useSelector} from 'react-redux';

import {type CustomSettingProps} from '../../host/registry';
import {pluginId} from '../../manifest';
import {getPluginSettingsSetByEnv} from '../../state/host_selectors';
import {Checkbox, LinesField, NumberField} from '../common/fields';
import {TripwireStyles} from '../common/styles';

import {DeliveryHealthSummary} from './delivery_health';
import {am} from './messages';

type Field = keyof Guardrails;
const fields = Object.keys(guardrailsSchema.shape) as Field[];

const labels: Record<Field, MessageDescriptor> = {
    allowed_hosts: am.allowedHosts,
    max_rules_per_channel: am.maxRules,
    dm_rules_enabled: am.dmRules,
    max_attempts: am.maxAttempts,
    max_hops: am.maxHops,
    rate_limit_per_minute: am.rate,
    max_endpoint_timeout_ms: am.maxTimeout,
    max_endpoint_concurrency: am.maxConcurrency,
    max_delivery_age_seconds: am.maxAge,
    max_backoff_ms: am.maxBackoff,
    allow_foreign_action_urls: am.foreignActions,
    allow_rule_bots: am.ruleBots,
};

/** Field → first message, for the fields the schema refuses. */
function errorsOf(form: Guardrails): Partial<Record<Field, string>> {
    const out: Partial<Record<Field, string>> = {};
    for (const field of fields) {
        const r = guardrailsSchema.shape[field].safeParse(form[field]);
        if (!r.success) out[field] = r.error.issues[0]?.message ?? 'invalid';
    }
    return out;
}

/** What the page may save: each valid field as typed, each invalid one as it was last saved. */
function savable(form: Guardrails, saved: Guardrails, errors: Partial<Record<Field, string>>): Guardrails {
    const out = {...saved};
    for (const field of fields) {
        if (!errors[field]) (out as Record<Field, unknown>)[field] = form[field];
    }
    return out;
}

/** The plugin's map in the configuration the System Console page holds (PluginSettings.Plugins[id]). */
function pluginConfigOf(config: unknown): Record<string, unknown> {
    const plugins = (config as {PluginSettings?: {Plugins?: Record<string, unknown>}} | undefined)?.PluginSettings?.Plugins;
    const mine = plugins?.[pluginId];
    return mine !== null && typeof mine === 'object' ? (mine as Record<string, unknown>) : {};
}

/**
 * System Console custom setting (settings_schema key `Guardrails`, the plugin's only setting): every guardrail once,
 * saved by the page's own Save button. Each change is handed to the page with `onChange` as the whole guardrails
 * object, which the page writes to PluginSettings.Plugins.tripwire.guardrails with the rest of the configuration, so
 * the System Console's copy of the configuration never goes stale. The starting values are resolved exactly as the
 * server resolves them (0.1.0's separate keys included), and fields are checked with the API's zod schema as you type.
 * A field the schema refuses keeps its stored value; the registered save action then reports it and keeps the page
 * unsaved. Below the guardrails, the delivery health summary (delivery_health.tsx) shows how deliveries fare.
 */
export function GuardrailsSetting(props: CustomSettingProps) {
    const f = useIntl().formatMessage;
    const setByEnv = useSelector(getPluginSettingsSetByEnv) || Boolean(props.setByEnv);
    const saved = useRef<Guardrails | null>(null);
    // Values the stored configuration holds but the plugin cannot use (a hand-edited config.json): shown, not hidden.
    const [ignored] = useState<readonly string[]>(() => {
        const stored = pluginConfigOf(props.config);
        const report = resolveGuardrailsReport(props.value == null ? stored : {...stored, [GUARDRAILS_SETTING_KEY]: props.value});
        saved.current = report.guardrails;
        return report.ignored;
    });
    const [form, setForm] = useState<Guardrails>(() => saved.current!);
    const [notSaved, setNotSaved] = useState<string | null>(null);
    const errors = useMemo(() => errorsOf(form), [form]);

    // The page runs its save actions after writing the configuration: this one tells the admin what it could not take.
    const latest = useRef({form, errors});
    latest.current = {form, errors};
    const saveAction = useCallback(async (): Promise<{error?: {message?: string}}> => {
        const {form: now, errors: bad} = latest.current;
        saved.current = savable(now, saved.current!, bad);
        const refused = fields.filter((field) => bad[field]);
        if (refused.length === 0) {
            setNotSaved(null);
            return {};
        }
        const message = f(am.notSaved, {fields: refused.map((field) => f(labels[field])).join(', ')});
        setNotSaved(message);
        return {error: {message}};
    }, [f]);
    // Unusable stored values: offer the values that apply for saving at once (the page's Save turns on).
    const offerResolved = useRef(ignored.length > 0);
    const {onChange, id} = props;
    const locked = Boolean(props.disabled) || setByEnv;
    useEffect(() => {
        if (offerResolved.current && !locked) onChange(id, saved.current);
        offerResolved.current = false;
    }, [onChange, id, locked]);
    const {registerSaveAction, unRegisterSaveAction} = props;
    useEffect(() => {
        registerSaveAction?.(saveAction);
        return () => unRegisterSaveAction?.(saveAction);
    }, [registerSaveAction, unRegisterSaveAction, saveAction]);

    const update = (patch: Partial<Guardrails>) => {
        const next = {...form, ...patch};
        setForm(next);
        setNotSaved(null);
        // Also marks the page as needing a save, so an invalid edit still reaches the save action that explains it.
        props.onChange(props.id, savable(next, saved.current!, errorsOf(next)));
    };
    const disabled = locked;
    const number = (field: Exclude<Field, 'allowed_hosts' | 'dm_rules_enabled' | 'allow_foreign_action_urls' | 'allow_rule_bots'>) => (
        <NumberField
            label={f(labels[field])}
            value={form[field]}
            disabled={disabled}
            error={errors[field]}
            onChange={(v) => update({[field]: v ?? Number.NaN} as Partial<Guardrails>)}
        />
    );
    return (
        <div
            className='tw-root tw-stack'
            style={{maxWidth: 640}}
            data-testid='tripwire-guardrails'
        >
            <TripwireStyles/>
            <div className='tw-help'>{f(am.intro)}</div>
            {setByEnv && <div className='tw-notice'>{f(am.setByEnv)}</div>}
            {ignored.length > 0 && <div className='tw-notice'>{f(am.ignored, {values: ignored.join('; ')})}</div>}
            <LinesField
                label={f(am.allowedHosts)}
                help={f(am.allowedHostsHelp)}
                mono={true}
                values={form.allowed_hosts}
                disabled={disabled}
                error={errors.allowed_hosts}
                onChange={(allowed_hosts) => update({allowed_hosts})}
            />
            <div className='tw-grid-2'>
                {number('max_rules_per_channel')}
                {number('max_attempts')}
                {number('max_hops')}
                {number('rate_limit_per_minute')}
                {number('max_endpoint_timeout_ms')}
                {number('max_endpoint_concurrency')}
                {number('max_delivery_age_seconds')}
                {number('max_backoff_ms')}
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
            <Checkbox
                label={f(am.ruleBots)}
                checked={form.allow_rule_bots}
                disabled={disabled}
                onChange={(allow_rule_bots) => update({allow_rule_bots})}
            />
            {notSaved && (
                <div
                    className='tw-notice tw-notice-error'
                    role='alert'
                >
                    {notSaved}
                </div>
            )}
            <div className='tw-help'>{f(am.configAsCode)}</div>
            <DeliveryHealthSummary/>
        </div>
    );
}
