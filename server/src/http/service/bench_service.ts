import {
    deliveryEventTypes,
    deliveryFactsSchema,
    isReactionEvent,
    membershipEvents,
    type RuleEvent,
    endpointOrigin,
    RULE_SCHEMA_VERSION,
    type DeliveryFacts,
    type Endpoint,
    type ExplainResult,
    type ReplyPreview,
    type ReplyTarget,
    type Rule,
    type RuleOutcome,
    type RuleSpec,
    type TestDeliveryResult,
    type testDeliveryBodySchema,
    type testMessageBodySchema,
} from '@tripwire/common';
import {type z} from 'zod';

import {triggerOf} from '../../dispatch/delivery_log';
import {buildRequest, type PreparedRequest} from '../../dispatch/payload/build_request';
import {replyTemplateVariables} from '../../dispatch/payload/variables';
import {TemplateError} from '../../dispatch/payload/template';
import {isSensitiveName, redactValues} from '../../dispatch/redact';
import {PostDetails} from '../../engine/post_details';
import {PluginApiError, type ChannelInfo, type PostInfo, type TeamInfo, type UserInfo} from '../../ports';
import {readServiceReply} from '../../responses/reply_poster';
import {replyToDrafts} from '../../responses/to_posts';
import {matchPost} from '../../rules/matcher';
import {type MatchContext} from '../../rules/post_facts';
import {ConversationMembers} from '../../rules/conversation_members';
import {ApiGroupSource} from '../../rules/group_resolver';
import {invalid} from '../errors';
import {newId, type ServiceClient} from '../interactive/service_client';

import {type RequestAccess, type ServiceContext} from './context';
import {withinGuardrails} from './guardrail_check';
import {type RuleService} from './rule_service';

type TestDeliveryInput = Omit<z.output<typeof testDeliveryBodySchema>, 'endpoint_id' | 'channel_id' | 'rule' | 'token'> & {
    endpoint_id?: string | undefined;
    channel_id?: string | undefined;
    rule?: z.output<typeof testDeliveryBodySchema>['rule'] | undefined;
    token?: string | undefined;
};

/** A thread root id for sample replies: the matcher only asks whether there is one. */
const SAMPLE_ROOT = 'tripwiresampleroot00000000';

/**
 * The test bench: which rules a sample message trips and why (`/tripwire test` too), and a real request to one
 * endpoint with the reply previewed instead of posted.
 */
export class BenchService {
    constructor(
        private readonly ctx: ServiceContext,
        private readonly rules: RuleService,
        private readonly client: ServiceClient,
    ) {}

    async explain(userId: string, channelId: string, body: z.output<typeof testMessageBodySchema>): Promise<ExplainResult> {
        const access = this.rules.access(userId);
        await access.require(access.channel(channelId, 'view'));
        const channel = await this.ctx.api.getChannel(channelId);
        const memberIds = await this.membersOf(channel);
        // A real post is read as the engine reads it: its author, its thread position, its files from Mattermost.
        const real = body.post_id === undefined ? undefined : await this.realPost(channel, body.post_id);
        // As the engine: a reaction is matched as the reacted post by the one who reacts (the caller); a join or leave
        // as an empty post by the one who joins or leaves (the caller).
        const reacting = isReactionEvent(body.event);
        const authorId = reacting ? userId : (real?.user_id ?? userId);
        const [user, set] = await Promise.all([this.ctx.api.getUser(authorId), this.ctx.rules.ruleSetFor(channel, memberIds)]);
        const target = real ?? samplePost(channel, userId, body.message ?? '', body.is_reply, this.ctx.clock.now(), body.files.length);
        const post = reacting ? {...target, user_id: userId, props: {}} : target;
        const files = real ? (set.needs.files ? await new PostDetails(this.ctx.api, real, this.ctx.log).files() : undefined) : body.files;
        const context: MatchContext = {
            event: body.event,
            ...(body.emoji !== undefined && {reaction: {emojiName: body.emoji}}),
            ...(body.previous_message !== undefined && {previousMessage: body.previous_message}),
            ...(files && {files}),
            bot: {userId: this.ctx.botUserId(), username: 'tripwire'},
            ...(await this.directFacts(channel, memberIds)),
            ...(set.needs.groups && (await this.groupFacts(authorId))),
        };
        const explanation = matchPost(post, channel, user, set, context).explain();
        // Only rules the caller may see: the same ones the channel's rule list shows.
        const byId = new Map(set.compiled.map((c) => [c.rule.id, c.rule]));
        const seen = await Promise.all(explanation.outcomes.map((o) => this.mayView(access, byId.get(o.ruleId))));
        return {channel_id: channelId, ...explanation, outcomes: explanation.outcomes.filter((_, i) => seen[i])};
    }

