import {type z} from 'zod';

import * as d from './api_dto';
import {ruleSpecSchema} from './rule';

/*
 * Tripwire's REST API as data: one entry per route with its method, path (under API_BASE), the zod schemas of its
 * params, query and body, and the schema of what it answers. The server's routers, the OpenAPI document and the
 * webapp's typed client all read this table, so they cannot drift apart.
 *
 * Every route needs a Mattermost session (the `Mattermost-User-Id` header Mattermost sets); `admin` routes need a
 * system admin. Errors are `ApiErrorBody` (./errors) with the status of their code.
 */

/** Where the plugin's routes start, as Mattermost serves them: `${siteURL}/plugins/tripwire`. */
export const PLUGIN_ROUTE = '/plugins/tripwire';
/** The REST API, relative to the plugin route. */
export const API_BASE = '/api/v1';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRoute<
    P extends z.ZodType = z.ZodType,
    Q extends z.ZodType = z.ZodType,
    B extends z.ZodType = z.ZodType,
    R extends z.ZodType | null = z.ZodType | null,
> {
    method: HttpVerb;
    /** Express-style, relative to API_BASE: `/rules/:ruleId`. */
    path: string;
    summary: string;
    tag: 'rules' | 'test' | 'deliveries' | 'transfer' | 'admin' | 'me';
    /** Who may call it at all (finer checks per channel and rule come on top). */
    access: 'user' | 'system_admin';
    params: P | null;
    query: Q | null;
    body: B | null;
    /** The success status; 204 has no body. */
    status: 200 | 201 | 204;
    response: R;
}

function route<P extends z.ZodType | null = null, Q extends z.ZodType | null = null, B extends z.ZodType | null = null, R extends z.ZodType | null = null>(r: {
    method: HttpVerb;
    path: string;
    summary: string;
    tag: ApiRoute['tag'];
    access?: ApiRoute['access'];
    params?: P;
    query?: Q;
    body?: B;
    status?: 200 | 201 | 204;
    response: R;
}): {method: HttpVerb; path: string; summary: string; tag: ApiRoute['tag']; access: ApiRoute['access']; params: P; query: Q; body: B; status: 200 | 201 | 204; response: R} {
    return {access: 'user', params: null as P, query: null as Q, body: null as B, status: 200, ...r};
}

const ruleView = d.ruleViewSchema;

