import {apiRoutes, routePath, type ApiBody, type ApiParams, type ApiQuery, type ApiResponse, type ApiRouteName} from '@tripwire/common';
import {type z} from 'zod';

import {ClientCore, type ClientCoreOptions, type QueryValues} from './client_core';

/** What one call takes: only the parts its route has (params, query, body), typed from the route table. */
export type CallArgs<N extends ApiRouteName> = (ApiParams<N> extends undefined ? {params?: undefined} : {params: ApiParams<N>}) &
    (ApiQuery<N> extends undefined ? {query?: undefined} : {query?: ApiQuery<N>}) &
    (ApiBody<N> extends undefined ? {body?: undefined} : {body: ApiBody<N>}) & {signal?: AbortSignal};

/**
 * Tripwire's REST API, typed from `apiRoutes` in common/src/api.ts: the same table the server's routers read, so a
 * route's path, verb and schemas cannot drift between the two sides. Answers are parsed with the route's response
 * schema. @throws ClientError (see client_core.ts)
 */
export class TripwireClient {
    readonly core: ClientCore;

    constructor(options: ClientCoreOptions | ClientCore) {
        this.core = options instanceof ClientCore ? options : new ClientCore(options);
    }

    call<N extends ApiRouteName>(name: N, args: CallArgs<N>): Promise<ApiResponse<N>> {
        const route = apiRoutes[name];
        const a = args as {params?: Record<string, string>; query?: QueryValues; body?: unknown; signal?: AbortSignal};
        const path = routePath(route.path, a.params ?? {});
        const schema = (route.response ?? undefined) as z.ZodType<ApiResponse<N>> | undefined;
        return this.core.request<ApiResponse<N>>(route.method, path, {query: a.query, body: a.body, schema, signal: a.signal});
    }

    // Named shortcuts for what the webapp uses, so components read like the product and not like the route table.

    listChannelRules(channelId: string) {
        return this.call('listChannelRules', {params: {channelId}});
    }
    getRule(ruleId: string) {
        return this.call('getRule', {params: {ruleId}});
    }
    createRule(spec: ApiBody<'createRule'>) {
        return this.call('createRule', {body: spec});
    }
    updateRule(ruleId: string, body: ApiBody<'updateRule'>) {
        return this.call('updateRule', {params: {ruleId}, body});
    }
    setRuleEnabled(ruleId: string, enabled: boolean, revision?: number) {
        return this.call('setRuleEnabled', {params: {ruleId}, body: {enabled, ...(revision !== undefined && {revision})}});
    }
    deleteRule(ruleId: string, revision?: number) {
        return this.call('deleteRule', {params: {ruleId}, query: revision === undefined ? {} : {revision}});
    }
    setSigningSecret(ruleId: string, endpointId: string, body: ApiBody<'setSigningSecret'> = {}) {
        return this.call('setSigningSecret', {params: {ruleId, endpointId}, body});
    }
    testMessage(channelId: string, body: ApiBody<'testMessage'>, signal?: AbortSignal) {
        return this.call('testMessage', {params: {channelId}, body, ...(signal && {signal})});
    }
    testDelivery(ruleId: string, body: ApiBody<'testDelivery'>) {
        return this.call('testDelivery', {params: {ruleId}, body});
    }
    /** Send test for a rule never saved: the draft, with the sample message in this channel. */
    testDraftDelivery(channelId: string, body: ApiBody<'testDraftDelivery'>) {
        return this.call('testDraftDelivery', {params: {channelId}, body});
    }
    listDeliveries(ruleId: string, query: ApiQuery<'listDeliveries'> = {}) {
        return this.call('listDeliveries', {params: {ruleId}, query});
    }
    replayDelivery(ruleId: string, deliveryId: string) {
        return this.call('replayDelivery', {params: {ruleId, deliveryId}});
    }
    getMe() {
        return this.call('getMe', {});
    }
    getGuardrails() {
        return this.call('getGuardrails', {});
    }
    setGuardrails(body: ApiBody<'setGuardrails'>) {
        return this.call('setGuardrails', {body});
    }

    /** Mattermost's own route for a button or menu of an interactive attachment (the server calls the integration). */
    async doPostAction(postId: string, actionId: string, selectedOption = '', cookie = ''): Promise<void> {
        const url = `${this.core.mattermost().getPostRoute(postId)}/actions/${encodeURIComponent(actionId)}`;
        await this.core.requestUrl('POST', url, {body: {selected_option: selectedOption, ...(cookie && {cookie})}});
    }
}
