import type {DeliveryExcerpt} from '@tripwire/common';

/*
 * What the delivery log may show of a request or a response. Credentials never reach the log (or the webapp):
 * headers with sensitive names, the rule's declared secret headers, sensitive query parameters, and every known
 * secret value (the compat token, header values) wherever it appears in a body, raw or encoded.
 */

const REDACTED = '[redacted]';
const SENSITIVE_NAME = /(auth|token|secret|password|passwd|api[-_]?key|signature|session|cookie|credential)/i;
export const EXCERPT_BYTES = 2048;

export function isSensitiveName(name: string, declared: readonly string[] = []): boolean {
    const lower = name.toLowerCase();
    return SENSITIVE_NAME.test(lower) || declared.some((d) => d.toLowerCase() === lower);
}

export function redactHeaders(headers: Readonly<Record<string, string>>, declared: readonly string[] = []): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) out[name] = isSensitiveName(name, declared) ? REDACTED : value;
    return out;
}

export function redactUrl(url: string | URL): string {
    // Nothing to hide without a query or credentials: skip the parse (every logged attempt goes through here).
    if (url instanceof URL && !url.search && !url.username && !url.password) return url.toString();
    let parsed: URL;
    try {
        parsed = new URL(url.toString());
    } catch {
        return REDACTED;
    }
    for (const name of [...new Set(parsed.searchParams.keys())]) {
        if (isSensitiveName(name)) parsed.searchParams.set(name, REDACTED);
    }
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
}

/** Replaces each secret value in a text, in the forms a body may carry it: raw, URL/form-encoded, JSON-escaped. */
export function redactValues(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) {
        if (secret.length < 4) continue; // too short to be a credential, too common to replace
        const forms = new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), JSON.stringify(secret).slice(1, -1)]);
        for (const form of forms) out = out.split(form).join(REDACTED);
    }
    return out;
}

/** The first EXCERPT_BYTES of a body as text, secrets replaced. */
export function bodyExcerpt(body: Uint8Array, secrets: readonly string[], moreThanShown = false): {body: string; truncated: boolean} {
    const shown = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, EXCERPT_BYTES)).toString('utf8');
    return {body: redactValues(shown, secrets), truncated: moreThanShown || body.length > EXCERPT_BYTES};
}

export interface ExcerptInput {
    method?: string;
    url?: string | URL;
    status?: number;
    headers: Readonly<Record<string, string>>;
    body: Uint8Array;
    truncated?: boolean;
}

/** A log-safe excerpt of one request or response. */
export function excerptOf(input: ExcerptInput, secrets: readonly string[], declaredHeaders: readonly string[]): DeliveryExcerpt {
    const headers = redactHeaders(input.headers, declaredHeaders);
    for (const [k, v] of Object.entries(headers)) headers[k] = redactValues(v, secrets);
    return {
        ...(input.method !== undefined && {method: input.method}),
        ...(input.url !== undefined && {url: redactValues(redactUrl(input.url), secrets)}),
        ...(input.status !== undefined && {status: input.status}),
        headers,
        ...bodyExcerpt(input.body, secrets, input.truncated),
    };
}
