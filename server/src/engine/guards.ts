import {hopsOf, type RuleEvent} from '@tripwire/common';
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
 */

export type AdmitVerdict = {ok: true; hops: number} | {ok: false; reason: 'own_post' | 'hop_limit'; detail: string};

/** Before matching: may this post trip any rule at all? Pure. */
export function admitPost(post: Pick<PostInfo, 'user_id' | 'props'>, ownBotIds: ReadonlySet<string>, maxHops: number): AdmitVerdict {
    if (ownBotIds.has(post.user_id)) return {ok: false, reason: 'own_post', detail: "Tripwire's own posts never trigger rules"};
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
    ): Promise<{fire: RuleMatch<R>[]; held: HeldMatch<R>[]}> {
        const fire: RuleMatch<R>[] = [];
        const held: HeldMatch<R>[] = [];
        for (const match of matches) {
            const rule = match.rule;
            // Cooldown first (it is free and synchronous), then the once-per-post claim, which needs the KV store:
            // a claim is only spent on a match that would otherwise fire.
            const cooldown = this.cooldowns.tryFire(rule, post.channel_id, post.user_id);
            if (!cooldown.ok) {
                held.push({match, reason: cooldown.scope === 'channel' ? 'cooldown_channel' : 'cooldown_user', retryAfterMs: cooldown.retryAfterMs});
                continue;
            }
            const claimNeeded = event === 'edited' || rule.events.includes('edited');
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
