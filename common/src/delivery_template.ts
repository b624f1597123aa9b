/**
 * Tripwire's request templates: logic-less `{{path.to.value}}` placeholders, with `{{json path}}` (or `{{path | json}}`)
 * for a whole JSON value. There are no expressions, loops or helpers and nothing is ever evaluated, so a template cannot run code; the
 * caller chooses how each value is escaped for where it lands (URL, header, JSON string, form field).
 *
 * Shared with the webapp, which uses the same parser for validation and the live preview.
 */

/** The variable roots a template may name; anything else is a typo caught when the rule is saved. */
export const templateRoots = [
    'post',
    'channel',
    'team',
    'user',
    'trigger_word',
    'groups',
    'thread',
    'files',
    'event',
    /** Reaction events: emoji_name, create_at, post_user_id. */
    'reaction',
    /** Membership events: who added or removed the user (empty when they did it themselves). */
    'actor',
    'rule',
    'delivery',
    // `secrets.token`: the rule's write-only token, for services that take their credential in the body or query.
    'secrets',
] as const;

/**
 * A rule's reply template (response.reply_template) reads the service's answer as `reply` (status, headers, json,
 * text) beside the trigger's variables; never `secrets`, which would post the token into the channel.
 */
export const replyTemplateRoots = [...templateRoots.filter((r) => r !== 'secrets'), 'reply'] as const;

export type TemplatePart = {kind: 'text'; text: string} | {kind: 'var'; path: string[]; json: boolean};

export type TemplateParseResult = {ok: true; parts: TemplatePart[]} | {ok: false; error: string};

/** `{{path}}`, `{{json path}}`, or `{{path | json}}` (the filter spelling the panel's examples use), same meaning. */
const TAG = /\{\{\s*(json\s+)?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*(\|\s*json\s*)?\}\}/y;
const requestRoots: ReadonlySet<string> = new Set(templateRoots);

/**
 * Splits a template into literal text and variables; rejects unknown roots and unclosed or malformed tags. `known` is
 * the roots allowed where the template is used (request templates by default, replyTemplateRoots for replies).
 */
export function parseTemplate(source: string, known: readonly string[] = templateRoots): TemplateParseResult {
    const roots = known === templateRoots ? requestRoots : new Set(known);
    const parts: TemplatePart[] = [];
    let text = '';
    let i = 0;
    while (i < source.length) {
        const open = source.indexOf('{{', i);
        if (open < 0) {
            text += source.slice(i);
            break;
        }
        text += source.slice(i, open);
        TAG.lastIndex = open;
        const m = TAG.exec(source);
        if (!m) {
            const close = source.indexOf('}}', open);
            const tag = close < 0 ? source.slice(open, open + 20) : source.slice(open, close + 2);
            return {ok: false, error: close < 0 ? `unclosed "{{" at ${open}` : `malformed placeholder ${tag}`};
        }
        const path = m[2]!.split('.');
        if (!roots.has(path[0]!)) {
            return {ok: false, error: `unknown variable "${m[2]}" (known: ${known.join(', ')})`};
        }
        if (text) parts.push({kind: 'text', text});
        text = '';
        parts.push({kind: 'var', path, json: Boolean(m[1] ?? m[3])});
        i = TAG.lastIndex;
    }
    if (text) parts.push({kind: 'text', text});
    return {ok: true, parts};
}

/** Escapes one looked-up value for its position; `json` is true for `{{json ...}}`. */
export type TemplateEscaper = (value: unknown, json: boolean) => string;

export function renderTemplate(parts: readonly TemplatePart[], vars: unknown, escape: TemplateEscaper): string {
    let out = '';
    for (const part of parts) {
        out += part.kind === 'text' ? part.text : escape(lookup(vars, part.path), part.json);
    }
    return out;
}

/** Own properties only, so a path can never reach a prototype (`{{post.constructor}}` is just empty). */
export function lookup(vars: unknown, path: readonly string[]): unknown {
    let cur = vars;
    for (const key of path) {
        if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
        cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
}

/** The plain-text form of a value: strings as they are, missing values empty, objects as JSON. */
export function templateText(value: unknown): string {
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
}

/** True when the string contains at least one placeholder (cheap check before parsing). */
export function hasPlaceholders(source: string): boolean {
    return source.includes('{{');
}
