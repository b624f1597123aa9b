// Composition root: the only place that builds concrete classes and wires them together. Bundled to
// server/dist/plugin.js (make server-build); Mattermost starts it as the plugin's server executable.
//
// Start-up: Mattermost waits up to 3 s for go-plugin's handshake line, then at once dispenses the hooks and calls
// OnActivate. So the line comes first, from announce, which imports only what it needs; the rest of the plugin is
// imported after it with `await import(…)`: esbuild keeps those lazy in the bundle (a chunk of its own in
// server/dist, a function not yet run in the executable). That rest still runs before OnActivate's answer, so what
// it loads is kept small: server/test/release/startup_imports.test.ts pins what must wait for first use (https and
// tls, zlib, dns, prom-client's extras, zod's locales); schemas are parsed on first use, not at module load.
import {manifest, pluginVersion} from './manifest';
import type {PluginHooks} from '@tripwire/sdk/mattermost';
import type {MetricsSample} from './metrics/prometheus';
import {redactTokensIn} from './lib/redact_path';
import {HeapCompaction} from './platform/heap_compaction';
import {clusterEvent, postInfo, userInfo} from './platform/shapes';
import {tripwireApi, type TripwireApi} from './platform/tripwire_api';
import {channelStateOf, systemClock, type ServerConfigInfo} from './ports';
import {announce} from '@tripwire/sdk/runtime/goplugin/announce';
import {hostLog} from '@tripwire/sdk/runtime/goplugin/host_log';

/** The bot Tripwire posts replies as. */
const BOT = {username: 'tripwire', display_name: 'Tripwire', description: 'Posts the replies of services called by Tripwire rules.'};

// A rejected promise nobody awaited must not take the plugin (and every hook) down: log it instead.
process.on('unhandledRejection', (err) => hostLog.error('unhandled promise rejection', {error: err instanceof Error ? err.message : String(err)}));

const NO_SERVER_CONFIG: ServerConfigInfo = {
    siteURL: '',
    allowedUntrustedInternalConnections: [],
    enableInsecureOutgoingConnections: false,
    enablePostUsernameOverride: false,
    enablePostIconOverride: false,
};

/** What the plugin imports after the handshake line (see above), before OnActivate answers. */
function pluginModules() {
    return Promise.all([
        import('./config/settings'),
        import('./rules/rule_store'),
        import('./rules/direct_opt_in'),
        import('./permissions/rule_permissions'),
        import('./dispatch/dispatcher'),
        import('./dispatch/status_event'),
        import('./dispatch/notices'),
        import('./responses/reply_handler'),
        import('./responses/reply_poster'),
        import('./engine/guards'),
        import('./engine/post_engine'),
        import('./engine/rule_maintenance'),
        import('./http/services'),
        import('./commands/tripwire_command'),
        import('./rules/conversation_members'),
        import('./rules/rule_announcements'),
        import('@tripwire/sdk/mattermost'),
        import('./rules/group_resolver'),
        import('./engine/lookup_cache'),
        import('./metrics/prometheus'),
        import('./metrics/serve'),
        import('./rules/rule_bots'),
    ]);
}

