import {apiRoutes, type ApiRouteName} from '@tripwire/common';
import {Router} from 'express';

import {bind, type Handler} from './bind';
import {type Services} from './services';

/**
 * The REST API: one handler per route of the table in common/src/api.ts. Handlers only translate between the
 * parsed request and a service call; access checks and everything else live in the services.
 */
export function apiRouter(s: Services): Router {
    const router = Router();
    const handlers: {[N in ApiRouteName]: Handler<N>} = {
        // Static paths under /rules first: express matches in order, and /rules/:ruleId would otherwise see them.
        exportRules: ({userId, body}) => s.transfer.export(userId, body.rule_ids),
        importRules: ({userId, body}) => s.transfer.import(userId, body.rules, body.scope, body.dry_run),
        importNativeWebhooks: ({userId, body}) => s.transfer.importNative(userId, body.hooks, body.dry_run),

        listChannelRules: async ({userId, params}) => ({rules: await s.rules.listChannel(userId, params.channelId)}),
        listTeamRules: async ({userId, params}) => ({rules: await s.rules.listTeam(userId, params.teamId)}),
        listMyRules: async ({userId}) => ({rules: await s.rules.listMine(userId)}),
        listAllRules: async ({userId, query}) => ({...(await s.rules.listAll(userId, query.page, query.per_page)), page: query.page, per_page: query.per_page}),
        getRule: ({userId, params}) => s.rules.get(userId, params.ruleId),
        createRule: ({userId, body}) => s.rules.create(userId, body),
        updateRule: ({userId, params, body}) => s.rules.update(userId, params.ruleId, body.rule, body.revision, body.secrets),
        setRuleEnabled: ({userId, params, body}) => s.rules.setEnabled(userId, params.ruleId, body.enabled, body.revision),
        deleteRule: ({userId, params, query}) => s.rules.delete(userId, params.ruleId, query.revision),
        setSigningSecret: async ({userId, params, body}) => ({
            secret: await s.rules.setSigningSecret(userId, params.ruleId, params.endpointId, body.secret, body.keep_previous_seconds),
        }),
        removeSigningSecret: ({userId, params}) => s.rules.removeSigningSecret(userId, params.ruleId, params.endpointId),
        setToken: ({userId, params, body}) => s.rules.setToken(userId, params.ruleId, body.token),
        createInboundUrl: async ({userId, params}) => ({url: await s.rules.createInbound(userId, params.ruleId)}),
        deleteInboundUrl: ({userId, params}) => s.rules.deleteInbound(userId, params.ruleId),

        testMessage: ({userId, params, body}) => s.bench.explain(userId, params.channelId, body),
        testDelivery: ({userId, params, body}) => s.bench.testDelivery(userId, params.ruleId, body),
        testDraftDelivery: ({userId, params, body}) => s.bench.testDraftDelivery(userId, params.channelId, body),

        listDeliveries: ({userId, params, query}) => s.deliveries.page(userId, params.ruleId, query),
        replayDelivery: async ({userId, params}) => ({replayed: await s.deliveries.replay(userId, params.ruleId, params.deliveryId)}),
        recoverDeliveries: async ({userId, params, body}) => s.deliveries.recover(userId, params.ruleId, body),

        getMe: ({userId}) => s.admin.me(userId),
        getDirectOptIn: ({userId}) => s.admin.optIn(userId),
        setDirectOptIn: ({userId, body}) => s.admin.setOptIn(userId, body),
        getGuardrails: ({userId}) => s.admin.guardrails(userId),
        setGuardrails: ({userId, body}) => s.admin.setGuardrails(userId, body),
        getDeliveryHealth: ({userId}) => s.admin.deliveryHealth(userId),
    };
    const isSystemAdmin = (userId: string) => s.rules.isSystemAdmin(userId);
    for (const name of Object.keys(handlers) as ApiRouteName[]) bind(router, apiRoutes, name, handlers[name] as Handler<typeof name>, isSystemAdmin);
    return router;
}
