import {HOPS_PROP, type ReplyTarget, type Rule} from '@tripwire/common';

import {type ChannelInfo, type Logger, PluginApiError, type PluginAPI, type ServerConfigInfo} from '../../ports';
import {parseReply} from '../../responses/parse';
import {postReplyDrafts} from '../../responses/post_replies';
import {replyToDrafts} from '../../responses/to_posts';
import {type RuleStore} from '../../rules/rule_store';
import {ApiError} from '../errors';

import {type InboundUrls} from './inbound_urls';

export interface InboundDeps {
    api: Pick<PluginAPI, 'getChannel' | 'hasPermissionToChannel' | 'createPost' | 'sendEphemeralPost'>;
    rules: Pick<RuleStore, 'get'>;
    urls: InboundUrls;
    serverConfig: () => Pick<ServerConfigInfo, 'enablePostUsernameOverride' | 'enablePostIconOverride'>;
    clock: {now(): number};
    botUserId: () => string;
    /** The guardrail allow_rule_bots: a rule with a bot of its own posts as it while this holds. */
    ruleBots?: () => boolean;
    /** Where failures of Mattermost's side are told (the caller gets a 503 without their cause). */
    log?: Pick<Logger, 'warn'>;
}

/** Fields of an incoming-webhook body a rule's inbound URL ignores (a post always goes to the rule's channels). */
const NOT_FOR_INBOUND = ['channel', 'icon_emoji', 'response_type', 'extra_responses'] as const;

/**
 * A rule's inbound URL (`POST /plugins/tripwire/in/<token>`): Mattermost's incoming-webhook body — JSON, a
 * `payload=` form or multipart fields — posted into the rule's channel as Tripwire's bot (or the rule's own), with the same reply
 * mapping (Slack markup, username/icon gating, loop props, secured buttons) as delivery replies. The URL acts with
 * the rule owner's authority: it stops working when the owner can no longer post in the channel, rests while the
 * channel is archived, and is gone with the channel. A caller never gets a 5xx other than 503 (Mattermost could
 * not answer: retrying makes sense); every refusal is an ApiError with a code.
 */
export class InboundHandler {
    constructor(private readonly deps: InboundDeps) {}

    /**
     * `hopsHeader`: X-Tripwire-Hops, the hop count of the delivery the service answers (rich `hops`, template
     * `delivery.hops`), which it may also pass as the body's `tripwire_hops` or `props.tripwire_hops`.
     * @throws ApiError with the status the caller gets; resolves when the post exists
     */
    async handle(token: string, contentType: string, body: Buffer, hopsHeader?: string): Promise<void> {
        try {
            await this.post(token, contentType, body, hopsHeader);
        } catch (e) {
            if (!(e instanceof ApiError)) this.deps.log?.warn('inbound post failed', {error: e instanceof Error ? e.message : String(e)});
            throw asCallerError(e);
        }
    }

    private async post(token: string, contentType: string, body: Buffer, hopsHeader: string | undefined): Promise<void> {
        const ruleId = await this.deps.urls.ruleOf(token);
        const rule = ruleId ? await this.deps.rules.get(ruleId) : null;
        if (!rule) throw new ApiError('not_found', 'unknown inbound URL');
        if (!rule.enabled) throw new ApiError('forbidden', 'the rule is disabled');
        if (rule.scope.kind !== 'channels') throw new ApiError('forbidden', 'the rule names no channel to post in');

        const fields = await decodeBody(contentType, body);
        const hops = passedHops(hopsHeader, fields);
        delete fields[HOPS_PROP];
        const channel = await this.channelFor(rule, fields.channel);
        if (channel.delete_at > 0) throw new ApiError('channel_archived', "the rule's channel is archived: this URL works again once it is unarchived");
        if (!(await this.deps.api.hasPermissionToChannel(rule.ownerId, channel.id, 'create_post'))) {
            throw new ApiError('forbidden', "the rule's owner can no longer post in this channel");
        }
        for (const k of NOT_FOR_INBOUND) delete fields[k];
        const parsed = parseReply({body: Buffer.from(JSON.stringify(fields)), truncated: false});
        if (parsed.kind === 'invalid') throw new ApiError('invalid_input', parsed.reason);
        if (parsed.kind === 'empty') throw new ApiError('invalid_input', 'text or attachments are required');
        const target: ReplyTarget = {
            rule_id: rule.id,
            rule_name: rule.name,
            delivery_id: '',
            channel_id: channel.id,
            trigger_post_id: '',
            thread_root_id: '',
            trigger_in_thread: false,
            user_id: '',
            triggered_at: this.deps.clock.now(),
            // The post is one hop further than the delivery it answers (1 when the service passed none).
            hops,
            response: rule.response,
        };
        const config = this.deps.serverConfig();
        const mapped = replyToDrafts(parsed.reply, target, {
            botUserId: (this.deps.ruleBots?.() && rule.bot && rule.botUserId) || this.deps.botUserId(),
            allowUsernameOverride: config.enablePostUsernameOverride,
            allowIconOverride: config.enablePostIconOverride,
            now: this.deps.clock.now(),
            source: 'response_url',
        });
        if (mapped.kind !== 'drafts') throw new ApiError('invalid_input', 'text or attachments are required');
        for (const p of mapped.drafts.posts) delete p.props?.tripwire_delivery_id;
        try {
            await postReplyDrafts(this.deps.api, {...mapped.drafts, ephemerals: []});
        } catch (e) {
            // Mattermost refused the post (its 4xx: a bad field, a permission) or failed (its 5xx: worth a retry).
            if (e instanceof PluginApiError && e.statusCode >= 400 && e.statusCode < 500) {
                throw new ApiError(e.statusCode === 403 ? 'forbidden' : 'invalid_input', `Mattermost refused the post: ${e.message}`);
            }
            throw e;
        }
    }

