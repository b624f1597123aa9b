import {type MatchExplanation} from '@tripwire/common';
import {type ChannelInfo, type PostInfo, type UserInfo} from '../ports';
import {type MatchableRule} from './compiled_rule';
import {type MatchContext, PostFacts} from './post_facts';
import {explainRule} from './rule_eval';
import {RuleSet, type RuleMatch} from './rule_set';

export interface MatchResult<R extends MatchableRule = MatchableRule> {
    /** The rules that match, in rule order, with their trigger words and regex groups. */
    readonly matches: RuleMatch<R>[];
    /**
     * Why each rule matched or not: every rule is evaluated again on its own, in the documented order (see
     * rule_eval.ts), so this costs more than the match itself; the test bench and `/tripwire test` call it.
     */
    explain(): MatchExplanation;
}

/** Sets built for plain arrays, so calling with the same array twice compiles once. */
const adHocSets = new WeakMap<readonly MatchableRule[], RuleSet>();

function ruleSetOf<R extends MatchableRule>(rules: RuleSet<R> | readonly R[]): RuleSet<R> {
    if (rules instanceof RuleSet) return rules;
    let set = adHocSets.get(rules) as RuleSet<R> | undefined;
    if (!set) {
        set = new RuleSet(rules);
        adHocSets.set(rules, set as RuleSet);
    }
    return set;
}

/**
 * Matches one post against rules. Synchronous and pure over the facts given: the engine resolves the channel, the
 * author and, when `rules.needs` says so, the author's groups and the file types, once per post. Guards that are not
 * about the rule itself (Tripwire's own posts, hop counts, cooldowns, "already fired") live in engine/guards*.ts.
 *
 * @param user the author; null when Mattermost has no such user (then bot-ness comes from the post props alone).
 */
export function matchPost<R extends MatchableRule>(
    post: PostInfo,
    channel: ChannelInfo,
    user: UserInfo | null,
    rules: RuleSet<R> | readonly R[],
    context: MatchContext = {},
): MatchResult<R> {
    const set = ruleSetOf(rules);
    const facts = new PostFacts(post, channel, user, context);
    return {
        matches: set.match(facts),
        explain: () => explainAll(set, facts),
    };
}

function explainAll(set: RuleSet, facts: PostFacts): MatchExplanation {
    const outcomes = set.compiled.map((c) => explainRule(c, facts).outcome);
    for (const r of set.rejected) {
        outcomes.push({ruleId: r.ruleId, ruleName: '', matched: false, reason: 'trigger', detail: `the rule cannot run: ${r.reason}`});
    }
    return {
        firstWord: facts.view.firstWord,
        evaluatedChars: facts.view.text.length,
        truncated: facts.view.truncated,
        outcomes,
    };
}
