import {deliveryPolicySchema, endpointSchema, type FieldErrors, type RuleSpec} from '@tripwire/common';

import {deliveryGuardrails, endpointGuardrails, overGuardrail, type Guardrail} from '../config/guardrails';
import {type Settings} from '../config/settings';

type Table = Readonly<Partial<Record<string, Guardrail>>>;

/**
 * What a rule gets when it does not say: such a value over a guardrail is lowered to it, not refused. Worked out with
 * the first rule saved, not when the module loads: a schema's first parse has zod compile its parser, start-up time
 * the shipped executable's activation would wait for.
 */
let defaultsOnce: {delivery: Record<string, unknown>; endpoint: Record<string, unknown>} | undefined;
const defaults = () =>
    (defaultsOnce ??= {
        delivery: deliveryPolicySchema.parse({}) as Record<string, unknown>,
        endpoint: endpointSchema.parse({url: 'https://example.invalid/'}) as Record<string, unknown>,
    });

function fit<T extends object>(value: T, table: Table, fallback: Record<string, unknown>, settings: Settings, path: string, problems: FieldErrors): T {
    let out: T | undefined;
    for (const [field, g] of Object.entries(table)) {
        const v = (value as Record<string, unknown>)[field];
        if (!g || typeof v !== 'number' || v <= settings[g.setting]) continue;
        if (v === fallback[field]) (out ??= {...value})[field as keyof T] = settings[g.setting] as T[keyof T];
        else problems[`${path}${field}`] = overGuardrail(g, settings);
    }
    return out ?? value;
}

export type GuardrailFit<S> = {ok: true; spec: S} | {ok: false; problems: FieldErrors};

/**
 * Holds a rule's per-rule settings to the system admin's guardrails at save time. A value the rule chose above a
 * guardrail is a problem, by field path (`delivery.rate_per_rule_per_minute`, `endpoints.0.timeout_ms`, with `prefix`
 * in front) and with a message naming the limit; a schema default above one is lowered to it, so a rule that never
 * touched a knob still saves after the admin tightened it.
 */
export function fitGuardrails<S extends Pick<RuleSpec, 'delivery' | 'endpoints'>>(spec: S, settings: Settings, prefix = ''): GuardrailFit<S> {
    const problems: FieldErrors = {};
    const {delivery: deliveryDefaults, endpoint: endpointDefaults} = defaults();
    const delivery = fit(spec.delivery, deliveryGuardrails, deliveryDefaults, settings, `${prefix}delivery.`, problems);
    const endpoints = spec.endpoints.map((e, i) => fit(e, endpointGuardrails, endpointDefaults, settings, `${prefix}endpoints.${i}.`, problems));
    if (Object.keys(problems).length > 0) return {ok: false, problems};
    return {ok: true, spec: {...spec, delivery, endpoints}};
}
