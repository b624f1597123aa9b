import * as z from 'zod';
import {endpointSchema, responseOptionsSchema, ruleLimits, triggerLimits, type EndpointInput, type RuleSpec} from '@tripwire/common';
import {isGoSpace} from './text';
import {validateRuleSpec} from './rule_validation';

/**
 * Native outgoing webhooks (JSON as `GET /api/v4/hooks/outgoing` returns them) into equivalent rules:
 * - `channel_id` set → that channel; empty → every public channel of the team (native dispatch skips the others);
 * - no trigger words → `any`; `trigger_when` 0 → `exact`, 1 → `starts_with`, case-sensitive as natively;
 * - callback URLs → compat endpoints (native body, JSON or form as `content_type` says), posted on new posts only;
 * - bot posts are taken (native fires on them), integration posts are not (native never fires on webhook posts; it
 *   does on plugin posts, which a rule cannot tell apart from webhook posts).
 * The token is returned apart: secrets never travel inside rules, the API stores it as the endpoints' compat token.
 */

export const nativeOutgoingWebhookSchema = z.looseObject({
    id: z.string(),
    token: z.string().default(''),
    creator_id: z.string().default(''),
    channel_id: z.string().default(''),
    team_id: z.string(),
    trigger_words: z.array(z.string()).nullish().transform((w) => w ?? []),
    trigger_when: z.number().int().default(0),
    callback_urls: z.array(z.string()).nullish().transform((u) => u ?? []),
    display_name: z.string().default(''),
    description: z.string().default(''),
    content_type: z.string().default(''),
    username: z.string().default(''),
    icon_url: z.string().default(''),
    delete_at: z.number().default(0),
});
export type NativeOutgoingWebhook = z.output<typeof nativeOutgoingWebhookSchema>;

export type NativeImport =
    | {ok: true; spec: RuleSpec; warnings: string[]; native: {id: string; token: string; creatorId: string}}
    | {ok: false; hookId: string; reason: string};

function hasGoSpace(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (isGoSpace(word.charCodeAt(i))) return true;
    return false;
}

function nameFor(hook: NativeOutgoingWebhook, words: readonly string[]): string {
    const base = hook.display_name.trim() || (words.length ? `Outgoing webhook: ${words.join(', ')}` : 'Outgoing webhook');
    return base.slice(0, ruleLimits.nameMax);
}

export function importNativeWebhook(raw: unknown): NativeImport {
    const parsed = nativeOutgoingWebhookSchema.safeParse(raw);
    if (!parsed.success) return {ok: false, hookId: '', reason: `not an outgoing webhook: ${parsed.error.issues[0]?.message ?? 'invalid'}`};
    const hook = parsed.data;
    if (hook.delete_at > 0) return {ok: false, hookId: hook.id, reason: 'the webhook is deleted'};
    const warnings: string[] = [];

    // Native accepts words it can never match (a space inside: only the first word is compared). Keep the others.
    let words = [...new Set(hook.trigger_words.filter((w) => w !== ''))];
    const unmatchable = words.filter((w) => hasGoSpace(w) || w.length > triggerLimits.wordMax);
    if (unmatchable.length) {
        warnings.push(`dropped trigger words that could never match: ${unmatchable.map((w) => JSON.stringify(w)).join(', ')}`);
        words = words.filter((w) => !unmatchable.includes(w));
    }
    if (words.length > triggerLimits.wordsMax) {
        warnings.push(`kept the first ${triggerLimits.wordsMax} of ${words.length} trigger words`);
        words = words.slice(0, triggerLimits.wordsMax);
    }
    const neverFires = hook.trigger_words.length > 0 && words.length === 0;

    const contentType = hook.content_type === 'application/json' ? 'json' : 'form';
    const endpoints: EndpointInput[] = [];
    for (const url of hook.callback_urls) {
        const endpoint: EndpointInput = {url, payload: 'compat', content_type: contentType};
        if (endpointSchema.safeParse(endpoint).success) endpoints.push(endpoint);
        else warnings.push(`dropped callback URL ${JSON.stringify(url)}: not one Tripwire can call`);
    }
    const endpointsKept = endpoints.slice(0, ruleLimits.endpointsMax);
    if (endpoints.length > endpointsKept.length) warnings.push(`kept the first ${ruleLimits.endpointsMax} callback URLs`);

    const enabled = !neverFires && endpointsKept.length > 0;
    if (neverFires) warnings.push('none of its trigger words can match: imported disabled');
    else if (!enabled) warnings.push('no usable callback URL: imported disabled');

    let response: Record<string, string> = {...(hook.username ? {username: hook.username.slice(0, 64)} : {})};
    if (hook.icon_url) {
        if (responseOptionsSchema.safeParse({...response, icon_url: hook.icon_url}).success) response = {...response, icon_url: hook.icon_url};
        else warnings.push(`dropped icon URL ${JSON.stringify(hook.icon_url)}: not an http(s) URL`);
    }

    const spec = {
        name: nameFor(hook, words),
        description: hook.description.slice(0, ruleLimits.descriptionMax),
        enabled,
        scope: hook.channel_id
            ? {kind: 'channels', teamId: hook.team_id, channelIds: [hook.channel_id]}
            : {kind: 'team', teamId: hook.team_id, channelTypes: ['O']},
        threads: 'all',
        events: ['posted'],
        trigger: words.length === 0 ? {mode: 'any'} : {mode: hook.trigger_when === 1 ? 'starts_with' : 'exact', words, ignoreCase: false},
        sources: {bots: true, integrations: false},
        endpoints: endpointsKept,
        response,
    };
    const validated = validateRuleSpec(spec);
    if (!validated.ok) {
        const [field, message] = Object.entries(validated.fields)[0] ?? ['', 'invalid'];
        return {ok: false, hookId: hook.id, reason: `cannot be expressed as a rule: ${field ? `${field}: ` : ''}${message}`};
    }
    return {ok: true, spec: validated.spec, warnings, native: {id: hook.id, token: hook.token, creatorId: hook.creator_id}};
}
