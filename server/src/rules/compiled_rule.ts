import {type Rule, type RuleSpec} from '@tripwire/common';
import {compileConditions, conditionNeeds, type CompiledCondition, type ConditionNeeds} from './conditions';
import {compileTrigger, type CompiledTrigger} from './trigger';

/**
 * What the matcher needs of a rule: a stored `Rule`, or an unsaved spec being tried on the test bench (with a
 * placeholder id and the tester as owner).
 */
export type MatchableRule = RuleSpec & Pick<Rule, 'id' | 'ownerId'>;

export interface CompiledRule<R extends MatchableRule = MatchableRule> {
    readonly rule: R;
    readonly trigger: CompiledTrigger;
    readonly conditions: CompiledCondition | null;
    readonly needs: ConditionNeeds;
    /** For 'channels' scope. */
    readonly channelIds: ReadonlySet<string>;
}

/**
 * Rules are immutable once parsed (a change is a new object with a new revision), so compiled forms are cached by
 * object identity: each rule version is compiled once, and dropped with it.
 */
const cache = new WeakMap<object, CompiledRule>();

/** @throws Error when the rule holds a regex the validator would refuse. */
export function compileRule<R extends MatchableRule>(rule: R): CompiledRule<R> {
    const hit = cache.get(rule);
    if (hit) return hit as CompiledRule<R>;
    const compiled: CompiledRule<R> = {
        rule,
        trigger: compileTrigger(rule.trigger),
        conditions: compileConditions(rule.conditions),
        needs: conditionNeeds(rule.conditions),
        channelIds: new Set(rule.scope.kind === 'channels' ? rule.scope.channelIds : []),
    };
    cache.set(rule, compiled);
    return compiled;
}