async function createPlugin(api: TripwireApi): Promise<PluginHooks> {
    const [
        {parseSettings, parseSettingsReport},
        {RuleStore, RULES_CHANGED_EVENT},
        {DirectOptIns, OPT_IN_CHANGED_EVENT},
        {RulePermissions},
        {Dispatcher, localNodeKey},
        {deliveryStatusEvent},
        {pluginNotifier},
        {createReplyHandler},
        {createReplyPoster},
        {Guards},
        {PostEngine},
        {disableEndpoint},
        {createServices},
        {createCommandHandler, commandDefinition},
        {ConversationMembers},
        {ruleChangeAnnouncer},
        {lazyHandler},
        {ApiGroupSource, CachedGroupSource},
        {LookupCache},
        {PrometheusMetrics},
        {metricsHandler},
        {RuleBots},
    ] = await pluginModules();

    let settings = parseSettings({});
    let lastIgnored = '';
    let serverConfig = NO_SERVER_CONFIG;
    let botUserId = '';
    const clock = systemClock;
    const log = api.log;
    const publish = (id: string, data: Uint8Array) => api.publishPluginClusterEvent(id, data);

    const rules = new RuleStore({kv: api.kv, publish, clock, settings: () => settings, log, announce: ruleChangeAnnouncer(api)});
    const optIns = new DirectOptIns(api.kv, publish);
    // Read at scrape time from the dispatcher made below (the gauges); everything else arrives as events.
    const metrics = new PrometheusMetrics({
        clock,
        sample: (): MetricsSample => ({queue: dispatcher.load, breakers: dispatcher.breakerCounts()}),
        isQueued: (id): boolean => dispatcher.isQueued(id),
    });
    /** Runs a hook and records how long it took. */
    const timed = async <T>(hook: string, run: () => T | Promise<T>): Promise<T> => {
        const started = performance.now();
        try {
            return await run();
        } finally {
            metrics.hookTook(hook, (performance.now() - started) / 1000);
        }
    };
    const guards = new Guards({kv: api.kv, clock, settings: () => settings, ownBotIds: () => new Set(botUserId ? [botUserId] : [])});

    // Replies post through the http layer's wrapper so buttons in them point back at the plugin (signed envelopes).
    const dispatcher = new Dispatcher({
        kv: api.kv,
        // Stable across restarts of this node's plugin process: a restart takes its dead predecessor's leases at once.
        nodeKey: localNodeKey(process),
        logger: log,
        clock,
        serverConfig: () => serverConfig,
        settings: () => settings,
        onReply: (target, reply) =>
            createReplyHandler({api: services.securePosting(api), users: api, botUserId, clock, serverConfig: () => serverConfig})(target, reply),
        // An attempt's reply is stored with its delivery and posted part by part (dispatch/reply_posting.ts).
        replyPoster: createReplyPoster({
            api: {
                createPost: (post) => services.securePosting(api).createPost(post),
                sendEphemeralPost: (userId, post) => services.securePosting(api).sendEphemeralPost(userId, post),
                getPostsSince: (channelId, since) => api.getPostsSince(channelId, since),
            },
            botUserId: () => botUserId,
            users: api,
            clock,
            serverConfig: () => serverConfig,
        }),
        notifier: {
            endpointDisabled: (info) => pluginNotifier(api, botUserId).endpointDisabled(info),
            deliveryDropped: (info) => pluginNotifier(api, botUserId).deliveryDropped(info),
        },
        onEndpointDisabled: async (ruleId, endpointId) => {
            await disableEndpoint(rules, ruleId, endpointId, botUserId);
        },
        // Late replies (response_url) rest while their channel is archived.
        channelState: (channelId) => channelStateOf(api, channelId),
        // Live delivery cards in the webapp follow these, in the trigger's channel; details stay in the delivery log.
        metrics,
        onAttempt: (entry, context) => {
            metrics.deliveryLogged(entry);
            void (async () => {
                if (!(await rules.get(entry.rule_id))) return;
                await api.publishWebSocketEvent('delivery_status', deliveryStatusEvent(entry, context), {channel_id: context.channel_id});
            })().catch((err: unknown) => log.debug('delivery status event not sent', {error: String(err)}));
        },
    }, DISPATCHER_OPTIONS);

    const services = createServices({
        api,
        rules,
        permissions: new RulePermissions(api, () => settings),
        dispatcher,
        optIns,
        settings: () => settings,
        serverConfig: () => serverConfig,
        clock,
        log,
        botUserId: () => botUserId,
        // Bots of rules that post as their own (guardrail allow_rule_bots), owned by this plugin.
        bots: new RuleBots({api, pluginId: manifest.id, sharedBotUserId: () => botUserId, log}),
        version: pluginVersion,
        health: metrics,
        // Keys are stored lower-cased, as Mattermost's System Console does; unknown keys are kept.
        saveSettings: async (patch) => {
            const current = await api.loadPluginConfiguration();
            const next: Record<string, unknown> = {};
            for (const [key, value] of Object.entries({...current, ...patch})) next[key.toLowerCase()] = value;
            await api.savePluginConfig(next);
        },
    });

    const engine = new PostEngine({
        api,
        rules,
        guards,
        submit: async (request) => {
            const submitted = await dispatcher.submit(request);
            for (const s of submitted) if (s.status === 'queued') metrics.deliveryQueued(request.rule.id, s.delivery_id, s.delay_ms);
            return submitted;
        },
        settings: () => settings,
        optIns,
        members: new ConversationMembers(api, clock),
        groups: new CachedGroupSource(new ApiGroupSource(api), clock),
        lookups: new LookupCache(api, clock),
        metrics,
        bot: () => (botUserId ? {userId: botUserId, username: BOT.username} : undefined),
        log,
    });
    const command = createCommandHandler({...services, log});
    const heapCompaction = new HeapCompaction({gc: (globalThis as {gc?: () => void}).gc, heap: () => process.memoryUsage(), now: () => Date.now()});

    return {
        // Mattermost calls this before OnActivate too (as the Go SDK does), so settings are loaded on activation.
        async onConfigurationChange() {
            const parsed = parseSettingsReport(await api.loadPluginConfiguration());
            settings = parsed.settings;
            // Every configuration change anywhere calls this: say each set of unusable values once.
            const ignored = parsed.ignored.join('; ');
            if (ignored !== lastIgnored && ignored) log.warn('Tripwire: plugin settings values not used (the next source or the default applies)', {ignored});
            lastIgnored = ignored;
            if (botUserId) serverConfig = await api.getServerConfig();
        },

        async onActivate() {
            // Three independent round trips to the host, at once; the dispatcher starts once the bot and the server's
            // settings are known (a delivery it resumes may post a reply at once).
            [serverConfig, botUserId] = await Promise.all([api.getServerConfig(), api.ensureBotUser(BOT), api.registerCommand(commandDefinition)]);
            await dispatcher.start();
            heapCompaction.start();
            log.info('Tripwire activated', {version: pluginVersion, bot_user_id: botUserId});
        },

        async onDeactivate() {
            // In-flight attempts finish or go back to the outbox for the next start (or another node).
            heapCompaction.stop();
            await dispatcher.stop();
            log.info('Tripwire deactivated');
        },

        async messageHasBeenPosted(_context, post) {
            await timed('MessageHasBeenPosted', () => engine.onPosted(postInfo(post)));
        },

        async messageHasBeenUpdated(_context, newPost, oldPost) {
            await timed('MessageHasBeenUpdated', () => engine.onEdited(postInfo(newPost), postInfo(oldPost)));
        },

        async reactionHasBeenAdded(_context, reaction) {
            await engine.onReaction('reaction_added', reaction);
        },

        async reactionHasBeenRemoved(_context, reaction) {
            await engine.onReaction('reaction_removed', reaction);
        },

        async userHasJoinedChannel(_context, member, actor) {
            await engine.onMembership('user_joined', member, actor && userInfo(actor));
        },

        async userHasLeftChannel(_context, member, actor) {
            await engine.onMembership('user_left', member, actor && userInfo(actor));
        },

        executeCommand(_context, args) {
            return timed('ExecuteCommand', () => command({
                userId: args.user_id,
                channelId: args.channel_id,
                teamId: args.team_id,
                rootId: args.root_id,
                command: args.command,
                triggerId: args.trigger_id ?? '',
            }));
        },

        onPluginClusterEvent(_context, sent) {
            const event = clusterEvent(sent);
            if (event.id === RULES_CHANGED_EVENT) {
                rules.handleClusterEvent(event.data);
                // An update that moved an endpoint dropped its secrets before it saved the rule: this node must not
                // send the new URL secrets it still has cached.
                dispatcher.secrets.invalidate();
            }
            else if (event.id === OPT_IN_CHANGED_EVENT) optIns.handleClusterEvent(event.data);
        },

        // express and the REST routes load on the first request, not during activation.
        serveHTTP: lazyHandler(async () => (await import('./http/app')).createApp(services)),

        // Mattermost's metrics listener (MetricsSettings.Enable): /plugins/tripwire/metrics.
        serveMetrics: metricsHandler(metrics, log),
    };
}