    /**
     * Sends one real, signed request for a sample message; nothing is queued, retried or posted. The rule tested is the
     * draft given (checked like a save) or the stored one; the attempt is logged, marked as a test.
     */
    async testDelivery(userId: string, ruleId: string, body: TestDeliveryInput): Promise<TestDeliveryResult> {
        const access = this.rules.access(userId);
        const stored = await this.rules.load(access, ruleId, 'manage');
        let rule: Rule = stored;
        if (body.rule) {
            this.rules.checkRegex(body.rule, 'rule.');
            await access.require(access.scope(body.rule.scope, stored.ownerId, 'manage'));
            rule = {...stored, ...body.rule};
        }
        const endpoint = endpointToTest(rule, body.endpoint_id);
        const channelId = body.channel_id ?? (rule.scope.kind === 'channels' ? rule.scope.channelIds[0] : undefined);
        if (!channelId) throw invalid({channel_id: 'choose a channel to test in'});
        await access.require(access.channel(channelId, 'view'));
        // A draft endpoint gets the stored secrets only where a save would keep them: same id, same origin.
        const before = stored.endpoints.find((e) => e.id === endpoint.id);
        const keepsSecrets = before !== undefined && endpointOrigin(before.url) === endpointOrigin(endpoint.url);
        return this.sendSample(userId, rule, endpoint, channelId, body, {saved: true, useStored: keepsSecrets});
    }

    /**
     * "Send test" for a rule never saved, with the sample message in the given channel: checked as a create would check
     * it (the channel and the draft's scope must be the caller's to manage, its regex sound, its numbers within the
     * guardrails), and nothing is stored. A new rule has no secret, so none is used and the request goes unsigned.
     */
    async testDraftDelivery(userId: string, channelId: string, body: TestDeliveryInput & {rule: RuleSpec}): Promise<TestDeliveryResult> {
        const access = this.rules.access(userId);
        await access.require(access.channel(channelId, 'manage'));
        this.rules.checkRegex(body.rule, 'rule.');
        await access.require(access.scope(body.rule.scope, userId, 'manage'));
        const spec = withinGuardrails(body.rule, this.ctx.settings(), 'rule.');
        const now = this.ctx.clock.now();
        // A never-saved rule has no id: a fresh one, under which no secret is stored, so none can be looked up or sent.
        const id = newId();
        const rule: Rule = {...spec, id, schemaVersion: RULE_SCHEMA_VERSION, revision: 1, ownerId: userId, createdBy: userId, createdAt: now, updatedBy: userId, updatedAt: now};
        return this.sendSample(userId, rule, endpointToTest(rule, body.endpoint_id), channelId, body, {saved: false, useStored: false});
    }

