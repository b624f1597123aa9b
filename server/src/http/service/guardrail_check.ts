import {type RuleSpec} from '@tripwire/common';

import {type Settings} from '../../config/settings';
import {fitGuardrails} from '../../rules/guardrail_limits';
import {invalid} from '../errors';

/**
 * A rule spec held to the system admin's guardrails before it is saved (create, update, import).
 * @throws ApiError invalid_input naming each field over its limit, e.g. `delivery.rate_per_rule_per_minute`:
 * "at most 120 per minute: the system admin's limit".
 */
export function withinGuardrails<S extends Pick<RuleSpec, 'delivery' | 'endpoints'>>(spec: S, settings: Settings, prefix = ''): S {
    const fit = fitGuardrails(spec, settings, prefix);
    if (fit.ok) return fit.spec;
    const [field, message] = Object.entries(fit.problems)[0]!;
    throw invalid(fit.problems, `${field}: ${message}`);
}
