import {isReactionEvent, type ConditionTrace, type MatchReason, type RuleOutcome} from '@tripwire/common';
import {type CompiledRule, type MatchableRule} from './compiled_rule';
import {type PostFacts} from './post_facts';
import {type TriggerHit} from './trigger';

/**
 * One rule against one post, in the documented order: enabled → event → emoji (reactions) → system post → scope → direct-message consent
 * → root/reply → bots → integrations → trigger → conditions → (edits) newly matched. The fast path in rule_set.ts
 * runs the trigger first through its indexes and then `checkAfterTrigger`; both agree on *whether* a rule matches.
 */

/** Checks that need no trigger: the first failing reason, or null. */
export function gateReason(c: CompiledRule, f: PostFacts): MatchReason | null {
    const rule = c.rule;
    if (!rule.enabled) return 'disabled';
    if (!rule.events.includes(f.event)) return 'event';
    if (isReactionEvent(f.event) && rule.emoji.length > 0 && !rule.emoji.includes(f.context.reaction?.emojiName ?? '')) return 'emoji';
    if (f.isSystem) return 'system_post';
    if (!scopeCovers(c, f)) return 'scope';
    if (f.isDirect) {
        if (!f.context.direct?.enabled) return 'direct_disabled';
        if (!f.context.direct.optedIn) return 'not_opted_in';
    }
    if ((rule.threads === 'roots' && !f.isRoot) || (rule.threads === 'replies' && f.isRoot)) return 'thread';
    if (f.isBot && !rule.sources.bots) return 'bot';
    if (f.isIntegration && !rule.sources.integrations) return 'integration';
    return null;
}

function scopeCovers(c: CompiledRule, f: PostFacts): boolean {
    const scope = c.rule.scope;
    const channel = f.channel;
    switch (scope.kind) {
        case 'channels':
            return c.channelIds.has(channel.id);
        case 'team':
            return channel.team_id === scope.teamId && (scope.channelTypes as readonly string[]).includes(channel.type);
        case 'direct':
            return (
                (scope.channelTypes as readonly string[]).includes(channel.type) &&
                (f.context.direct?.memberIds.includes(c.rule.ownerId) ?? false)
            );
    }
}

/** Whether the rule's trigger and conditions hold for this text (used on the text before an edit). */
function triggerAndConditionsHold(c: CompiledRule, f: PostFacts): boolean {
    return c.trigger.matchWord(f.view) !== null && (c.conditions?.test(f) ?? true);
}

/** After the trigger matched: conditions, then edit newness. */
export function reasonAfterTrigger(c: CompiledRule, f: PostFacts): MatchReason | null {
    if (c.conditions && !c.conditions.test(f)) return 'condition';
    if (f.event === 'edited' && f.context.previousMessage !== undefined && triggerAndConditionsHold(c, f.withMessage(f.context.previousMessage))) {
        return 'not_newly_matched';
    }
    return null;
}

const gateDetail: Record<Exclude<MatchReason, 'matched' | 'trigger' | 'condition'>, (c: CompiledRule, f: PostFacts) => string> = {
    disabled: () => 'the rule is disabled (a draft)',
    event: (c, f) => `the rule listens to ${c.rule.events.join(', ')} events, not ${f.event}`,
    emoji: (c, f) => `:${f.context.reaction?.emojiName ?? ''}: is not one of the rule's emoji: ${c.rule.emoji.map((e) => `:${e}:`).join(', ')}`,
    system_post: () => 'system messages never match',
    scope: (_c, f) => `~${f.channel.name || f.channel.id} is outside the rule's scope`,
    direct_disabled: () => 'rules in direct and group messages are turned off by the system admin',
    not_opted_in: () => 'not every member of this conversation opted in to Tripwire rules',
    thread: (c) => (c.rule.threads === 'roots' ? 'the rule takes root posts only, this is a thread reply' : 'the rule takes thread replies only, this is a root post'),
    bot: () => 'the author is a bot and the rule ignores bot posts',
    integration: () => 'the post comes from a webhook or plugin and the rule ignores those',
    not_newly_matched: () => 'the message already matched before this edit',
};

/** The full story for one rule: what the test bench shows. Never throws for a valid rule. */
export function explainRule(c: CompiledRule, f: PostFacts): {outcome: RuleOutcome; hit: TriggerHit | null} {
    const rule: MatchableRule = c.rule;
    const base = {ruleId: rule.id, ruleName: rule.name};
    const gate = gateReason(c, f);
    if (gate) return {outcome: {...base, matched: false, reason: gate, detail: gateDetail[gate as keyof typeof gateDetail](c, f)}, hit: null};
    const hit = c.trigger.evaluate(f.view);
    if (!hit) return {outcome: {...base, matched: false, reason: 'trigger', detail: c.trigger.describeMiss(f.view)}, hit: null};
    const conditions: ConditionTrace[] | undefined = c.conditions ? [c.conditions.trace(f)] : undefined;
    const after = reasonAfterTrigger(c, f);
    const extras = {
        triggerWord: hit.word,
        groups: hit.groups,
        ...(conditions ? {conditions} : {}),
        ...(hit.notes.length ? {notes: hit.notes} : {}),
    };
    if (after === 'condition') {
        return {outcome: {...base, ...extras, matched: false, reason: 'condition', detail: 'the trigger matched but the conditions do not hold'}, hit: null};
    }
    if (after) return {outcome: {...base, ...extras, matched: false, reason: after, detail: gateDetail[after as keyof typeof gateDetail](c, f)}, hit: null};
    const detail = c.rule.trigger.mode === 'any' ? anyDetail(c, f) : `matched ${JSON.stringify(hit.word)}`;
    return {outcome: {...base, ...extras, matched: true, reason: 'matched', detail}, hit};
}

/** What an `any` trigger matched: a message, a reaction (with the emoji filter), a join or a leave. */
function anyDetail(c: CompiledRule, f: PostFacts): string {
    if (isReactionEvent(f.event)) return c.rule.emoji.length > 0 ? `matched the reaction :${f.context.reaction?.emojiName ?? ''}:` : 'matches every reaction';
    if (f.event === 'user_joined') return 'matches everyone who joins';
    if (f.event === 'user_left') return 'matches everyone who leaves';
    return 'matches every message';
}
