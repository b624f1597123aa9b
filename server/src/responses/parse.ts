import * as z from 'zod';

import type {ServiceReply} from '@tripwire/common';

/*
 * A service's reply body, read like Mattermost reads an outgoing webhook's (app/webhook.go doOutgoingWebhookRequest:
 * json.Decoder.Decode into model.OutgoingWebhookResponse): only the first JSON value counts and whatever follows it is
 * ignored; an empty or all-whitespace body is no reply; `null` is no reply; keys match fields case-insensitively as in
 * Go; unknown fields are ignored; Slack-style booleans are accepted. Plus the slash-command fields native ignores here:
 * extra_responses and skip_slack_parsing. Anything malformed rejects the whole reply, with the reason: nothing is
 * posted half-parsed.
 */

const MAX_PROPS_CHARS = 800_000 - 40_000;

/** Slack sends booleans as true or "true" (Mattermost's SlackCompatibleBool). */
const slackBool = z.union([z.boolean(), z.string().regex(/^(true|false)$/i).transform((s) => s.toLowerCase() === 'true')]);
const optionalString = z.string().nullish().transform((s) => s ?? '');

const actionSchema = z.object({
    id: optionalString,
    type: z.enum(['button', 'select', '']).nullish(),
    name: optionalString,
    style: optionalString,
    disabled: slackBool.nullish(),
    data_source: optionalString,
    default_option: optionalString,
    options: z.array(z.object({text: z.string(), value: z.string()})).nullish(),
    integration: z
        .object({
            url: z.string().refine((u) => /^(https?:\/\/|\/?plugins\/)/.test(u), 'an action URL must be http(s) or /plugins/...'),
            context: z.record(z.string(), z.unknown()).nullish(),
        })
        .nullish(),
});

const attachmentSchema = z.object({
    fallback: optionalString,
    color: optionalString,
    pretext: optionalString,
    author_name: optionalString,
    author_link: optionalString,
    author_icon: optionalString,
    title: optionalString,
    title_link: optionalString,
    text: optionalString,
    fields: z
        .array(
            z
                .object({
                    title: optionalString,
                    value: z.union([z.string(), z.number(), z.boolean()]).nullish(),
                    short: slackBool.nullish(),
                })
                .nullable(),
        )
        .nullish(),
    image_url: optionalString,
    thumb_url: optionalString,
    footer: optionalString,
    footer_icon: optionalString,
    ts: z.union([z.string(), z.number()]).nullish(),
    actions: z.array(actionSchema.nullable()).nullish(),
});
export type ReplyAttachment = z.output<typeof attachmentSchema>;

const replyFields = {
    /** Null and absent differ natively: only a non-null text (or attachments) makes a post. */
    text: z.string().nullish(),
    response_type: optionalString,
    username: optionalString,
    icon_url: optionalString,
    props: z.record(z.string(), z.unknown()).nullish(),
    attachments: z.array(attachmentSchema.nullable()).nullish(),
    type: optionalString.refine((t) => !t.startsWith('system_'), 'type must not start with system_'),
    priority: z
        .object({
            priority: z.enum(['', 'important', 'urgent']).nullish(),
            requested_ack: z.boolean().nullish(),
            persistent_notifications: z.boolean().nullish(),
        })
        .nullish(),
    skip_slack_parsing: slackBool.nullish(),
};

const singleReply = z.object(replyFields);
const replySchema = z.object({...replyFields, extra_responses: z.array(singleReply).max(10).nullish()});

export type SingleReply = z.output<typeof singleReply>;
export type Reply = z.output<typeof replySchema>;

export type ParsedReply = {kind: 'empty'} | {kind: 'invalid'; reason: string} | {kind: 'reply'; reply: Reply};

export function parseReply(reply: Pick<ServiceReply, 'body' | 'truncated'>): ParsedReply {
    const text = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.length).toString('utf8');
    const first = firstJsonValue(text);
    // Native reads at most 1 MiB too: a cut body still posts when its first value ended before the cut.
    if (first.kind === 'invalid' && reply.truncated) return {kind: 'invalid', reason: 'the reply is larger than 1 MiB'};
    if (first.kind !== 'value') return first;
    const raw = foldReplyKeys(first.value);
    if (raw === null) return {kind: 'empty'};
    const parsed = replySchema.safeParse(raw);
    if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        return {kind: 'invalid', reason: `${where}${issue.message}`};
    }
    for (const r of [parsed.data, ...(parsed.data.extra_responses ?? [])]) {
        if (r.props && JSON.stringify(r.props).length > MAX_PROPS_CHARS) return {kind: 'invalid', reason: 'props are too large'};
        // CreateWebhookPost refuses a priority object without its priority (nothing is posted).
        if (r.priority && (r.priority.priority === null || r.priority.priority === undefined)) return {kind: 'invalid', reason: 'priority.priority: required when priority is set'};
    }
    return {kind: 'reply', reply: parsed.data};
}

