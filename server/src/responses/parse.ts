import {z} from 'zod';

import type {ServiceReply} from '@tripwire/common';

/*
 * A service's reply body, read like Mattermost reads an outgoing webhook's (OutgoingWebhookResponse: unknown fields
 * ignored, Slack-style booleans accepted) plus the slash-command fields native ignores here: extra_responses and
 * skip_slack_parsing. Anything malformed rejects the whole reply, with the reason: nothing is posted half-parsed.
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
    if (reply.truncated) return {kind: 'invalid', reason: 'the reply is larger than 1 MiB'};
    const text = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.length).toString('utf8').trim();
    if (text === '') return {kind: 'empty'};
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        return {kind: 'invalid', reason: `the reply is not JSON (${(err as Error).message})`};
    }
    if (raw === null) return {kind: 'empty'};
    const parsed = replySchema.safeParse(raw);
    if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        return {kind: 'invalid', reason: `${where}${issue.message}`};
    }
    for (const r of [parsed.data, ...(parsed.data.extra_responses ?? [])]) {
        if (r.props && JSON.stringify(r.props).length > MAX_PROPS_CHARS) return {kind: 'invalid', reason: 'props are too large'};
    }
    return {kind: 'reply', reply: parsed.data};
}
