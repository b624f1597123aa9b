import {type Rule, type RuleSpec, ruleSpecSchema} from '@tripwire/common';

import {type RuleStore} from '../rules/rule_store';

/** The client-editable part of a stored rule (what update() takes back). */
export function specOf(rule: Rule): RuleSpec {
    const {id: _id, schemaVersion: _v, revision: _r, ownerId: _o, createdBy: _cb, createdAt: _ca, updatedBy: _ub, updatedAt: _ua, botUserId: _bot, ...spec} = rule;
    return ruleSpecSchema.parse(spec);
}

/**
 * A service answered 410 Gone: that endpoint stops receiving deliveries until the rule's owner turns it back on.
 * Written with the rule's revision, so a concurrent edit wins and the next 410 tries again.
 */
export async function disableEndpoint(rules: Pick<RuleStore, 'get' | 'update'>, ruleId: string, endpointId: string, actorId: string): Promise<boolean> {
    const rule = await rules.get(ruleId);
    const endpoint = rule?.endpoints.find((e) => e.id === endpointId);
    if (!rule || !endpoint || !endpoint.enabled) return false;
    const spec = specOf(rule);
    spec.endpoints = spec.endpoints.map((e) => (e.id === endpointId ? {...e, enabled: false} : e));
    await rules.update(ruleId, spec, actorId, rule.revision);
    return true;
}
