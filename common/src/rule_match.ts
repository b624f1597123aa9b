/**
 * How the matcher explains itself: one outcome per rule, for the webapp's test bench and `/tripwire test`.
 * Produced by the server's `explainPost`; plain JSON.
 */

/** Why a rule did or did not match, in the order the matcher checks. */
export const matchReasons = [
    'matched',
    /** The rule is a disabled draft. */
    'disabled',
    /** The rule does not listen to this event (posted, edited, reaction_added, ...). */
    'event',
    /** A reaction with an emoji outside the rule's emoji filter. */
    'emoji',
    /** System messages (joins, header changes, ...) never match. */
    'system_post',
    /** The channel is outside the rule's scope. */
    'scope',
    /** Direct and group conversation rules are switched off by the system admin. */
    'direct_disabled',
    /** Not every member of the conversation opted in to rules. */
    'not_opted_in',
    /** Root post vs thread reply. */
    'thread',
    /** The author is a bot and the rule does not take bot posts. */
    'bot',
    /** The post comes from a webhook or plugin and the rule does not take integration posts. */
    'integration',
    'trigger',
    'condition',
    /** An edit that matches, but the message matched before the edit too. */
    'not_newly_matched',
] as const;
export type MatchReason = (typeof matchReasons)[number];

/** One evaluated condition; `children` for all/any/not. */
export interface ConditionTrace {
    label: string;
    passed: boolean;
    children?: ConditionTrace[];
}

export interface RuleOutcome {
    ruleId: string;
    ruleName: string;
    matched: boolean;
    reason: MatchReason;
    /** A sentence for people, e.g. `first word "deploy" is not one of: build, ship`. */
    detail: string;
    /** The word, phrase or regex match that tripped the rule ('' for `any`). */
    triggerWord?: string;
    /** Named regex groups; unmatched optional groups are left out. */
    groups?: Record<string, string>;
    /** Present once the rule got as far as its conditions. */
    conditions?: ConditionTrace[];
    /** Caveats, e.g. "pattern evaluated on the first 4000 characters". */
    notes?: string[];
}

export interface MatchExplanation {
    /** The first word as Mattermost splits it ('' for an empty message). */
    firstWord: string;
    /** How many characters of the message the triggers looked at. */
    evaluatedChars: number;
    truncated: boolean;
    outcomes: RuleOutcome[];
}
