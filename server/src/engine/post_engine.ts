import {type Rule, type RuleEvent} from '@tripwire/common';
import {createHash} from 'node:crypto';

import {type ConversationMembers} from '../rules/conversation_members';
import {type DirectOptIns} from '../rules/direct_opt_in';
import {type UserGroupSource} from '../rules/group_resolver';
import {matchPost} from '../rules/matcher';
import {type MatchContext} from '../rules/post_facts';
import {type RuleStore} from '../rules/rule_store';
import {type Settings} from '../config/settings';
import {type DeliveryRequest, type SubmittedDelivery} from '../dispatch/types';
import {type ChannelInfo, type Logger, type MetricsSink, type PluginAPI, type PostInfo, type TeamInfo, type UserInfo} from '../ports';

import {deliveryFactsOf, type EventContext} from './delivery_facts';
import {type Guards} from './guards';
import {type LookupCache} from './lookup_cache';
import {PostDetails} from './post_details';

export interface PostEngineDeps {
    api: Pick<PluginAPI, 'getChannel' | 'getUser' | 'getTeam' | 'getFileInfo' | 'getPostThread' | 'getPost'>;
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

/** An emoji reaction as ReactionHasBeenAdded/Removed report it. */
export interface ReactionInfo {
    user_id: string;
    post_id: string;
    emoji_name: string;
    create_at: number;
    update_at?: number;
    delete_at?: number;
    channel_id?: string;
}

/** A channel membership as UserHasJoinedChannel/UserHasLeftChannel report it. */
export interface MembershipInfo {
    channel_id: string;
    user_id: string;
    last_update_at?: number;
}

/**
 * One event as the matcher and the delivery see it. `subject` is what rules are matched against: the post itself; for
 * a reaction the reacted post with the reacting user as its author (so user, group and bot conditions, sources and
 * cooldowns are about who reacted); for a membership an empty post by the user who joined or left.
 */
interface EventInput {
    event: RuleEvent;
    subject: PostInfo;
    /** The real post whose files and thread a delivery carries (none for memberships). */
    post?: PostInfo;
    previousMessage?: string;
    reaction?: ReactionInfo & {post_user_id: string};
    /** Memberships: who added or removed the user (null: they did it themselves). */
    actor?: UserInfo | null;
    eventId: string;
}

/** A channel with rules that may apply in it (and, for direct and group conversations, its members). */
interface ChannelScope {
    channel: ChannelInfo;
    memberIds: readonly string[] | undefined;
    rules: Awaited<ReturnType<RuleStore['ruleSetFor']>>;
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
        // Before the guards: a system message (rename, archive, restore...) is how a channel change shows itself.
        this.deps.lookups?.notePost(post);
        // A file posted without text is a post like any other: rules whose trigger takes an empty message (`any`) see
        // it, with its files for has_files conditions and the payload.
        return this.handle({event: 'posted', subject: post, post, eventId: post.id});
    }

    onEdited(post: PostInfo, before: PostInfo): Promise<EngineOutcome> {
        // Mattermost also calls the update hook for pins, reactions and metadata; only a changed text is an edit.
        if (post.message === before.message) return Promise.resolve(none('text unchanged'));
        this.deps.lookups?.notePost(post);
        // An edit is a new event per edit time; a repeat of the same hook call maps to the same delivery.
        return this.handle({event: 'edited', subject: post, post, previousMessage: before.message, eventId: `${post.id}:${post.edit_at}`});
    }

    /** ReactionHasBeenAdded / ReactionHasBeenRemoved. */
    async onReaction(event: 'reaction_added' | 'reaction_removed', reaction: ReactionInfo): Promise<EngineOutcome> {
        // Loop guard first, before any lookup: Tripwire's own reactions never trigger anything.
        const admitted = this.deps.guards.admit({user_id: reaction.user_id, props: {}});
        if (!admitted.ok) return none(admitted.reason);
        // Mattermost names the channel: a channel without rules costs no post lookup (reactions are frequent).
        const scope = reaction.channel_id ? await this.scopeOf(reaction.channel_id) : undefined;
        if (typeof scope === 'string') return none(scope);
        let post: PostInfo;
        try {
            post = await this.deps.api.getPost(reaction.post_id);
        } catch {
            return none('reacted post not found');
        }
        // The reacted post's own bot/integration props describe its author, not who reacted: they are left out.
        const subject: PostInfo = {...post, user_id: reaction.user_id, props: {}};
        const at = event === 'reaction_added' ? reaction.create_at : reaction.delete_at || reaction.update_at || reaction.create_at;
        const eventId = eventIdOf(event, reaction.post_id, reaction.user_id, reaction.emoji_name, at);
        return this.handle({event, subject, post, reaction: {...reaction, post_user_id: post.user_id}, eventId}, scope?.channel.id === post.channel_id ? scope : undefined);
    }

