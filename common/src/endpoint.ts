import * as z from 'zod';

import {parseTemplate, replyTemplateRoots} from './delivery_template';

/*
 * How a rule calls its services (`endpoints`), what it does with their replies (`response`) and how hard it tries
 * (`delivery`). The rule model embeds these three schemas; the server's dispatch/ and responses/ folders read them.
 * Secrets (signing keys, the compat `token`) are never part of these objects: the rule only says `has_secret`.
 */

export const payloadModes = ['compat', 'slack', 'rich', 'template'] as const;
export type PayloadMode = (typeof payloadModes)[number];

export const httpMethods = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;
export type HttpMethod = (typeof httpMethods)[number];

const template = (max: number, roots?: readonly string[]) =>
    z
        .string()
        .max(max)
        .check((ctx) => {
            const parsed = parseTemplate(ctx.value, roots);
            if (!parsed.ok) ctx.issues.push({code: 'custom', message: parsed.error, input: ctx.value});
        });

/** Header names we set ourselves or that would break framing; a rule may not override them. */
const reservedHeaders = /^(host|content-length|transfer-encoding|connection|keep-alive|upgrade|te|trailer|expect|webhook-.*)$/i;
const headerName = z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, 'not a valid header name')
    .refine((name) => !reservedHeaders.test(name), 'this header is set by Tripwire');

const httpUrl = z.url({protocol: /^https?$/});

