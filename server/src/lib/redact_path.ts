/*
 * Request targets as log lines may show them. Tripwire's services authenticate with tokens in the path (`/in/<token>`
 * for inbound URLs, `/r/<token>` for response_urls) and some clients put credentials in the query string, so every log
 * call that prints a URL or a path sends it through `redactTarget` first.
 */

const REDACTED = '[redacted]';

/** Path segments whose next segment is a bearer token (the plugin's `/in/:token` and `/r/:token` routes). */
const TOKEN_ROUTES = new Set(['in', 'r']);

/** Query parameter names that hold credentials. */
const SENSITIVE_NAME = /(auth|token|secret|password|passwd|api[-_]?key|signature|sig$|session|cookie|credential|code)/i;

/**
 * A path segment or value that looks like a bearer credential: long, from a token alphabet, with letters and digits
 * mixed. A Mattermost id (26 lowercase letters and digits) is not a credential and stays readable.
 */
function looksLikeToken(value: string): boolean {
    if (value.length < 20 || /^[a-z0-9]{26}$/.test(value)) return false;
    return /^[A-Za-z0-9._~+/=-]+$/.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
}

function redactPath(path: string): string {
    const segments = path.split('/');
    return segments
        .map((segment, i) => {
            if (segment === '') return segment;
            const decoded = safeDecode(segment);
            if ((i > 0 && TOKEN_ROUTES.has(segments[i - 1]!)) || looksLikeToken(decoded)) return REDACTED;
            return segment;
        })
        .join('/');
}

function redactQuery(query: string): string {
    return query
        .split('&')
        .map((pair) => {
            if (pair === '') return pair;
            const eq = pair.indexOf('=');
            if (eq < 0) return looksLikeToken(safeDecode(pair)) ? REDACTED : pair;
            const name = pair.slice(0, eq);
            const value = pair.slice(eq + 1);
            return SENSITIVE_NAME.test(safeDecode(name)) || looksLikeToken(safeDecode(value)) ? `${name}=${REDACTED}` : pair;
        })
        .join('&');
}

function safeDecode(s: string): string {
    try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
        return s;
    }
}

/**
 * A URL or a request path (with or without query and fragment) with its tokens replaced by `[redacted]`: the segment
 * after `/in/` or `/r/`, any bearer-like segment, query values of credential-like names or bearer-like values, and
 * credentials in the authority. Never throws; the scheme, host and route stay readable.
 */
export function redactTarget(target: string): string {
    let rest = target;
    let prefix = '';
    const authority = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(rest);
    if (authority) {
        const host = authority[2]!.includes('@') ? `${REDACTED}@${authority[2]!.slice(authority[2]!.lastIndexOf('@') + 1)}` : authority[2]!;
        prefix = `${authority[1]}${host}`;
        rest = rest.slice(authority[0].length);
    }
    const hashAt = rest.indexOf('#');
    const fragment = hashAt >= 0 ? rest.slice(hashAt + 1) : undefined;
    if (hashAt >= 0) rest = rest.slice(0, hashAt);
    const queryAt = rest.indexOf('?');
    const path = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
    const query = queryAt >= 0 ? rest.slice(queryAt + 1) : undefined;
    return (
        prefix +
        redactPath(path) +
        (query !== undefined ? `?${redactQuery(query)}` : '') +
        (fragment !== undefined ? `#${looksLikeToken(fragment) || fragment.includes('=') ? redactQuery(fragment) : fragment}` : '')
    );
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** A path standing on its own in text (not the rest of a URL, which URL_IN_TEXT took). */
const PATH_IN_TEXT = /(?<![\w:/.\]-])\/[^\s"'<>`]*/g;
const BEARER_IN_TEXT = /\b(Bearer|Basic|token)(\s+|=|:\s*)[A-Za-z0-9._~+/=-]{8,}/gi;

/**
 * Free text (a log message, an error's message or stack) with the tokens of every URL, `/in/…` or `/r/…` path and
 * `Bearer …` credential in it redacted: errors quote the URLs they failed on.
 */
export function redactTokensIn(text: string): string {
    if (!text.includes('/') && !/bearer|basic|token/i.test(text)) return text;
    return text
        .replace(PATH_IN_TEXT, (path) => redactTarget(path))
        .replace(URL_IN_TEXT, (url) => redactTarget(url))
        .replace(BEARER_IN_TEXT, (_m, scheme: string, sep: string) => `${scheme}${sep}${REDACTED}`);
}