    /** UserHasJoinedChannel / UserHasLeftChannel; `actor` is who added or removed the user, null for themselves. */
    onMembership(event: 'user_joined' | 'user_left', member: MembershipInfo, actor: UserInfo | null): Promise<EngineOutcome> {
        const now = Date.now();
        const subject: PostInfo = {
            id: '',
            channel_id: member.channel_id,
            user_id: member.user_id,
            root_id: '',
            message: '',
            type: '',
            props: {},
            create_at: now,
            update_at: now,
            edit_at: 0,
            delete_at: 0,
            file_ids: [],
        };
        const actorOf = actor && actor.id !== member.user_id ? actor : null;
        return this.handle({event, subject, actor: actorOf, eventId: eventIdOf(event, member.channel_id, member.user_id, String(member.last_update_at ?? 0), now)});
    }

    /** The channel and the rules that may apply in it, or why none can. */
    private async scopeOf(channelId: string): Promise<ChannelScope | string> {
        const channel = await this.lookups.getChannel(channelId);
        // An archived channel is never cached (lookup_cache.ts), so this check sees an archive and a restore.
        if (channel.delete_at > 0) return 'channel archived';
        const direct = channel.type === 'D' || channel.type === 'G';
        // Nothing fires in direct and group conversations unless the system admin turned that on.
        if (direct && !this.deps.settings().EnableDirectMessageRules) return 'direct message rules off';
        const memberIds = direct ? await this.deps.members.of(channel) : undefined;
        const rules = await this.deps.rules.ruleSetFor(channel, memberIds ?? []);
        if (rules.size === 0) return 'no rules';
        return {channel, memberIds, rules};
    }

    private async handle(input: EventInput, known?: ChannelScope): Promise<EngineOutcome> {
        const {event, subject: post} = input;
        const admitted = this.deps.guards.admit(post);
        if (!admitted.ok) return none(admitted.reason);

        const scope = known ?? (await this.scopeOf(post.channel_id));
        if (typeof scope === 'string') return none(scope);
        const {channel, memberIds, rules} = scope;

        const user = await this.lookups.getUser(post.user_id).catch(() => null);
        const details = input.post ? new PostDetails(this.deps.api, input.post, this.deps.log) : undefined;
        const context: MatchContext = {
            event,
            ...(input.previousMessage !== undefined && {previousMessage: input.previousMessage}),
            ...(input.reaction && {reaction: {emojiName: input.reaction.emoji_name}}),
            ...(await this.resolveNeeds(rules.needs, post, channel, memberIds, details)),
        };
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
        const ctx: EventContext = {
            event,
            eventId: input.eventId,
            post: input.post ?? post,
            channel,
            team,
            user,
            userId: post.user_id,
            hops: admitted.hops,
            ...(input.reaction && {reaction: input.reaction}),
            ...(input.actor !== undefined && {actor: input.actor}),
            ...(fire.length > 0 && details && (await details.deliveryFacts())),
        };
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
        details: PostDetails | undefined,
    ): Promise<Pick<MatchContext, 'groupIds' | 'files' | 'direct'>> {
        const out: Pick<MatchContext, 'groupIds' | 'files' | 'direct'> = {};
        // A membership has no post and so no files.
        const [groupIds, files] = await Promise.all([needs.groups ? this.groupIdsOf(post.user_id) : undefined, needs.files ? (details?.files() ?? []) : undefined]);
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

const none = (skipped: string): EngineOutcome => ({matched: [], held: [], submitted: [], skipped});

/**
 * A stable id for a reaction or membership event (a delivery's id derives from it): hashed, because emoji names
 * make the plain key longer than an event id may be.
 */
function eventIdOf(event: RuleEvent, ...parts: Array<string | number>): string {
    return `${event}:${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
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