    /**
     * One real request to the endpoint for a sample message in the channel, with the reply previewed. The rule's stored
     * secrets (signing secret, token, secret header values) go along only when `useStored`. A saved rule's attempt is
     * logged, marked as a test; a never-saved rule has no delivery log to put it in, so its test is not logged.
     */
    private async sendSample(
        userId: string,
        rule: Rule,
        endpoint: Endpoint,
        channelId: string,
        body: TestDeliveryInput,
        {saved, useStored}: {saved: boolean; useStored: boolean},
    ): Promise<TestDeliveryResult> {
        const channel = await this.ctx.api.getChannel(channelId);
        const [user, team] = await Promise.all([this.ctx.api.getUser(userId), channel.team_id ? this.ctx.api.getTeam(channel.team_id) : Promise.resolve(null)]);

        // The sample stands for the rule's own event unless told otherwise: a reaction rule's receiver sees a reaction.
        const event = body.event ?? rule.events[0] ?? 'posted';
        const emoji = isReactionEvent(event) ? (body.emoji ?? rule.emoji[0] ?? '+1') : undefined;
        const membership = membershipEvents.includes(event);
        const post = samplePost(channel, userId, membership ? '' : body.message, body.is_reply && !membership, this.ctx.clock.now(), 0);
        const context: MatchContext = {
            event,
            ...(emoji !== undefined && {reaction: {emojiName: emoji}}),
            bot: {userId: this.ctx.botUserId(), username: 'tripwire'},
            ...(await this.directFacts(channel, await this.membersOf(channel))),
            ...(await this.groupFacts(userId)),
        };
        const outcome = matchPost(post, channel, user, [rule], context).explain().outcomes[0] as RuleOutcome | undefined;
        const facts = sampleFacts(post, channel, team, user, outcome, event, emoji);
        const deliveryId = newId();
        const secrets = this.ctx.dispatcher.secrets;
        let request;
        try {
            // Secret header values come from the secret store; the answer masks them (ServiceClient redacts every value).
            request = buildRequest(
                endpoint,
                {
                    facts,
                    rule: {id: rule.id, name: rule.name},
                    deliveryId,
                    webhookId: `msg_${deliveryId}`,
                    responseUrl: '',
                    token: body.token ?? (useStored ? await secrets.token(rule.id) : ''),
                },
                useStored ? await secrets.headers(rule.id, endpoint.id) : {},
            );
        } catch (e) {
            if (!(e instanceof TemplateError)) throw e;
            return {endpoint_id: endpoint.id, error: {error_class: 'invalid_request', message: e.message}, ...(outcome && {outcome})};
        }
        const call = await this.client.send(rule.id, endpoint, request, `msg_${deliveryId}`, 1, endpoint.timeout_ms, !useStored);
        // The client masks stored secrets; a token typed with the draft is not stored yet, so it is masked here.
        const sent = body.token ? (JSON.parse(redactValues(JSON.stringify(call), [body.token])) as typeof call) : call;
        const res = call.result;
        const reply = res.kind === 'response' ? masked(this.preview(rule, facts, deliveryId, {status: res.status, headers: res.headers, body: res.body, truncated: res.truncated}), [...(await this.secretValues(rule.id, endpoint.secret_headers, request)), ...(body.token ? [body.token] : [])]) : undefined;
        // A saved rule's log shows its tests, marked; a never-saved rule has no log (and no id to file one under).
        if (saved) {
            this.ctx.dispatcher.log.append({
                delivery_id: deliveryId,
                webhook_id: `msg_${deliveryId}`,
                rule_id: rule.id,
                endpoint_id: endpoint.id,
                event_type: facts.event_type,
                post_id: '',
                at: this.ctx.clock.now(),
                attempt: 1,
                status: res.kind === 'response' && res.status >= 200 && res.status < 300 ? 'succeeded' : 'failed',
                ...(res.kind === 'response' && {http_status: res.status, latency_ms: res.totalMs}),
                ...(res.kind === 'error' && {error_class: res.errorClass, error: res.message}),
                request: sent.request,
                ...(sent.response && {response: sent.response}),
                ...(reply && {reply: {kind: 'none', reason: 'a test delivery: the reply is previewed, not posted'}}),
                ...triggerOf(facts),
                test: true,
            });
        }
        return {
            endpoint_id: endpoint.id,
            request: sent.request,
            ...(sent.response && {response: sent.response}),
            ...(res.kind === 'error' && {error: {error_class: res.errorClass, message: res.message}}),
            latency_ms: res.totalMs,
            ...(outcome && {outcome}),
            ...(reply && {reply}),
        };
    }

