import {hopsOf, isServicePost, type RuleEvent} from '@tripwire/common';
import {type Settings} from '../config/settings';
import {type Clock, type KVStore, type PostInfo} from '../ports';
import {type MatchableRule} from '../rules/compiled_rule';
import {type RuleMatch} from '../rules/rule_set';
import {CooldownTracker} from './guards_cooldown';
import {FiredRegistry} from './guards_edit';

/**
 * The guards around the matcher, in the order the engine runs them:
 *   admit (own posts, hop limit) → matchPost → release (cooldowns, once per post) → deliveries.
 * Posts created from a delivery carry `tripwire_hops` (see common/rule_loop.ts: responses stamp `loopProps`).
 *
 * Which of Tripwire's own posts may trigger rules: those it posts *for a service* — replies to deliveries, late
 * replies through a response_url, posts through a rule's inbound URL, and posts an action's answer updated — are
 * integration posts (`from_webhook`, as native incoming webhooks' are), so rules that allow `sources.integrations`
 * see them, with their hop count. That makes MaxHops the operative bound on a chain through outside services: each
 * such post is one hop further than what it answers (an inbound post takes the hops the service passed back). Its
 * own words — notices, announcements, command answers — carry no hop count and never trigger anything.
 */

/**
 * The shortest per-channel cooldown of a rule triggered by a bot or an integration post (seconds), unless the rule
 * sets a longer one: a loop through services that hide the hop count still fires at most this often per channel.
 */
export const AUTOMATED_COOLDOWN_SECONDS = 10;


export type AdmitVerdict = {ok: true; hops: number} | {ok: false; reason: 'own_post' | 'hop_limit'; detail: string};

/** Before matching: may this post trip any rule at all? Pure. */
export function admitPost(post: Pick<PostInfo, 'user_id' | 'props'>, ownBotIds: ReadonlySet<string>, maxHops: number): AdmitVerdict {
    if (ownBotIds.has(post.user_id) && !isServicePost(post.props)) {
        return {ok: false, reason: 'own_post', detail: "Tripwire's own messages never trigger rules (only what it posts for services does)"};
    }
    const hops = hopsOf(post.props);
    if (hops >= maxHops) return {ok: false, reason: 'hop_limit', detail: `reply chain stopped after ${hops} hops (limit ${maxHops})`};
    return {ok: true, hops};
}

export interface HeldMatch<R extends MatchableRule> {
    match: RuleMatch<R>;
    reason: 'cooldown_channel' | 'cooldown_user' | 'already_fired';
    retryAfterMs?: number;
}

export interface GuardsDeps {
    kv: KVStore;
    clock: Clock;
    settings: () => Settings;
    /** Tripwire's bot account(s). */
    ownBotIds: () => ReadonlySet<string>;
}

/** One per node: holds the in-memory cooldowns and the KV-backed record of what fired. */
export class Guards {
    readonly cooldowns: CooldownTracker;
    readonly fired: FiredRegistry;

    constructor(private readonly deps: GuardsDeps) {
        this.cooldowns = new CooldownTracker(deps.clock);
        this.fired = new FiredRegistry(deps.kv);
    }

    admit(post: Pick<PostInfo, 'user_id' | 'props'>): AdmitVerdict {
        return admitPost(post, this.deps.ownBotIds(), this.deps.settings().MaxHops);
    }

    /**
     * After matching: the matches that may fire now, and those held back with the reason. Records what fires
     * (starts cooldowns; claims (rule, post) for rules that listen to edits, so an edit never fires a second time).
     */
    async release<R extends MatchableRule>(
        matches: readonly RuleMatch<R>[],
        post: Pick<PostInfo, 'id' | 'user_id' | 'channel_id'>,
        event: RuleEvent,
        /** The post came from a bot or an integration: the channel cooldown is at least AUTOMATED_COOLDOWN_SECONDS. */
        automated = false,
    ): Promise<{fire: RuleMatch<R>[]; held: HeldMatch<R>[]}> {
        const fire: RuleMatch<R>[] = [];
        const held: HeldMatch<R>[] = [];
        for (const match of matches) {
            const rule = match.rule;
            // Cooldown first (it is free and synchronous), then the once-per-post claim, which needs the KV store:
            // a claim is only spent on a match that would otherwise fire.
            const cooldown = this.cooldowns.tryFire(automated ? withAutomatedCooldown(rule) : rule, post.channel_id, post.user_id);
            if (!cooldown.ok) {
                held.push({match, reason: cooldown.scope === 'channel' ? 'cooldown_channel' : 'cooldown_user', retryAfterMs: cooldown.retryAfterMs});
                continue;
            }
            // Only posts can fire twice (posted, then edited); a reaction or membership is its own event each time.
            const claimNeeded = event === 'edited' || (event === 'posted' && rule.events.includes('edited'));
            if (claimNeeded && !(await this.fired.claim(rule.id, post.id))) {
                cooldown.undo();
                held.push({match, reason: 'already_fired'});
                continue;
            }
            fire.push(match);
        }
        return {fire, held};
    }
}

function withAutomatedCooldown<R extends MatchableRule>(rule: R): Pick<R, 'id' | 'cooldown'> {
    const {channelSeconds} = rule.cooldown;
    return channelSeconds >= AUTOMATED_COOLDOWN_SECONDS ? rule : {id: rule.id, cooldown: {...rule.cooldown, channelSeconds: AUTOMATED_COOLDOWN_SECONDS}};
}
