import {parseTemplate, renderTemplate, replyTemplateRoots, templateText, type ServiceReply, type TemplatePart} from '@tripwire/common';

import {firstJsonValue, type ParsedReply} from './parse';
import {MAX_POST_RUNES} from './to_posts';

/*
 * A rule's reply_template: a service that answers in its own format (PagerDuty's {status, dedup_key}, GitLab's
 * pipeline, Jenkins' Location header) gets a reply post all the same. The template is the rule author's text; every
 * value filled into it is text from elsewhere (the service, the trigger), so a value can never add @channel, @here or
 * @all to the post, and the post is one Mattermost post at most. The result is a plain reply (no Slack markup, no
 * `<@id>` look-ups) that takes the same path as a parsed one: placement, stale policy, bot identity, durable posting.
 */

/** Of the answer's body, `{{reply.text}}` carries at most this much (a post holds no more anyway). */
const MAX_TEXT_CHARS = MAX_POST_RUNES;

/** The variables `{{reply.*}}` reads: status, lower-cased headers, the body's first JSON value (if any) and its text. */
export function replyVariables(reply: Pick<ServiceReply, 'status' | 'headers' | 'body'>): Record<string, unknown> {
    const text = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.length).toString('utf8');
    const first = firstJsonValue(text);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
    return {status: reply.status, headers, json: first.kind === 'value' ? first.value : undefined, text: text.slice(0, MAX_TEXT_CHARS)};
}

/** A broadcast mention in a filled-in value loses its force: a zero-width space after the `@` (it still reads the same). */
const BROADCAST = /@(channel|here|all)\b/gi;
export const neutraliseBroadcasts = (text: string): string => text.replace(BROADCAST, '@\u200b$1');

const cache = new Map<string, TemplatePart[] | string>();

function partsOf(source: string): TemplatePart[] | string {
    let parts = cache.get(source);
    if (parts === undefined) {
        const parsed = parseTemplate(source, replyTemplateRoots);
        parts = parsed.ok ? parsed.parts : parsed.error;
        if (cache.size > 500) cache.clear();
        cache.set(source, parts);
    }
    return parts;
}

/**
 * The reply the template makes of an answer. `trigger` is the delivery's template variables without secrets
 * (dispatch/payload/variables.ts replyTemplateVariables). An empty text is no reply (the outcome says so).
 */
export function replyFromTemplate(source: string, reply: Pick<ServiceReply, 'status' | 'headers' | 'body'>, trigger: Record<string, unknown>): ParsedReply {
    const parts = partsOf(source);
    // Validated when the rule was saved; a rule stored before a root was withdrawn still fails closed.
    if (typeof parts === 'string') return {kind: 'invalid', reason: `reply_template: ${parts}`};
    const vars = {...trigger, secrets: undefined, reply: replyVariables(reply)};
    const rendered = renderTemplate(parts, vars, (value, json) => neutraliseBroadcasts(json ? JSON.stringify(value ?? null) : templateText(value)));
    const runes = Array.from(rendered.trim());
    if (runes.length === 0) return {kind: 'empty'};
    const text = runes.length > MAX_POST_RUNES ? `${runes.slice(0, MAX_POST_RUNES - 1).join('')}…` : runes.join('');
    return {kind: 'reply', reply: {text, response_type: '', username: '', icon_url: '', type: '', skip_slack_parsing: true}};
}
