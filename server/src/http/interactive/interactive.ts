import {hopsOf, HOPS_PROP, integrationRoutes, PLUGIN_ROUTE, type Rule} from '@tripwire/common';
import * as z from 'zod';

import {type Clock, type Logger, type OpenDialogRequest, type PluginAPI, type PostInfo} from '../../ports';
import {type RuleStore} from '../../rules/rule_store';
import {ApiError} from '../errors';

import {type EnvelopeSealer} from './envelope';
import {ACTION_PURPOSE, ENVELOPE_KEY, isActionEnvelope, securePostActions, type ActionEnvelope} from './secure_post';
import {type SentCall, type ServiceClient} from './service_client';

export const DIALOG_PURPOSE = 'dialog';
export const DIALOG_URL = `${PLUGIN_ROUTE}${integrationRoutes.dialog.path}`;

/** Mattermost waits OutgoingIntegrationRequestsTimeout (30 s by default) for the plugin; leave room to answer. */
const FORWARD_BUDGET_MS = 20_000;
/** How long a dialog opened from an action may be submitted. */
const DIALOG_TTL_MS = 24 * 3600_000;

/** Props only the server sets; a service's `update` cannot set them. */
const RESERVED_PROPS = new Set(['from_webhook', 'override_username', 'override_icon_url', 'webhook_display_name', 'from_bot', 'from_plugin']);

const looseRecord = z.record(z.string(), z.unknown());

/** Mattermost's PostActionIntegrationRequest (model/integration_action.go). */
const actionRequestSchema = z.looseObject({
    user_id: z.string().default(''),
    user_name: z.string().optional(),
    channel_id: z.string(),
    channel_name: z.string().optional(),
    team_id: z.string().optional(),
    team_domain: z.string().optional(),
    post_id: z.string().default(''),
    trigger_id: z.string().default(''),
    type: z.string().optional(),
    data_source: z.string().optional(),
    context: looseRecord.default({}),
});

/** Mattermost's SubmitDialogRequest. */
const dialogRequestSchema = z.looseObject({
    type: z.string().default('dialog_submission'),
    callback_id: z.string().default(''),
    state: z.string(),
    user_id: z.string().default(''),
    channel_id: z.string().default(''),
    team_id: z.string().default(''),
    submission: looseRecord.nullish(),
    cancelled: z.boolean().default(false),
});

const dialogSchema = z.looseObject({
    callback_id: z.string().optional(),
    title: z.string().min(1),
    introduction_text: z.string().optional(),
    icon_url: z.string().optional(),
    submit_label: z.string().optional(),
    notify_on_cancel: z.boolean().optional(),
    state: z.string().optional(),
    elements: z.array(looseRecord).max(100).optional(),
});