type FirstValue = {kind: 'empty'} | {kind: 'invalid'; reason: string} | {kind: 'value'; value: unknown};

/** JSON's whitespace only (Go's decoder): a byte order mark or a non-breaking space is not skipped. */
const isJsonSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * The first JSON value of a body, as json.Decoder.Decode reads it: leading whitespace skipped, nothing at all is no
 * reply (io.EOF), and the value ends where its grammar ends: the bytes after it are never looked at.
 */
export function firstJsonValue(text: string): FirstValue {
    let start = 0;
    while (isJsonSpace(text[start])) start++;
    if (start === text.length) return {kind: 'empty'};
    const end = endOfValue(text, start);
    try {
        return {kind: 'value', value: JSON.parse(text.slice(start, end))};
    } catch (err) {
        return {kind: 'invalid', reason: `the reply is not JSON (${(err as Error).message})`};
    }
}

/** Where the value starting at `start` ends: the matching bracket for objects and arrays, else the literal's end. */
function endOfValue(text: string, start: number): number {
    const open = text[start];
    if (open === '"') return endOfString(text, start);
    if (open !== '{' && open !== '[') {
        const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(start, start + 400));
        return start + (literal ? literal[0].length : 1);
    }
    let depth = 0;
    for (let i = start; i < text.length; i++) {
        const c = text[i];
        if (c === '"') i = endOfString(text, i) - 1;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
            depth--;
            if (depth === 0) return i + 1;
        }
    }
    return text.length; // unterminated: JSON.parse says why
}

function endOfString(text: string, quote: number): number {
    for (let i = quote + 1; i < text.length; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '"') return i + 1;
    }
    return text.length;
}

/*
 * encoding/json matches an object's keys to struct fields case-insensitively (an exact match first); when two keys
 * land on one field, the later one wins. Maps (props, an action's context) keep their keys as they are.
 */
const REPLY_FIELDS = ['text', 'response_type', 'username', 'icon_url', 'props', 'attachments', 'type', 'priority', 'skip_slack_parsing', 'extra_responses'];
const ATTACHMENT_FIELDS = Object.keys(attachmentSchema.shape).concat('id');
const FIELD_FIELDS = ['title', 'value', 'short'];
const ACTION_FIELDS = Object.keys(actionSchema.shape);
const PRIORITY_FIELDS = ['priority', 'requested_ack', 'persistent_notifications'];

function foldReplyKeys(raw: unknown): unknown {
    const reply = foldKeys(raw, REPLY_FIELDS);
    if (!isPlainObject(reply)) return reply;
    const out: Record<string, unknown> = {...reply};
    if (Array.isArray(out.attachments)) out.attachments = out.attachments.map(foldAttachment);
    if (out.priority !== undefined) out.priority = foldKeys(out.priority, PRIORITY_FIELDS);
    if (Array.isArray(out.extra_responses)) out.extra_responses = out.extra_responses.map(foldReplyKeys);
    return out;
}

function foldAttachment(raw: unknown): unknown {
    const a = foldKeys(raw, ATTACHMENT_FIELDS);
    if (!isPlainObject(a)) return a;
    const out: Record<string, unknown> = {...a};
    if (Array.isArray(out.fields)) out.fields = out.fields.map((f) => foldKeys(f, FIELD_FIELDS));
    if (Array.isArray(out.actions)) out.actions = out.actions.map((act) => foldKeys(act, ACTION_FIELDS));
    return out;
}

function foldKeys(value: unknown, fields: readonly string[]): unknown {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
        if (key === '__proto__') continue; // no field of that name; never a prototype
        const field = fields.includes(key) ? key : fields.find((f) => f.toLowerCase() === key.toLowerCase());
        out[field ?? key] = v;
    }
    return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
