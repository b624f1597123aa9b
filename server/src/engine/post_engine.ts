import {type Rule, type RuleEvent} from '@tripwire/common';

import {type ConversationMembers} from '../rules/conversation_members';
import {type DirectOptIns} from '../rules/direct_opt_in';
import {type UserGroupSource} from '../rules/group_resolver';
import {matchPost} from '../rules/matcher';
import {type MatchContext} from '../rules/post_facts';
import {type RuleStore} from '../rules/rule_store';
import {type Settings} from '../config/settings';
import {type DeliveryRequest, type SubmittedDelivery} from '../dispatch/types';
import {type ChannelInfo, type Logger, type MetricsSink, type PluginAPI, type PostInfo, type TeamInfo} from '../ports';

import {deliveryFactsOf, type EventContext} from './delivery_facts';
import {type Guards} from './guards';
import {type LookupCache} from './lookup_cache';
import {PostDetails} from './post_details';

export interface PostEngineDeps {
    api: Pick<PluginAPI, 'getChannel' | 'getUser' | 'getTeam' | 'getFileInfo' | 'getPostThread'>;
    rules: Pick<RuleStore, 'ruleSetFor'>;
    guards: Guards;
    submit: (request: DeliveryRequest) => Promise<SubmittedDelivery[]>;
    settings: () => Settings;
    optIns: Pick<DirectOptIns, 'allOptedIn'>;
    /** Members of direct and group conversations (their consent, their personal rules). */
    members: Pick<ConversationMembers, 'of'>;
    groups?: UserGroupSource;
    bot: () => {userId: string; username: string} | undefined;
    log: Logger;
    /** Channel, author and team per node for a few seconds (engine/lookup_cache); without it each post asks `api`. */
    lookups?: Pick<LookupCache, 'getChannel' | 'getUser' | 'getTeam' | 'notePost'>;
    /** Match durations (ports/metrics). */
    metrics?: Pick<MetricsSink, 'matchTook'>;
}

/** What one hook call did, for logs and tests. */
export interface EngineOutcome {
    matched: string[];
    held: {ruleId: string; reason: string}[];
    submitted: SubmittedDelivery[];
    skipped?: string;
}

/**
 * The flow behind MessageHasBeenPosted / MessageHasBeenUpdated: loop guards → the channel's rules → cooldowns and
 * once-per-post claims → durable deliveries. A channel without rules costs one (usually cached) getChannel and one map
 * lookup.
 */
export class PostEngine {
    private readonly lookups: Pick<PluginAPI, 'getChannel' | 'getUser' | 'getTeam'>;

    constructor(private readonly deps: PostEngineDeps) {
        this.lookups = deps.lookups ?? deps.api;
    }

    onPosted(post: PostInfo): Promise<EngineOutcome> {
        return this.handle('posted', post);
    }

    onEdited(post: PostInfo, before: PostInfo): Promise<EngineOutcome> {
        // Mattermost also calls the update hook for pins, reactions and metadata; only a changed text is an edit.
        if (post.message === before.message) return Promise.resolve({matched: [], held: [], submitted: [], skipped: 'text unchanged'});
        return this.handle('edited', post, before.message);
    }