/** What a service may answer to an action: Mattermost's PostActionIntegrationResponse, plus a dialog to open. */
const actionAnswerSchema = z.looseObject({
    update: z.looseObject({message: z.string().optional(), props: looseRecord.nullish()}).nullish(),
    ephemeral_text: z.string().optional(),
    skip_slack_parsing: z.boolean().optional(),
    dialog: dialogSchema.optional(),
    /** Where the dialog's submission goes; default: the action's own URL. */
    dialog_url: z.string().regex(/^https?:\/\//i, 'must be an http(s) URL').optional(),
});

const dialogAnswerSchema = z.looseObject({
    errors: z.record(z.string(), z.string()).optional(),
    error: z.string().optional(),
});

interface DialogEnvelope {
    r: string;
    c: string;
    u: string;
    /** The service's own state. */
    s: string;
    /** The user the dialog was opened for. */
    uid: string;
    /** Expiry, epoch ms. */
    e: number;
}

const isDialogEnvelope = (v: unknown): v is DialogEnvelope => {
    const e = v as DialogEnvelope | null;
    return typeof e === 'object' && e !== null && ['r', 'c', 'u', 's', 'uid'].every((k) => typeof (e as unknown as Record<string, unknown>)[k] === 'string') && typeof e.e === 'number';
};

/** The answer Mattermost applies for an action (PostActionIntegrationResponse). */
export interface ActionAnswer {
    update?: {message?: string; props?: Record<string, unknown>};
    ephemeral_text?: string;
    skip_slack_parsing?: boolean;
}

/** The answer Mattermost shows in a dialog (SubmitDialogResponse). */
export interface DialogAnswer {
    errors?: Record<string, string>;
    error?: string;
}

export interface InteractiveDeps {
    api: Pick<PluginAPI, 'getPost' | 'hasPermissionToChannel' | 'openInteractiveDialog'>;
    rules: Pick<RuleStore, 'get'>;
    signer: EnvelopeSealer;
    client: ServiceClient;
    clock: Clock;
    log: Logger;
    /** Tripwire's bot: the author of every post whose buttons the plugin serves. */
    botUserId: () => string;
}

/**
 * Buttons, menus and dialogs of Tripwire posts. Mattermost posts a click to the plugin (as the clicking user); the
 * plugin believes only its own sealed (encrypted and signed) envelope, checks the user may read the channel and that the post is the rule's,
 * forwards the click to the service (signed, retried, logged), and answers Mattermost with what to apply: the post
 * update, an ephemeral text, or — when the service asks for a dialog — opens the dialog itself with the click's fresh
 * trigger_id, so services never need a Mattermost token. Dialog submissions come back the same way, and the service's
 * field errors go back to the dialog.
 */
export class Interactive {
    constructor(private readonly deps: InteractiveDeps) {}

    /** @throws ApiError when the request is not a click on a Tripwire post the user may act on */
    async action(userId: string, raw: unknown): Promise<ActionAnswer> {
        const parsed = actionRequestSchema.safeParse(raw);
        if (!parsed.success) throw new ApiError('invalid_input', 'not a post action request');
        const request = parsed.data;
        if (request.user_id && request.user_id !== userId) throw new ApiError('forbidden', 'the action belongs to another user');
        const envelope = await this.deps.signer.open(ACTION_PURPOSE, request.context[ENVELOPE_KEY]);
        if (!isActionEnvelope(envelope) || envelope.c !== request.channel_id) throw new ApiError('forbidden', 'not an action of a Tripwire post');
        if (!(await this.deps.api.hasPermissionToChannel(userId, envelope.c, 'read_channel'))) throw new ApiError('forbidden', 'not an action of a Tripwire post');
        const post = await this.postOf(request.post_id, envelope);

        const rule = await this.deps.rules.get(envelope.r);
        if (!rule) return {ephemeral_text: 'This button belongs to a Tripwire rule that no longer exists.'};
        if (!rule.enabled) return {ephemeral_text: `Tripwire rule **${rule.name}** is disabled, so its buttons do nothing for now.`};

        const {[ENVELOPE_KEY]: _envelope, ...added} = request.context;
        const body = {...request, user_id: userId, context: {...envelope.x, ...added}};
        const call = await this.deps.client.postJson({rule, url: envelope.u, body, eventType: 'post_action', postId: request.post_id, budgetMs: FORWARD_BUDGET_MS});
        const answer = this.read(call, actionAnswerSchema);
        if (typeof answer === 'string') return {ephemeral_text: `Tripwire rule **${rule.name}**: ${answer}`};

        const out: ActionAnswer = {};
        if (answer.update) {
            out.update = {...(answer.update.message !== undefined && {message: answer.update.message})};
            if (answer.update.props) out.update.props = await this.updatedProps(answer.update.props, rule, envelope, post);
        }
        if (answer.ephemeral_text) out.ephemeral_text = answer.ephemeral_text;
        if (answer.skip_slack_parsing !== undefined) out.skip_slack_parsing = answer.skip_slack_parsing;
        if (answer.dialog) {
            const opened = await this.openDialog(userId, request.trigger_id, answer.dialog, {r: rule.id, c: envelope.c, u: answer.dialog_url ?? envelope.u});
            if (!opened) out.ephemeral_text = [out.ephemeral_text, `Tripwire rule **${rule.name}**: the form could not be opened; try again.`].filter(Boolean).join('\n');
        }
        return out;
    }

    /** @throws ApiError when the submission is not for a dialog Tripwire opened for this user */
    async dialog(userId: string, raw: unknown): Promise<DialogAnswer> {
        const parsed = dialogRequestSchema.safeParse(raw);
        if (!parsed.success) throw new ApiError('invalid_input', 'not a dialog submission');
        const request = parsed.data;
        const envelope = await this.deps.signer.open(DIALOG_PURPOSE, request.state);
        if (!isDialogEnvelope(envelope) || envelope.uid !== userId || (request.user_id && request.user_id !== userId)) {
            throw new ApiError('forbidden', 'not a Tripwire dialog of this user');
        }
        if (request.channel_id && request.channel_id !== envelope.c) throw new ApiError('forbidden', 'not a Tripwire dialog of this user');
        if (envelope.e < this.deps.clock.now()) return {error: 'This form has expired. Click the button again to get a new one.'};
        const rule = await this.deps.rules.get(envelope.r);
        if (!rule || !rule.enabled) return {error: 'The Tripwire rule behind this form no longer exists or is disabled.'};

        const body = {...request, user_id: userId, channel_id: envelope.c, state: envelope.s};
        const call = await this.deps.client.postJson({rule, url: envelope.u, body, eventType: 'dialog_submission', postId: '', budgetMs: FORWARD_BUDGET_MS});
        const answer = this.read(call, dialogAnswerSchema);
        if (typeof answer === 'string') return {error: answer};
        return {...(answer.errors && {errors: answer.errors}), ...(answer.error && {error: answer.error})};
    }

    /**
     * The post the click came from must be the rule's (by Tripwire's bot), in the envelope's channel. Ephemeral posts are not stored, so a
     * click on one finds no post: then the sealed (encrypted and signed) envelope alone vouches for it.
     */
    private async postOf(postId: string, envelope: ActionEnvelope): Promise<PostInfo | null> {
        if (!postId) return null;
        let post: PostInfo;
        try {
            post = await this.deps.api.getPost(postId);
        } catch {
            return null;
        }
        const ours = post.user_id === this.deps.botUserId() && post.props?.tripwire_rule_id === envelope.r;
        if (post.channel_id !== envelope.c || !ours) throw new ApiError('forbidden', 'not an action of a Tripwire post');
        return post;
    }

    /** The service's new props, minus what only the server sets, plus Tripwire's own and the actions re-secured. */
    private async updatedProps(props: Record<string, unknown>, rule: Rule, envelope: ActionEnvelope, post: PostInfo | null): Promise<Record<string, unknown>> {
        const clean: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(props)) if (!RESERVED_PROPS.has(k) && !k.startsWith('tripwire_')) clean[k] = v;
        const original = post?.props ?? {};
        for (const [k, v] of Object.entries(original)) if (k.startsWith('tripwire_')) clean[k] = v;
        clean.tripwire_rule_id = rule.id;
        // The service's update is one more hop on the post (edit rules may see it), and a post made for a service stays one.
        clean[HOPS_PROP] = hopsOf(original) + 1;
        if (original.from_webhook === 'true') clean.from_webhook = 'true';
        const secured = await securePostActions({channel_id: envelope.c, props: clean}, this.deps.signer);
        return secured.props;
    }

    private async openDialog(userId: string, triggerId: string, dialog: z.output<typeof dialogSchema>, target: {r: string; c: string; u: string}): Promise<boolean> {
        if (!triggerId) return false;
        const state = await this.deps.signer.seal(DIALOG_PURPOSE, {...target, s: dialog.state ?? '', uid: userId, e: this.deps.clock.now() + DIALOG_TTL_MS} satisfies DialogEnvelope);
        try {
            await this.deps.api.openInteractiveDialog({
                trigger_id: triggerId,
                url: DIALOG_URL,
                dialog: {...(dialog as unknown as OpenDialogRequest['dialog']), state},
            });
            return true;
        } catch (err) {
            this.deps.log.warn('Tripwire could not open a dialog for a service', {rule_id: target.r, error: err instanceof Error ? err.message : String(err)});
            return false;
        }
    }

    /** The service's answer, or why there is none (a sentence for the user). */
    private read<S extends z.ZodType>(call: SentCall, schema: S): z.output<S> | string {
        const res = call.result;
        if (res.kind === 'error') return `the service could not be reached (${res.errorClass.replace(/_/g, ' ')}).`;
        if (res.status < 200 || res.status >= 300) return `the service answered HTTP ${res.status}.`;
        const text = res.body.toString('utf8').trim();
        if (text === '') return schema.parse({});
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch {
            return 'the service did not answer with JSON.';
        }
        const parsed = schema.safeParse(json ?? {});
        if (!parsed.success) return `the service's answer is not valid (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message}).`;
        return parsed.data;
    }
}