const ABOUT = [
    `${manifest.name} ${pluginVersion}: the server of the ${manifest.name} plugin for Mattermost. ${manifest.description}`,
    'Mattermost starts this executable itself; it is not meant to be run by hand. To install it:',
    `  1. enable plugin uploads (PluginSettings.EnableUploads = true),`,
    `  2. upload ${manifest.id}-${pluginVersion}.tar.gz in System Console > Plugins > Plugin Management (or run: make deploy),`,
    '  3. press Enable; channel admins then add rules from the channel header.',
].join('\n');

/** Pending-index removals gather for a second: under load they ride along with the shards' next adds, at no cost. */
const DISPATCHER_OPTIONS = {indexBatchMs: 1000};

async function main(): Promise<void> {
    const announced = await announce({aboutText: ABOUT});
    const {runPlugin} = await import('@tripwire/sdk/mattermost');
    await runPlugin(({api}) => createPlugin(tripwireApi(api)), {announced, redact: redactTokensIn, settingKeys: manifest.settings_schema.settings.map((s) => s.key)});
}

if (process.env.TRIPWIRE_PREPARE_CODE_CACHE === '1') {
    // make dist (scripts/lib/sea_code_cache.cjs): load the modules activation loads and stop there, so that the code
    // cache it then takes holds their compiled code too; nothing is announced, served or started.
    void pluginModules();
} else {
    // Exiting closes the socket, so the host fails at once instead of waiting on a connection nobody serves.
    main().catch((err: unknown) => {
        hostLog.error('plugin failed to start', {error: err instanceof Error ? err.message : String(err)});
        process.exit(1);
    });
}
