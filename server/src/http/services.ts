import {SsrfGuard, type Resolver} from '../dispatch/ssrf/guard';

import {EnvelopeSealer} from './interactive/envelope';
import {InboundHandler} from './interactive/inbound';
import {InboundUrls} from './interactive/inbound_urls';
import {Interactive} from './interactive/interactive';
import {securePostingApi, type PostingApi} from './interactive/secure_post';
import {ServiceClient} from './interactive/service_client';
import {AdminService, type SaveSettings} from './service/admin_service';
import {BenchService} from './service/bench_service';
import {type ServiceContext} from './service/context';
import {DeliveryService} from './service/delivery_service';
import {RuleService} from './service/rule_service';
import {TransferService} from './service/transfer_service';

/** What the http layer is built from; the composition root provides it once. */
export interface HttpDeps extends Omit<ServiceContext, 'inbound' | 'checkDestination'> {
    /** The plugin's version, for the health route. */
    version: string;
    /** Saves plugin settings; without it the guardrails are read-only here. */
    saveSettings?: SaveSettings;
    /** Test seams for the SSRF guard of synchronous service calls. */
    resolve?: Resolver;
    ownAddresses?: () => readonly string[];
}

/** The use cases behind the REST API, the slash command and the interactive routes. */
export interface Services {
    rules: RuleService;
    bench: BenchService;
    deliveries: DeliveryService;
    transfer: TransferService;
    admin: AdminService;
    interactive: Interactive;
    inbound: InboundHandler;
    /** Wraps the posting API so every Tripwire post's buttons point at the plugin (hand it to the reply handler). */
    securePosting(api: PostingApi): PostingApi;
    deps: HttpDeps;
}

export function createServices(deps: HttpDeps): Services {
    const inboundUrls = new InboundUrls(deps.api.kv, () => deps.serverConfig().siteURL);
    const signer = new EnvelopeSealer(deps.api.kv);
    const guard = new SsrfGuard({
        allowlist: () => [...deps.serverConfig().allowedUntrustedInternalConnections, ...deps.settings().AllowedHosts],
        ...(deps.resolve && {resolve: deps.resolve}),
        ...(deps.ownAddresses && {ownAddresses: deps.ownAddresses}),
    });
    const ctx: ServiceContext = {...deps, inbound: inboundUrls, checkDestination: (url) => guard.check(url)};
    const client = new ServiceClient({
        guard,
        secrets: deps.dispatcher.secrets,
        log: deps.dispatcher.log,
        clock: deps.clock,
        insecureTls: () => deps.serverConfig().enableInsecureOutgoingConnections,
        allowForeignUrls: () => deps.settings().AllowForeignActionUrls,
        maxTimeoutMs: () => deps.settings().MaxEndpointTimeoutMs,
    });
    const rules = new RuleService(ctx);
    const securePosting = (api: PostingApi) => securePostingApi(api, signer);
    return {
        rules,
        bench: new BenchService(ctx, rules, client),
        deliveries: new DeliveryService(ctx, rules),
        transfer: new TransferService(ctx, rules),
        admin: new AdminService(ctx, rules, deps.saveSettings),
        interactive: new Interactive({api: deps.api, rules: deps.rules, signer, client, clock: deps.clock, log: deps.log, botUserId: deps.botUserId}),
        inbound: new InboundHandler({
            api: {
                // Not a spread: the plugin API is a class instance, its methods live on the prototype.
                getChannel: (id) => deps.api.getChannel(id),
                hasPermissionToChannel: (user, channel, permission) => deps.api.hasPermissionToChannel(user, channel, permission),
                ...securePosting(deps.api),
            },
            rules: deps.rules,
            urls: inboundUrls,
            serverConfig: deps.serverConfig,
            clock: deps.clock,
            botUserId: deps.botUserId,
            ruleBots: () => deps.settings().AllowRuleBots,
            log: deps.log,
        }),
        securePosting,
        deps,
    };
}