/** A URL that may hold placeholders in its path and query (never in the scheme or host). */
const templatedUrl = template(2048).refine((url) => {
    const authority = /^https?:\/\/([^/?#]*)/i.exec(url)?.[1];
    if (authority === undefined || authority.includes('{{') || authority.includes('@')) return false;
    return httpUrl.safeParse(url.replace(/\{\{[^}]*\}\}/g, 'x')).success;
}, 'must be an http(s) URL without credentials; placeholders only in the path and query');

/** A short id, stable for the endpoint's life: secrets and the delivery log are keyed by it. */
export const endpointIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, - and _ (at most 32)');

export const endpointSchema = z.strictObject({
    id: endpointIdSchema.default(() => `ep${Math.random().toString(36).slice(2, 10)}`),
    url: templatedUrl,
    method: z.enum(httpMethods).default('POST'),
    /**
     * compat: Mattermost's native outgoing-webhook body, byte for byte; slack: Slack's legacy outgoing-webhook form;
     * rich: the native JSON fields plus thread, channel type, display names, matches, files and event type;
     * template: `body_template` (JSON or text) or `form_fields`.
     */
    payload: z.enum(payloadModes).default('compat'),
    /** compat and template modes; slack is always a form, rich always JSON. */
    content_type: z.enum(['json', 'form', 'text']).default('json'),
    headers: z.record(headerName, template(4096)).default({}),
    query: z.record(z.string().min(1).max(128), template(2048)).default({}),
    body_template: template(65_536).optional(),
    form_fields: z.record(z.string().min(1).max(128), template(16_384)).optional(),
    /**
     * Header names whose values are secrets: write-only, kept in the secret store, never in the rule or any view. On
     * save the server adds the default-sensitive names present in `headers` (see isDefaultSecretHeader).
     */
    secret_headers: z.array(headerName).max(20).default([]),
    /** Set by the API when a signing secret is stored for this endpoint; the secret itself never travels here. */
    has_secret: z.boolean().default(false),
    /** Set by the API: the secret header names that have a stored value. Ignored on writes. */
    secret_headers_set: z.array(z.string().max(64)).max(20).default([]),
    timeout_ms: z.int().min(500).max(30_000).default(15_000),
    max_concurrency: z.int().min(1).max(64).default(8),
    /** Off by default (Standard Webhooks: a 3xx is a failure); when on, up to 3 hops, each re-checked for SSRF. */
    follow_redirects: z.boolean().default(false),
    /** Cleared when the service answers 410 Gone; the rule's owner is told by DM. */
    enabled: z.boolean().default(true),
})
    .refine((e) => e.payload !== 'template' || e.body_template !== undefined || e.form_fields !== undefined, {
        message: 'a template payload needs body_template or form_fields',
        path: ['body_template'],
    })
    .refine((e) => e.form_fields === undefined || e.content_type === 'form', {
        message: 'form_fields need content_type "form"',
        path: ['form_fields'],
    })
    .refine((e) => e.payload !== 'compat' || e.content_type !== 'text', {
        message: 'compat payloads are JSON or form',
        path: ['content_type'],
    });
export type Endpoint = z.output<typeof endpointSchema>;
export type EndpointInput = z.input<typeof endpointSchema>;

/** Names that carry credentials by convention: secret even when `secret_headers` does not list them. */
const DEFAULT_SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token', 'x-access-token']);
const DEFAULT_SECRET_PARTS = /token|secret|password|passwd|api-?key|signature|credential|session/i;

/** Whether a header name is sensitive by default (case-insensitive). */
export function isDefaultSecretHeader(name: string): boolean {
    return DEFAULT_SECRET_NAMES.has(name.toLowerCase()) || DEFAULT_SECRET_PARTS.test(name);
}

/** Whether a header of this endpoint is secret: declared in `secret_headers` or sensitive by default. */
export function isSecretHeader(endpoint: Pick<Endpoint, 'secret_headers'>, name: string): boolean {
    const lower = name.toLowerCase();
    return isDefaultSecretHeader(name) || endpoint.secret_headers.some((s) => s.toLowerCase() === lower);
}

/**
 * The endpoint's secret header names as saved: `secret_headers` plus the default-sensitive names present in
 * `headers`, each name once (case-insensitive, first spelling kept).
 */
export function secretHeaderNames(endpoint: Pick<Endpoint, 'secret_headers' | 'headers'>): string[] {
    const out = new Map<string, string>();
    for (const name of [...endpoint.secret_headers, ...Object.keys(endpoint.headers).filter(isDefaultSecretHeader)]) {
        if (!out.has(name.toLowerCase())) out.set(name.toLowerCase(), name);
    }
    return [...out.values()];
}

/**
 * An endpoint URL's origin (scheme, host, port), lower-cased, default port left out; placeholders never sit in it.
 * '' when the URL has none. Spellings that differ in any other way count as different origins (the safe side).
 */
export function endpointOrigin(url: string): string {
    const m = /^(https?):\/\/([^/?#]*)/i.exec(url.trim());
    if (!m) return '';
    const scheme = m[1]!.toLowerCase();
    const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(m[2]!.toLowerCase());
    if (!hostPort) return `${scheme}://${m[2]!.toLowerCase()}`;
    const port = (hostPort[2] ?? '').replace(/^0+(?=\d)/, '');
    const defaultPort = port === '' || (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
    return `${scheme}://${hostPort[1]}${defaultPort ? '' : `:${port}`}`;
}

/** A rule's endpoints: 1 to 10, with distinct ids. */
export const endpointsSchema = z
    .array(endpointSchema)
    .min(1)
    .max(10)
    .refine((eps) => new Set(eps.map((e) => e.id)).size === eps.length, 'endpoint ids must be distinct');

export const staleActions = ['post', 'thread', 'drop'] as const;
export type StaleAction = (typeof staleActions)[number];

/**
 * Where replies are posted: `service` follows each reply's `response_type` (`comment`/`thread` in the thread, else in
 * the channel, as native does); `thread` and `channel` decide for every non-ephemeral reply, whatever the service says.
 */
export const replyPlacements = ['service', 'thread', 'channel'] as const;
export type ReplyPlacement = (typeof replyPlacements)[number];

export const responseOptionsSchema = z.strictObject({
    /** Post the services' replies at all. */
    enabled: z.boolean().default(true),
    /** Where replies go; `service` (the default) keeps native behaviour. */
    reply_to: z.enum(replyPlacements).default('service'),
    /** Native posts replies whatever the status; Tripwire only from 2xx unless this is on. */
    accept_any_status: z.boolean().default(false),
    /** Default display overrides, applied only when Mattermost's EnablePostUsernameOverride/IconOverride allow. */
    username: z.string().max(64).optional(),
    icon_url: httpUrl.max(1024).optional(),
    /** A reply arriving this long after the trigger (after retries) is stale. */
    stale_after_seconds: z.int().min(1).max(7 * 86_400).default(300),
    /** post: as usual; thread: as a thread reply marked delayed; drop: not at all (logged). */
    stale_action: z.enum(staleActions).default('thread'),
    /** The scoped `response_url` each delivery carries for late replies. */
    response_url_uses: z.int().min(0).max(20).default(5),
    response_url_ttl_seconds: z.int().min(60).max(86_400).default(1800),
    /**
     * Turns a service's own answer (PagerDuty, GitLab, …: not Mattermost's reply format) into the reply's text:
     * `{{reply.status}}`, `{{reply.json.<path>}}`, `{{reply.headers.<lower-case name>}}`, `{{reply.text}}` beside the
     * trigger's variables (never `secrets`). When set, the HTTP answer is no longer read as a Mattermost reply;
     * replies through the response_url still are.
     */
    reply_template: template(4096, replyTemplateRoots).optional(),
});
export type ResponseOptions = z.output<typeof responseOptionsSchema>;

export const deliveryPolicySchema = z.strictObject({
    /** parallel: every endpoint gets its own delivery (native); failover: the next endpoint only if one fails. */
    fan_out: z.enum(['parallel', 'failover']).default('parallel'),
    /** Defaults to the plugin's MaxAttempts setting, which is also its ceiling. */
    max_attempts: z.int().min(1).max(50).optional(),
    /** A delivery older than this is given up (and a queued one is never sent). */
    max_age_seconds: z.int().min(10).max(7 * 86_400).default(86_400),
    /** Capped exponential backoff with full jitter: attempt n waits random(0, min(max, base·2^(n-1))). */
    backoff_base_ms: z.int().min(10).max(3_600_000).default(5000),
    backoff_max_ms: z.int().min(10).max(86_400_000).default(7_200_000),
    /** Defaults to the plugin's RateLimitPerMinute setting, which is also its ceiling (and rate_per_user_per_minute's). */
    rate_per_rule_per_minute: z.int().min(1).max(1_000_000).optional(),
    rate_per_user_per_minute: z.int().min(1).max(1_000_000).optional(),
    /** Over the limit: queue (delay) or drop with an ephemeral notice to the user. */
    rate_overflow: z.enum(['queue', 'drop']).default('queue'),
});
export type DeliveryPolicy = z.output<typeof deliveryPolicySchema>;
