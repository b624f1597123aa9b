import {Client4} from '@mattermost/client';
import {type ErrorCode, type FieldErrors} from '@tripwire/common';
import {type z} from 'zod';

import {apiUrl} from './paths';

/**
 * The one fetch core every REST call of the webapp goes through. Cookies, `X-Requested-With` and the CSRF header come
 * from `@mattermost/client`'s `getOptions`, exactly as the webapp's own calls get them; any non-2xx answer becomes a
 * ClientError carrying the server's code, message, field errors and the real HTTP status.
 */

export class ClientError extends Error {
    constructor(
        readonly status: number,
        readonly code: ErrorCode | 'network' | 'bad_response',
        message: string,
        readonly fields: FieldErrors = {},
    ) {
        super(message);
        this.name = 'ClientError';
        Object.setPrototypeOf(this, new.target.prototype);
    }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValues = Record<string, string | number | boolean | undefined>;

export interface RequestOptions<T> {
    query?: QueryValues | undefined;
    body?: unknown;
    /** Parses the 2xx body; without it the body is returned as JSON `unknown` cast to T. */
    schema?: z.ZodType<T> | undefined;
    signal?: AbortSignal | undefined;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ClientCoreOptions {
    siteUrl: () => string;
    fetch?: FetchLike;
    client4?: Client4;
}

function errorFrom(status: number, body: unknown): ClientError {
    const err = (body as {error?: {code?: unknown; message?: unknown; fields?: unknown}} | null)?.error;
    if (err && typeof err.code === 'string' && typeof err.message === 'string') {
        const fields = err.fields && typeof err.fields === 'object' ? (err.fields as FieldErrors) : {};
        return new ClientError(status, err.code as ErrorCode, err.message, fields);
    }
    // Mattermost's own errors (e.g. 401 before reaching the plugin) carry {message}. Anything else (a proxy's page, a
    // route the plugin does not serve) is not the API saying "not found" or "forbidden", so it is not reported as such.
    const message = (body as {message?: unknown} | null)?.message;
    return new ClientError(status, status === 401 ? 'unauthenticated' : 'internal', typeof message === 'string' ? `${message} (HTTP ${status})` : `HTTP ${status}`);
}

export class ClientCore {
    private readonly client4: Client4;
    private readonly fetchImpl: FetchLike;

    constructor(private readonly options: ClientCoreOptions) {
        this.client4 = options.client4 ?? new Client4();
        this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    }

    /** The site URL requests go to (a sub-path included). */
    siteUrl(): string {
        return this.options.siteUrl();
    }

    /** The @mattermost/client instance, pointed at the current site URL (for core Mattermost routes). */
    mattermost(): Client4 {
        this.client4.setUrl(this.siteUrl());
        return this.client4;
    }

    /** A call to Tripwire's REST API. @throws ClientError for any non-2xx answer, an unreadable body or a network failure. */
    request<T>(method: HttpMethod, path: string, opts: RequestOptions<T> = {}): Promise<T> {
        const query: Record<string, string | number | undefined> = {};
        for (const [k, v] of Object.entries(opts.query ?? {})) query[k] = typeof v === 'boolean' ? String(v) : v;
        return this.requestUrl(method, apiUrl(this.siteUrl(), path, query), opts);
    }

    /** A call to an absolute URL (Mattermost's own routes, built by `mattermost()`), through the same core. */
    async requestUrl<T>(method: HttpMethod, url: string, opts: RequestOptions<T> = {}): Promise<T> {
        const path = new URL(url).pathname;
        const init = this.mattermost().getOptions({
            method: method.toLowerCase(),
            ...(opts.body !== undefined && {body: JSON.stringify(opts.body)}),
            ...(opts.signal && {signal: opts.signal}),
        }) as RequestInit;
        let response: Response;
        try {
            response = await this.fetchImpl(url, {...init, method});
        } catch (e) {
            if (e instanceof DOMException && e.name === 'AbortError') throw e;
            throw new ClientError(0, 'network', e instanceof Error ? e.message : 'network error');
        }
        const text = await response.text();
        let body: unknown = null;
        if (text !== '') {
            try {
                body = JSON.parse(text);
            } catch {
                if (response.ok) throw new ClientError(response.status, 'bad_response', 'the server answered with something that is not JSON');
            }
        }
        if (!response.ok) throw errorFrom(response.status, body);
        if (!opts.schema) return body as T;
        const parsed = opts.schema.safeParse(body);
        if (!parsed.success) {
            throw new ClientError(response.status, 'bad_response', `unexpected answer from ${method} ${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        }
        return parsed.data;
    }
}