    /** The rule's secret values and the secret header values as sent (rendered), to mask in what the bench shows. */
    private async secretValues(ruleId: string, declared: readonly string[], request: PreparedRequest): Promise<string[]> {
        const stored = await this.ctx.dispatcher.secrets.values(ruleId);
        return [...stored, ...Object.entries(request.headers).filter(([n]) => isSensitiveName(n, declared)).map(([, v]) => v)];
    }

    /** The posts a reply would make, exactly as the reply handler would map them. */
    private preview(rule: Rule, facts: DeliveryFacts, deliveryId: string, answer: {status: number; headers: Record<string, string>; body: Uint8Array; truncated: boolean}): ReplyPreview {
        const {status} = answer;
        if ((status < 200 || status >= 300) && !rule.response.accept_any_status) return {kind: 'none', reason: `HTTP ${status}: only 2xx replies are posted`};
        const trigger = replyTemplateVariables({facts, rule: {id: rule.id, name: rule.name}, deliveryId, webhookId: `msg_${deliveryId}`});
        const parsed = readServiceReply({...answer, contentType: answer.headers['content-type'] ?? '', source: 'response'}, rule, trigger);
        if (parsed.kind === 'empty') return {kind: 'none', reason: rule.response.reply_template === undefined ? 'empty reply' : 'the reply template rendered no text'};
        if (parsed.kind === 'invalid') return parsed;
        const target: ReplyTarget = {
            rule_id: rule.id,
            rule_name: rule.name,
            delivery_id: deliveryId,
            channel_id: facts.channel.id,
            trigger_post_id: facts.post.id,
            thread_root_id: facts.post.root_id || facts.post.id,
            trigger_in_thread: facts.post.root_id !== '',
            user_id: facts.user.id,
            triggered_at: this.ctx.clock.now(),
            hops: 0,
            response: rule.response,
        };
        const config = this.ctx.serverConfig();
        const mapped = replyToDrafts(parsed.reply, target, {
            botUserId: this.ctx.botUserId(),
            allowUsernameOverride: config.enablePostUsernameOverride,
            allowIconOverride: config.enablePostIconOverride,
            now: this.ctx.clock.now(),
            source: 'response',
        });
        if (mapped.kind !== 'drafts') return mapped;
        const shown = (post: (typeof mapped.drafts.posts)[number], ephemeral: boolean) => ({
            message: post.message,
            in_thread: Boolean(post.root_id),
            ephemeral,
            type: post.type ?? '',
            props: post.props ?? {},
        });
        return {kind: 'posts', posts: [...mapped.drafts.posts.map((p) => shown(p, false)), ...mapped.drafts.ephemerals.map((e) => shown(e.post, true))]};
    }

    /** The test bench is rare enough to ask Mattermost each time (the engine caches). */
    private membersOf(channel: ChannelInfo): Promise<string[]> {
        return new ConversationMembers(this.ctx.api, this.ctx.clock).of(channel);
    }

    private async directFacts(channel: ChannelInfo, memberIds: string[]): Promise<Pick<MatchContext, 'direct'>> {
        if (channel.type !== 'D' && channel.type !== 'G') return {};
        return {direct: {enabled: this.ctx.settings().EnableDirectMessageRules, optedIn: await this.ctx.optIns.allOptedIn(channel.id, memberIds), memberIds}};
    }

    /** A post of this channel (404s and other channels' posts are the caller's mistake, not ours). */
    private async realPost(channel: ChannelInfo, postId: string): Promise<PostInfo> {
        const post = await this.ctx.api.getPost(postId).catch((err: unknown) => {
            throw err instanceof PluginApiError && err.isNotFound ? invalid({post_id: 'no such post'}) : err;
        });
        if (post.channel_id !== channel.id) throw invalid({post_id: 'the post is not in this channel'});
        return post;
    }

