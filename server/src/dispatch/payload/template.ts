import {parseTemplate, renderTemplate, templateText, type TemplateEscaper, type TemplatePart} from '@tripwire/common';

/** A template that cannot be rendered into a valid request: permanent, retrying cannot fix it. */
export class TemplateError extends Error {
    override readonly name = 'TemplateError';
}

/** Where a value lands decides how it is escaped, so a message can never break out of its slot. */
export const escapers = {
    /** Inside a URL path or query: percent-encoded, so it cannot add a path segment, query or fragment. */
    url: (value, json) => encodeURIComponent(json ? JSON.stringify(value ?? null) : templateText(value)),
    /** Header values and form fields: plain text with CR, LF and NUL removed (no header injection). */
    text: (value, json) => (json ? JSON.stringify(value ?? null) : templateText(value)).replace(/[\r\n\0]/g, ' '),
    /** Raw text bodies. */
    raw: (value, json) => (json ? JSON.stringify(value ?? null) : templateText(value)),
    /** Inside a JSON string literal: escaped without the quotes; `{{json x}}` inserts a whole JSON value. */
    json: (value, json) => (json ? JSON.stringify(value ?? null) : JSON.stringify(templateText(value)).slice(1, -1)),
} satisfies Record<string, TemplateEscaper>;

// Endpoint templates are validated when a rule is saved; parsing again per delivery is cheap but cached anyway.
const cache = new Map<string, TemplatePart[]>();

function parts(source: string): TemplatePart[] {
    let parsed = cache.get(source);
    if (!parsed) {
        const result = parseTemplate(source);
        if (!result.ok) throw new TemplateError(result.error);
        parsed = result.parts;
        if (cache.size > 2000) cache.clear();
        cache.set(source, parsed);
    }
    return parsed;
}

/** The template variables, built on first use. */
export type Vars = () => unknown;

export function render(source: string, vars: Vars, escape: TemplateEscaper): string {
    return source.includes('{{') ? renderTemplate(parts(source), vars(), escape) : source;
}
