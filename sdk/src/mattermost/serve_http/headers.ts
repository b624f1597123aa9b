/** Header maps as Go's net/http keeps them (http.Header: canonical keys → values). */
export type GoHeader = Record<string, string[]>;

/**
 * Go's textproto.CanonicalMIMEHeaderKey: the host copies SyncHeader keys into its map verbatim, and Go's server looks
 * keys up canonically (Content-Type, Content-Length), so keys must arrive in that form.
 */
export function canonicalHeaderKey(key: string): string {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key)) return key;
    let out = '';
    let upper = true;
    for (const ch of key) {
        out += upper ? ch.toUpperCase() : ch.toLowerCase();
        upper = ch === '-';
    }
    return out;
}

/**
 * Connection-level headers (RFC 9110 §7.6.1) plus Expect: they describe the in-memory hop to Node's server or back,
 * not the request the browser made or the response it gets. Host travels separately in Go's request.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'host']);

/** The request headers to hand Node's HTTP client, flattened to [name, value] pairs in the host's order. */
export function requestHeaderPairs(header: GoHeader, host: string): Array<[string, string]> {
    const pairs: Array<[string, string]> = [];
    if (host) pairs.push(['Host', host]);
    for (const [name, values] of Object.entries(header)) {
        if (HOP_BY_HOP.has(name.toLowerCase())) continue;
        for (const value of values) pairs.push([name, value]);
    }
    return pairs;
}

/** A Node response's rawHeaders ([name, value, name, value, …]) as a Go header map without hop-by-hop headers. */
export function responseHeaderMap(rawHeaders: readonly string[]): GoHeader {
    const out: GoHeader = {};
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        const name = rawHeaders[i] as string;
        if (HOP_BY_HOP.has(name.toLowerCase())) continue;
        const key = canonicalHeaderKey(name);
        (out[key] ??= []).push(rawHeaders[i + 1] as string);
    }
    return out;
}

/** Parses a Content-Length the host forwarded; -1 when absent or not a plain decimal. */
export function contentLength(header: GoHeader): number {
    for (const [name, values] of Object.entries(header)) {
        if (name.toLowerCase() !== 'content-length') continue;
        const v = values[0]?.trim() ?? '';
        return /^\d+$/.test(v) ? Number(v) : -1;
    }
    return -1;
}