    /** The author's real groups, as the engine reads them; unknown (the condition says so) if unreadable. */
    private async groupFacts(userId: string): Promise<Pick<MatchContext, 'groupIds'>> {
        try {
            return {groupIds: await new ApiGroupSource(this.ctx.api).groupIdsForUser(userId)};
        } catch {
            return {};
        }
    }

    private async mayView(access: RequestAccess, rule: Rule | undefined): Promise<boolean> {
        return rule ? (await access.rule(rule, 'view')).ok : false;
    }
}

/** The endpoint asked for, or the rule's first enabled one (its first if none is). @throws ApiError invalid_input */
function endpointToTest(rule: Rule, endpointId: string | undefined): Endpoint {
    const endpoint = endpointId ? rule.endpoints.find((e) => e.id === endpointId) : (rule.endpoints.find((e) => e.enabled) ?? rule.endpoints[0]);
    if (!endpoint) throw invalid({endpoint_id: endpointId ? 'the rule has no such endpoint' : 'the rule has no endpoint yet'});
    return endpoint;
}

/** A preview with every secret value masked: a service that echoes a credential must not show it to the bench. */
function masked(preview: ReplyPreview, secrets: readonly string[]): ReplyPreview {
    try {
        return JSON.parse(redactValues(JSON.stringify(preview), secrets)) as ReplyPreview;
    } catch {
        return {kind: 'invalid', reason: 'the reply holds a secret of this rule and cannot be shown'};
    }
}

function samplePost(channel: ChannelInfo, userId: string, message: string, isReply: boolean, now: number, files: number): PostInfo {
    return {
        id: '',
        create_at: now,
        update_at: now,
        edit_at: 0,
        delete_at: 0,
        user_id: userId,
        channel_id: channel.id,
        root_id: isReply ? SAMPLE_ROOT : '',
        message,
        type: '',
        props: {},
        file_ids: Array.from({length: files}, (_, i) => `samplefile${i}`),
    } as PostInfo;
}

function sampleFacts(
    post: PostInfo,
    channel: ChannelInfo,
    team: TeamInfo | null,
    user: UserInfo,
    outcome: RuleOutcome | undefined,
    event: RuleEvent,
    emoji: string | undefined,
): DeliveryFacts {
    const membership = membershipEvents.includes(event);
    // A membership has no post (as the engine sends it: id '').
    const id = membership ? '' : 'tripwiretestpost000000000';
    return deliveryFactsSchema.parse({
        event_type: deliveryEventTypes[event],
        event_id: `test_${post.create_at}`,
        // The sample reaction is the tester's own, on their own sample message; a sample join is the tester's, alone.
        ...(emoji !== undefined && {reaction: {emoji_name: emoji, create_at: post.create_at, post_user_id: user.id}}),
        ...(membership && {membership: {}}),
        post: {id, message: post.message, create_at: post.create_at, update_at: post.update_at, root_id: post.root_id, file_ids: []},
        channel: {id: channel.id, name: channel.name, display_name: channel.display_name, type: channel.type},
        team: team ? {id: team.id, name: team.name, display_name: team.display_name} : {},
        user: {id: user.id, username: user.username, first_name: user.first_name, last_name: user.last_name, nickname: user.nickname, is_bot: user.is_bot},
        trigger_word: outcome?.triggerWord ?? '',
        groups: outcome?.groups ?? {},
        // A sample reply gets a sample thread, so the receiver sees what a real reply brings (Slack's thread_ts too).
        ...(post.root_id && {
            thread: {root_id: post.root_id, root_message: 'The thread this reply is in', root_user_id: user.id, root_create_at: post.create_at - 60_000, reply_count: 1, participants: [user.id]},
        }),
    });
}
