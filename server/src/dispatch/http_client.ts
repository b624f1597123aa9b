import type http from 'node:http';

import type {DeliveryErrorClass} from '@tripwire/common';

import type {PreparedRequest} from './payload/build_request';
import type {SsrfGuard} from './ssrf/guard';

/** What one attempt produced: an HTTP answer (any status), or why there was none. */
export type AttemptResult =
    | {
          kind: 'response';
          status: number;
          headers: Record<string, string>;
          body: Buffer;
          /** The body was longer than the cap; only the first maxResponseBytes were kept. */
          truncated: boolean;
          ttfbMs: number;
          totalMs: number;
          /** The URL that answered (differs from the request's after followed redirects). */
          url: string;
      }
    | {kind: 'error'; errorClass: DeliveryErrorClass; message: string; totalMs: number};

export interface SendOptions {
    guard: SsrfGuard;
    /** The whole attempt: DNS, connect, TLS, redirects, headers and body. */
    timeoutMs: number;
    /** Native reads at most 1 MiB of a reply. */
    maxResponseBytes: number;
    followRedirects: boolean;
    /** Mattermost's EnableInsecureOutgoingConnections: accept self-signed and otherwise invalid certificates. */
    insecureTls: boolean;
    /** Header names dropped when a redirect leaves the original origin (credentials must not follow it). */
    sensitiveHeaders: readonly string[];
    signal?: AbortSignal;
}

export const MAX_RESPONSE_BYTES = 1 << 20;
const MAX_REDIRECTS = 3;

// Keep-alive pools keyed by the connected IP (we connect by address), so a pooled socket is always one the guard
// allowed. https pools also key on servername and rejectUnauthorized.
// Both load with their first attempt, not at start-up: nothing before the first delivery needs them (start-up CPU and
// RSS, server/test/release/startup_imports.test.ts), and https (with the tls it loads, about 3 MB of the plugin's RSS)
// is never paid for by a plugin whose services are all plain http. (`performance` below is Node's lazy global for the
// same reason.)
interface Client {
    module: Pick<typeof http, 'request'>;
    agent: http.Agent;
}
const pooled = ({default: module}: {default: Pick<typeof http, 'request' | 'Agent'>}): Client => ({module, agent: new module.Agent({keepAlive: true, scheduling: 'lifo'})});
let plainClient: Promise<Client> | undefined;
let httpsClient: Promise<Client> | undefined;
function clientFor(secure: boolean): Promise<Client> {
    if (secure) return (httpsClient ??= import('node:https').then(pooled));
    return (plainClient ??= import('node:http').then(pooled));
}

class AttemptTimeout extends Error {
    override readonly name = 'AttemptTimeout';
}

/**
 * Sends one attempt to the address the SSRF guard checked (never resolving the name again), with a deadline for the
 * whole attempt and a cap on the body read. Redirects are refused unless enabled, and then each hop is re-checked.
 */
export async function sendRequest(request: PreparedRequest, options: SendOptions): Promise<AttemptResult> {
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new AttemptTimeout(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    // One controller for both the deadline and the caller's stop (AbortSignal.any would tie every attempt to the
    // long-lived stop signal).
    const stop = () => deadline.abort(new Error('stopped'));
    options.signal?.addEventListener('abort', stop, {once: true});
    if (options.signal?.aborted) stop();
    const {signal} = deadline;
    const elapsed = () => performance.now() - started;
    try {
        let current = request;
        for (let hop = 0; ; hop++) {
            const checked = await options.guard.check(current.url);
            if (!checked.ok) return {kind: 'error', errorClass: checked.errorClass, message: checked.reason, totalMs: elapsed()};
            signal.throwIfAborted();
            const res = await exchange(current, checked.address, checked.family, options, signal, started);
            const next = redirectOf(current, res, options);
            if (!next) return {...res, totalMs: elapsed(), url: current.url.toString()};
            if (hop >= MAX_REDIRECTS) return {kind: 'error', errorClass: 'redirect', message: `more than ${MAX_REDIRECTS} redirects`, totalMs: elapsed()};
            current = next;
        }
    } catch (err) {
        if (options.signal?.aborted) return {kind: 'error', errorClass: 'shutdown', message: 'aborted: the dispatcher is stopping', totalMs: elapsed()};
        return {kind: 'error', ...classify(signal.aborted ? signal.reason : err), totalMs: elapsed()};
    } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', stop);
    }
}