export const apiRoutes = {
    // ---- rules ----
    listChannelRules: route({
        method: 'GET',
        path: '/channels/:channelId/rules',
        summary: "The rules watching a channel: those naming it, and its team's rules the caller may see",
        tag: 'rules',
        params: d.channelParamsSchema,
        response: d.ruleListSchema,
    }),
    listTeamRules: route({
        method: 'GET',
        path: '/teams/:teamId/rules',
        summary: "A team's team-wide rules (team and system admins)",
        tag: 'rules',
        params: d.teamParamsSchema,
        response: d.ruleListSchema,
    }),
    listMyRules: route({method: 'GET', path: '/me/rules', summary: "The caller's personal rules over their direct and group messages", tag: 'rules', response: d.ruleListSchema}),
    listAllRules: route({
        method: 'GET',
        path: '/admin/rules',
        summary: 'Every rule on the server, oldest first',
        tag: 'admin',
        access: 'system_admin',
        query: d.pageQuerySchema,
        response: d.rulePageSchema,
    }),
    getRule: route({method: 'GET', path: '/rules/:ruleId', summary: 'One rule', tag: 'rules', params: d.ruleParamsSchema, response: ruleView}),
    createRule: route({
        method: 'POST',
        path: '/rules',
        summary: 'Create a rule; its scope decides who may (channel admins for their channels, team admins for team rules, anyone for their own DMs)',
        tag: 'rules',
        body: ruleSpecSchema,
        status: 201,
        response: ruleView,
    }),
    updateRule: route({
        method: 'PUT',
        path: '/rules/:ruleId',
        summary: "Replace a rule (send the revision you edited to detect concurrent changes); changing an endpoint's origin drops its secrets unless `secrets` and the headers give them again",
        tag: 'rules',
        params: d.ruleParamsSchema,
        body: d.updateRuleBodySchema,
        response: ruleView,
    }),
    setRuleEnabled: route({
        method: 'PUT',
        path: '/rules/:ruleId/enabled',
        summary: 'Enable or disable a rule',
        tag: 'rules',
        params: d.ruleParamsSchema,
        body: d.setEnabledBodySchema,
        response: ruleView,
    }),
    deleteRule: route({
        method: 'DELETE',
        path: '/rules/:ruleId',
        summary: 'Delete a rule with its secrets, inbound URL and delivery log',
        tag: 'rules',
        params: d.ruleParamsSchema,
        query: d.revisionQuerySchema,
        status: 204,
        response: null,
    }),
    setSigningSecret: route({
        method: 'PUT',
        path: '/rules/:ruleId/endpoints/:endpointId/secret',
        summary: "Set or rotate an endpoint's signing secret (generated when none is given); the answer is the only time it is shown",
        tag: 'rules',
        params: d.ruleEndpointParamsSchema,
        body: d.setSigningSecretBodySchema,
        response: d.signingSecretSchema,
    }),
    removeSigningSecret: route({
        method: 'DELETE',
        path: '/rules/:ruleId/endpoints/:endpointId/secret',
        summary: "Stop signing an endpoint's requests",
        tag: 'rules',
        params: d.ruleEndpointParamsSchema,
        status: 204,
        response: null,
    }),
    setToken: route({
        method: 'PUT',
        path: '/rules/:ruleId/token',
        summary: 'Set the native body token compat payloads carry',
        tag: 'rules',
        params: d.ruleParamsSchema,
        body: d.setTokenBodySchema,
        status: 204,
        response: null,
    }),
    createInboundUrl: route({
        method: 'POST',
        path: '/rules/:ruleId/inbound',
        summary: "Create (or replace) the rule's secret inbound URL, where its service may post messages into the rule's channel",
        tag: 'rules',
        params: d.ruleParamsSchema,
        status: 201,
        response: d.inboundUrlSchema,
    }),
    deleteInboundUrl: route({
        method: 'DELETE',
        path: '/rules/:ruleId/inbound',
        summary: "Revoke the rule's inbound URL",
        tag: 'rules',
        params: d.ruleParamsSchema,
        status: 204,
        response: null,
    }),

    // ---- test bench ----
    testMessage: route({
        method: 'POST',
        path: '/channels/:channelId/test',
        summary: "Which of the channel's rules a message would trip, and why each would or would not",
        tag: 'test',
        params: d.channelParamsSchema,
        body: d.testMessageBodySchema,
        response: d.explainResultSchema,
    }),
    testDelivery: route({
        method: 'POST',
        path: '/rules/:ruleId/test-delivery',
        summary: 'Send one real, signed request for a sample message; shows the request (secrets masked), the response and the posts the reply would make',
        tag: 'test',
        params: d.ruleParamsSchema,
        body: d.testDeliveryBodySchema,
        response: d.testDeliveryResultSchema,
    }),
    testDraftDelivery: route({
        method: 'POST',
        path: '/channels/:channelId/test-delivery',
        summary: 'Send one real request for a sample message in the channel to a rule not saved yet (checked like a create, nothing stored or logged; unsigned: a new rule has no secret)',
        tag: 'test',
        params: d.channelParamsSchema,
        body: d.draftTestDeliveryBodySchema,
        response: d.testDeliveryResultSchema,
    }),

    // ---- deliveries ----
    listDeliveries: route({
        method: 'GET',
        path: '/rules/:ruleId/deliveries',
        summary: "A rule's delivery log, newest first, filtered by status, endpoint and time",
        tag: 'deliveries',
        params: d.ruleParamsSchema,
        query: d.deliveryLogQuerySchema,
        response: d.deliveryLogPageSchema,
    }),
    replayDelivery: route({
        method: 'POST',
        path: '/rules/:ruleId/deliveries/:deliveryId/replay',
        summary: 'Send a delivery again (same webhook-id)',
        tag: 'deliveries',
        params: d.deliveryParamsSchema,
        response: d.replayResultSchema,
    }),
    recoverDeliveries: route({
        method: 'POST',
        path: '/rules/:ruleId/recover',
        summary: "Send again every failed delivery of the rule created since a time",
        tag: 'deliveries',
        params: d.ruleParamsSchema,
        body: d.recoverBodySchema,
        response: d.recoverResultSchema,
    }),

    // ---- export and import ----
    exportRules: route({
        method: 'POST',
        path: '/rules/export',
        summary: 'Rules as JSON, without secrets',
        tag: 'transfer',
        body: d.exportBodySchema,
        response: d.ruleExportSchema,
    }),
    importRules: route({
        method: 'POST',
        path: '/rules/import',
        summary: 'Create rules from an export (optionally into another scope)',
        tag: 'transfer',
        body: d.importBodySchema,
        response: d.importResultSchema,
    }),
    importNativeWebhooks: route({
        method: 'POST',
        path: '/rules/import-native',
        summary: "Turn Mattermost's native outgoing webhooks into equivalent rules",
        tag: 'transfer',
        body: d.nativeImportBodySchema,
        response: d.nativeImportResultSchema,
    }),

    // ---- the caller and the admin ----
    getMe: route({method: 'GET', path: '/me', summary: 'Who the caller is to Tripwire, and the limits that apply', tag: 'me', response: d.meSchema}),
    getDirectOptIn: route({
        method: 'GET',
        path: '/me/direct-opt-in',
        summary: "The caller's consent to rules in their direct and group messages",
        tag: 'me',
        response: d.directOptInSchema,
    }),
    setDirectOptIn: route({
        method: 'PUT',
        path: '/me/direct-opt-in',
        summary: "Change the caller's consent, globally or for one conversation",
        tag: 'me',
        body: d.setDirectOptInBodySchema,
        response: d.directOptInSchema,
    }),
    getGuardrails: route({
        method: 'GET',
        path: '/admin/guardrails',
        summary: "The system admin's limits: allowed hosts, rules per channel, DM rules, default retries and rate limit",
        tag: 'admin',
        access: 'system_admin',
        response: d.guardrailsViewSchema,
    }),
    setGuardrails: route({
        method: 'PUT',
        path: '/admin/guardrails',
        summary: 'Change some of the guardrails (saved to the plugin settings)',
        tag: 'admin',
        access: 'system_admin',
        body: d.guardrailsInputSchema,
        response: d.guardrailsViewSchema,
    }),
    getDeliveryHealth: route({
        method: 'GET',
        path: '/admin/delivery-health',
        summary: "This node's delivery health from its metrics: the most failing rules and endpoints, the queue, open breakers",
        tag: 'admin',
        access: 'system_admin',
        response: d.deliveryHealthSchema,
    }),
} as const;

