/*
 * Byte-exact copies of how Go encodes Mattermost's native payloads, so compat mode matches them byte for byte:
 * encoding/json's string escaping (HTML-safe: < > & U+2028 U+2029 as \u escapes) and net/url's Values.Encode
 * (keys sorted, QueryEscape: space as +, only A-Z a-z 0-9 - _ . ~ left as they are).
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Go strings are UTF-8, so a lone surrogate could never reach it: it becomes U+FFFD as Go's decoder makes it. */
export const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD');

const hex4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A JSON string literal exactly as Go's json.Marshal writes it. */
export function goJsonString(s: string): string {
    const json = JSON.stringify(/[\uD800-\uDFFF]/.test(s) ? wellFormed(s) : s);
    return /[<>&\u2028\u2029]/.test(json) ? json.replace(/[<>&\u2028\u2029]/g, hex4) : json;
}

/** A JSON object with fields in the given order, as json.Marshal writes a struct (no spaces, no trailing newline). */
export function goJsonObject(fields: ReadonlyArray<readonly [string, string | number]>): string {
    return `{${fields.map(([k, v]) => `${goJsonString(k)}:${typeof v === 'number' ? String(v) : goJsonString(v)}`).join(',')}}`;
}

/** net/url.QueryEscape. */
export function goQueryEscape(s: string): string {
    return encodeURIComponent(wellFormed(s))
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+');
}

/** net/url.Values.Encode for single-valued keys: sorted by key, then key=value joined with &. */
export function goFormEncode(values: Readonly<Record<string, string>>): string {
    return Object.keys(values)
        .sort()
        .map((k) => `${goQueryEscape(k)}=${goQueryEscape(values[k]!)}`)
        .join('&');
}