type Exchanged = Omit<Extract<AttemptResult, {kind: 'response'}>, 'totalMs' | 'url'>;

async function exchange(
    request: PreparedRequest,
    address: string,
    family: 4 | 6,
    options: SendOptions,
    signal: AbortSignal,
    started: number,
): Promise<Exchanged> {
    const {url} = request;
    const secure = url.protocol === 'https:';
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const client = await clientFor(secure);
    return new Promise((resolve, reject) => {
        const req = client.module.request({
            host: address,
            family,
            port: url.port || (secure ? 443 : 80),
            path: url.pathname + url.search,
            method: request.method,
            headers: {...request.headers, host: url.host, 'content-length': String(request.body.length)},
            agent: client.agent,
            signal,
            ...(secure && {servername: address === hostname ? '' : hostname, rejectUnauthorized: !options.insecureTls}),
        });
        req.on('error', reject);
        req.on('response', (res) => {
            const ttfbMs = performance.now() - started;
            const chunks: Buffer[] = [];
            let size = 0;
            let truncated = false;
            res.on('data', (chunk: Buffer) => {
                if (truncated) return;
                const room = options.maxResponseBytes - size;
                if (chunk.length > room) {
                    chunks.push(chunk.subarray(0, room));
                    size += room;
                    truncated = true;
                    // Stop reading: the socket is discarded rather than drained of an arbitrarily large body.
                    res.destroy();
                    finish();
                    return;
                }
                chunks.push(chunk);
                size += chunk.length;
            });
            let done = false;
            const finish = () => {
                if (done) return;
                done = true;
                resolve({kind: 'response', status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks, size), truncated, ttfbMs});
            };
            res.on('end', finish);
            res.on('error', (err) => (truncated ? finish() : reject(err)));
            res.on('aborted', () => !truncated && reject(Object.assign(new Error('response aborted'), {code: 'ECONNRESET'})));
        });
        req.end(request.body);
    });
}

function redirectOf(request: PreparedRequest, res: Exchanged, options: SendOptions): PreparedRequest | null {
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || !location) return null;
    if (!options.followRedirects) return null;
    const url = new URL(location, request.url);
    // As Go's client does: 303, and 301/302 after a POST, become a GET without a body; 307/308 keep both.
    const toGet = res.status === 303 || ((res.status === 301 || res.status === 302) && request.method === 'POST');
    const headers = {...request.headers};
    if (toGet) delete headers['content-type'];
    if (url.origin !== request.url.origin) {
        for (const name of ['authorization', 'cookie', 'proxy-authorization', ...options.sensitiveHeaders]) delete headers[name.toLowerCase()];
    }
    return {method: toGet ? 'GET' : request.method, url, headers, body: toGet ? Buffer.alloc(0) : request.body};
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
    return out;
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_OSSL)/;

/** Maps a Node network error to the delivery error classes the log and the retry policy use. */
export function classify(err: unknown): {errorClass: DeliveryErrorClass; message: string} {
    if (err instanceof AttemptTimeout) return {errorClass: 'timeout', message: err.message};
    const e = err as NodeJS.ErrnoException | undefined;
    const code = e?.code ?? '';
    const message = e?.message ?? String(err);
    if (e?.name === 'AbortError' || code === 'ABORT_ERR') return {errorClass: 'shutdown', message: 'aborted'};
    if (code === 'ECONNREFUSED') return {errorClass: 'connection_refused', message};
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return {errorClass: 'connection_reset', message};
    if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return {errorClass: 'timeout', message};
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return {errorClass: 'dns', message};
    if (TLS_CODES.test(code)) return {errorClass: 'tls', message};
    if (code.startsWith('HPE_')) return {errorClass: 'bad_response', message: `not a valid HTTP response (${code})`};
    return {errorClass: 'network', message};
}