export type ApiRoutes = typeof apiRoutes;
export type ApiRouteName = keyof ApiRoutes;

/** What a route's body accepts (zod input), for the typed client. */
export type ApiBody<N extends ApiRouteName> = ApiRoutes[N]['body'] extends z.ZodType ? z.input<ApiRoutes[N]['body']> : undefined;
export type ApiQuery<N extends ApiRouteName> = ApiRoutes[N]['query'] extends z.ZodType ? z.input<ApiRoutes[N]['query']> : undefined;
export type ApiParams<N extends ApiRouteName> = ApiRoutes[N]['params'] extends z.ZodType ? z.input<ApiRoutes[N]['params']> : undefined;
/** What a route answers on success (zod output); void for 204. */
export type ApiResponse<N extends ApiRouteName> = ApiRoutes[N]['response'] extends z.ZodType ? z.output<ApiRoutes[N]['response']> : void;

/** `/rules/:ruleId` + `{ruleId: 'x'}` → `/rules/x` (each value URI-encoded). @throws Error when a param is missing */
export function routePath(path: string, params: Readonly<Record<string, string>> = {}): string {
    return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`missing path parameter ${name}`);
        return encodeURIComponent(value);
    });
}

/** The unauthenticated routes outside the REST API that external services call. */
export const integrationRoutes = {
    /** A rule's inbound URL: the native incoming-webhook body (JSON, `payload=` form or multipart). */
    inbound: {method: 'POST', path: '/in/:token'},
    /** A delivery's response_url, for late replies. */
    responseUrl: {method: 'POST', path: '/r/:token'},
    /** Mattermost posts button clicks and menu choices of Tripwire replies here (as the clicking user). */
    action: {method: 'POST', path: '/interactive/action'},
    /** Mattermost posts dialog submissions here (as the submitting user). */
    dialog: {method: 'POST', path: '/interactive/dialog'},
    /** `/tripwire` autocomplete asks for a channel's rules here (a DynamicList fetch_url; Mattermost adds the query). */
    ruleSuggestions: {method: 'GET', path: '/autocomplete/rules'},
} as const;