    private async handle(event: RuleEvent, post: PostInfo, previousMessage?: string): Promise<EngineOutcome> {
        const none = (skipped: string): EngineOutcome => ({matched: [], held: [], submitted: [], skipped});
        // Before the guards: a system message (rename, archive, restore...) is how a channel change shows itself.
        this.deps.lookups?.notePost(post);
        const admitted = this.deps.guards.admit(post);
        if (!admitted.ok) return none(admitted.reason);

        const channel = await this.lookups.getChannel(post.channel_id);
        // An archived channel is never cached (lookup_cache.ts), so this check sees an archive and a restore.
        if (channel.delete_at > 0) return none('channel archived');
        const direct = channel.type === 'D' || channel.type === 'G';
        // Nothing fires in direct and group conversations unless the system admin turned that on.
        if (direct && !this.deps.settings().EnableDirectMessageRules) return none('direct message rules off');
        const memberIds = direct ? await this.deps.members.of(channel) : undefined;
        const rules = await this.deps.rules.ruleSetFor(channel, memberIds ?? []);
        if (rules.size === 0) return none('no rules');

        const user = await this.lookups.getUser(post.user_id).catch(() => null);
        const details = new PostDetails(this.deps.api, post, this.deps.log);
        const context: MatchContext = {event, ...(previousMessage !== undefined && {previousMessage}), ...(await this.resolveNeeds(rules.needs, post, channel, memberIds, details))};
        const bot = this.deps.bot();
        if (bot) context.bot = bot;

        const matchStart = performance.now();
        const {matches} = matchPost(post, channel, user, rules, context);
        this.deps.metrics?.matchTook(event, (performance.now() - matchStart) / 1000);
        if (matches.length === 0) return none('no match');

        // A bot's or an integration's post (Tripwire's posts for services included) fires no rule more often than the
        // automated cooldown allows per channel, whatever the rule's own cooldown.
        const automated = user?.is_bot === true || isAutomatedProps(post.props);
        const {fire, held} = await this.deps.guards.release(matches, post, event, automated);
        const team = channel.team_id ? await this.teamOf(channel) : null;
        const ctx: EventContext = {event, post, channel, team, user, hops: admitted.hops, ...(fire.length > 0 && (await details.deliveryFacts()))};
        const submitted: SubmittedDelivery[] = [];
        for (const match of fire) {
            try {
                submitted.push(...(await this.deps.submit(requestFor(match.rule, deliveryFactsOf(ctx, match), this.deps.settings().AllowRuleBots))));
            } catch (err) {
                // One rule's failure to enqueue must not cost the other rules their deliveries.
                this.deps.log.error('Tripwire could not queue a delivery', {rule_id: match.rule.id, post_id: post.id, error: String(err)});
            }
        }
        return {
            matched: matches.map((m) => m.rule.id),
            held: held.map((h) => ({ruleId: h.match.rule.id, reason: h.reason})),
            submitted,
        };
    }

    private async resolveNeeds(
        needs: {groups: boolean; files: boolean},
        post: PostInfo,
        channel: ChannelInfo,
        memberIds: readonly string[] | undefined,
        details: PostDetails,
    ): Promise<Pick<MatchContext, 'groupIds' | 'files' | 'direct'>> {
        const out: Pick<MatchContext, 'groupIds' | 'files' | 'direct'> = {};
        const [groupIds, files] = await Promise.all([needs.groups ? this.groupIdsOf(post.user_id) : undefined, needs.files ? details.files() : undefined]);
        // Unknown stays unknown: the condition then fails with a note rather than the post failing.
        if (groupIds) out.groupIds = groupIds;
        if (files) out.files = files;
        if (memberIds) {
            const optedIn = await this.deps.optIns.allOptedIn(channel.id, memberIds);
            out.direct = {enabled: true, optedIn, memberIds};
        }
        return out;
    }

    private async groupIdsOf(userId: string): Promise<readonly string[] | undefined> {
        if (!this.deps.groups) return undefined;
        try {
            return await this.deps.groups.groupIdsForUser(userId);
        } catch (err) {
            this.deps.log.warn('Tripwire could not read the groups of a post author', {user_id: userId, error: String(err)});
            return undefined;
        }
    }

    private async teamOf(channel: ChannelInfo): Promise<TeamInfo | null> {
        try {
            return await this.lookups.getTeam(channel.team_id);
        } catch {
            return null;
        }
    }
}

/** `ruleBots`: the guardrail allow_rule_bots; while it is off, a rule's own bot stays unused (Tripwire's bot replies). */
function requestFor(rule: Rule, facts: ReturnType<typeof deliveryFactsOf>, ruleBots: boolean): DeliveryRequest {
    const bot = ruleBots && rule.bot && rule.botUserId ? {bot_user_id: rule.botUserId} : {};
    return {
        rule: {id: rule.id, name: rule.name, owner_id: rule.ownerId, ...bot},
        endpoints: rule.endpoints,
        policy: rule.delivery,
        response: rule.response,
        facts,
    };
}

/** Props Mattermost sets on bot, webhook and plugin posts (users cannot set them). */
function isAutomatedProps(props: Readonly<Record<string, unknown>> | null | undefined): boolean {
    return ['from_bot', 'from_webhook', 'from_plugin'].some((k) => props?.[k] === true || props?.[k] === 'true');
}
