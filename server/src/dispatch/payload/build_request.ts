import {deliveryEventTypes, type Endpoint} from '@tripwire/common';

import {compatFormBody, compatJsonBody} from './compat';
import {goFormEncode} from './go_encoding';
import {richBody} from './rich';
import {slackFormBody} from './slack';
import {escapers, render, TemplateError, type Vars} from './template';
import {templateVariables, type RequestContext} from './variables';

/** An unsigned HTTP request, ready to be signed and sent. The body is identical on every attempt. */
export interface PreparedRequest {
    method: string;
    url: URL;
    headers: Record<string, string>;
    body: Buffer;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * Builds one endpoint's request for a delivery. `secretHeaders` are the endpoint's secret header values from the
 * secret store (the endpoint itself holds none): rendered like the other headers.
 * @throws TemplateError when a template renders to something invalid.
 */
export function buildRequest(endpoint: Endpoint, ctx: RequestContext, secretHeaders: Readonly<Record<string, string>> = {}): PreparedRequest {
    // The variable tree is only built when a template needs it: most endpoints have none (hot path).
    let tree: Record<string, unknown> | undefined;
    const vars = () => (tree ??= templateVariables(ctx));
    const url = renderUrl(endpoint, vars);
    const [contentType, body] = hasBody(endpoint.method) ? renderBody(endpoint, ctx, vars) : [undefined, ''];

    const headers: Record<string, string> = {
        accept: JSON_TYPE,
        // Compat mode presents itself as Mattermost does, since some receivers check it.
        'user-agent': endpoint.payload === 'compat' ? 'Mattermost-Bot/1.1' : 'Tripwire/1.0 (Mattermost plugin)',
    };
    if (contentType) headers['content-type'] = contentType;
    for (const [name, value] of [...Object.entries(endpoint.headers), ...Object.entries(secretHeaders)]) headers[name.toLowerCase()] = render(value, vars, escapers.text);
    return {method: endpoint.method, url, headers, body: Buffer.from(body, 'utf8')};
}

const hasBody = (method: string): boolean => method !== 'GET' && method !== 'DELETE';

function renderUrl(endpoint: Endpoint, vars: Vars): URL {
    let url: URL;
    try {
        url = new URL(render(endpoint.url, vars, escapers.url));
    } catch {
        throw new TemplateError('the URL is not valid after rendering');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TemplateError('the URL must be http(s)');
    for (const [name, value] of Object.entries(endpoint.query)) url.searchParams.append(name, render(value, vars, escapers.text));
    return url;
}

/** The events native outgoing webhooks (and Slack's legacy ones) know: the only ones their formats can describe. */
const POST_EVENTS: ReadonlySet<string> = new Set([deliveryEventTypes.posted, deliveryEventTypes.edited]);

function renderBody(endpoint: Endpoint, ctx: RequestContext, vars: Vars): [string, string] {
    const form = endpoint.content_type === 'form';
    // Native hooks only ever send posts: a reaction or membership goes out in the rich body whatever the mode.
    if ((endpoint.payload === 'compat' || endpoint.payload === 'slack') && !POST_EVENTS.has(ctx.facts.event_type)) return [JSON_TYPE, richBody(ctx)];
    switch (endpoint.payload) {
        case 'compat':
            return form ? [FORM_TYPE, compatFormBody(ctx.facts, ctx.token)] : [JSON_TYPE, compatJsonBody(ctx.facts, ctx.token)];
        case 'slack':
            return [FORM_TYPE, slackFormBody(ctx.facts, ctx.token, ctx.rule.id)];
        case 'rich':
            return [JSON_TYPE, richBody(ctx)];
        case 'template':
            return renderTemplateBody(endpoint, vars);
    }
}

function renderTemplateBody(endpoint: Endpoint, vars: Vars): [string, string] {
    if (endpoint.form_fields) {
        const fields: Record<string, string> = {};
        for (const [name, value] of Object.entries(endpoint.form_fields)) fields[name] = render(value, vars, escapers.text);
        return [FORM_TYPE, goFormEncode(fields)];
    }
    const source = endpoint.body_template ?? '';
    if (endpoint.content_type === 'form') return [FORM_TYPE, render(source, vars, escapers.url)];
    if (endpoint.content_type === 'text') return [TEXT_TYPE, render(source, vars, escapers.raw)];
    const body = render(source, vars, escapers.json);
    try {
        JSON.parse(body);
    } catch (err) {
        throw new TemplateError(`the body is not valid JSON after rendering: ${(err as Error).message}`);
    }
    return [JSON_TYPE, body];
}