    /** The rule's first channel, or the one named by `channel` (id or name) if the rule names it. */
    private async channelFor(rule: Rule, wanted: unknown): Promise<ChannelInfo> {
        if (rule.scope.kind !== 'channels') throw new ApiError('forbidden', 'the rule names no channel to post in');
        const ids = rule.scope.channelIds;
        if (wanted === undefined || wanted === null || wanted === '') return this.channel(ids[0]!);
        const name = String(wanted).replace(/^[#~]/, '');
        for (const id of ids) {
            const channel = await this.channel(id).catch((e: unknown) => {
                if (e instanceof ApiError && e.code === 'not_found') return null; // a deleted one among several
                throw e;
            });
            if (channel && (channel.id === name || channel.name === name)) return channel;
        }
        // As native with a locked hook: the URL posts only where its rule listens.
        throw new ApiError('forbidden', 'this URL posts only into the channels of its rule');
    }

    private async channel(id: string): Promise<ChannelInfo> {
        try {
            return await this.deps.api.getChannel(id);
        } catch (e) {
            if (e instanceof PluginApiError && e.isNotFound) throw new ApiError('not_found', "the rule's channel no longer exists");
            throw e;
        }
    }
}

/** Passed-back hop counts above this are refused: a real chain is stopped long before (MaxHops is at most 20). */
const MAX_PASSED_HOPS = 1000;

/**
 * The hop count a service passed back with an inbound post: the largest of X-Tripwire-Hops, the body's
 * `tripwire_hops` and `props.tripwire_hops`; 0 when it passed none.
 */
export function passedHops(header: string | undefined, fields: Record<string, unknown>): number {
    const props = fields.props;
    const candidates: Array<[string, unknown]> = [
        ['X-Tripwire-Hops', header],
        [HOPS_PROP, fields[HOPS_PROP]],
        [`props.${HOPS_PROP}`, props !== null && typeof props === 'object' ? (props as Record<string, unknown>)[HOPS_PROP] : undefined],
    ];
    let hops = 0;
    for (const [name, raw] of candidates) {
        if (raw === undefined || raw === null || raw === '') continue;
        const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PASSED_HOPS) {
            const message = `${name} must be a whole number from 0 to ${MAX_PASSED_HOPS} (the hops of the delivery answered)`;
            throw new ApiError('invalid_input', message, {[name]: message});
        }
        hops = Math.max(hops, value);
    }
    return hops;
}

/** Anything but an ApiError means Mattermost (or the KV store) could not answer now: a 503 the caller may retry. */
function asCallerError(e: unknown): ApiError {
    if (e instanceof ApiError) return e;
    return new ApiError('unavailable', 'Mattermost could not take the post right now; try again later');
}

/** Mattermost's incoming-webhook decoding (web/webhook.go): form `payload=`, multipart fields, else JSON. */
export async function decodeBody(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
        let form: FormData;
        try {
            form = await new Response(new Uint8Array(body), {headers: {'content-type': contentType}}).formData();
        } catch {
            throw new ApiError('invalid_input', 'the form cannot be read');
        }
        const payload = form.get('payload');
        if (typeof payload === 'string') return parseJsonObject(payload);
        if (type === 'application/x-www-form-urlencoded') throw new ApiError('invalid_input', 'the form has no payload field');
        const fields: Record<string, unknown> = {};
        for (const [k, v] of form.entries()) {
            if (typeof v !== 'string') continue;
            // props and attachments arrive as JSON text in a multipart form.
            fields[k] = k === 'props' || k === 'attachments' || k === 'priority' ? parseJsonValue(v, k) : v;
        }
        return fields;
    }
    return parseJsonObject(body.toString('utf8'));
}

function parseJsonObject(text: string): Record<string, unknown> {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        // Native retries with raw line breaks and tabs escaped inside strings (escapeControlCharsFromPayload).
        try {
            value = JSON.parse(escapeControlChars(text));
        } catch {
            throw new ApiError('invalid_input', 'the body is not valid JSON');
        }
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ApiError('invalid_input', 'the body must be a JSON object');
    return value as Record<string, unknown>;
}

function parseJsonValue(text: string, field: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new ApiError('invalid_input', `${field} is not valid JSON`);
    }
}

/** Raw newlines, carriage returns and tabs inside JSON strings, escaped. */
export function escapeControlChars(text: string): string {
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (inString) {
            if (ch === '\\') {
                out += ch + (text[++i] ?? '');
                continue;
            }
            if (ch === '"') inString = false;
            out += ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch === '\t' ? '\\t' : ch;
        } else {
            if (ch === '"') inString = true;
            out += ch;
        }
    }
    return out;
}
