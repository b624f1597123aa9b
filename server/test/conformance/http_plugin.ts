// The Tripwire plugin with its HTTP surface only (REST API, buttons and dialogs, inbound URLs), wired to the real
// rule store, permissions and dispatcher over Mattermost's API: what test/conformance/interactive drives through
// Mattermost's real plugin host. Bundled to server/dist/http-plugin.js. The wiring is the one server/src/main.ts
// needs for server/src/http, minus the engine.
import {parseSettings, type Settings} from '../../src/config/settings';
import {Dispatcher} from '../../src/dispatch/dispatcher';
import {createTripwireHttp} from '../../src/http/app';
import {redactTokensIn} from '../../src/lib/redact_path';
import {manifest, pluginVersion} from '../../src/manifest';
import {runPlugin} from '@tripwire/sdk/mattermost';
import {RulePermissions} from '../../src/permissions/rule_permissions';
import {tripwireApi} from '../../src/platform/tripwire_api';
import {systemClock, type ServerConfigInfo} from '../../src/ports';
import {createReplyHandler} from '../../src/responses/reply_handler';
import {createReplyPoster} from '../../src/responses/reply_poster';
import {DirectOptIns} from '../../src/rules/direct_opt_in';
import {RuleStore} from '../../src/rules/rule_store';
import {hostLog} from '@tripwire/sdk/runtime/goplugin';

process.on('unhandledRejection', (err) => hostLog.error('unhandled rejection', {error: err instanceof Error ? err.message : String(err)}));

void runPlugin(
    ({api: sdkApi}) => {
        const api = tripwireApi(sdkApi);
        let settings: Settings = parseSettings({});
        let config: ServerConfigInfo = {
            siteURL: '',
            allowedUntrustedInternalConnections: [],
            enableInsecureOutgoingConnections: false,
            enablePostUsernameOverride: false,
            enablePostIconOverride: false,
        };
        let botUserId = '';
        const publish = (id: string, data: Uint8Array) => api.publishPluginClusterEvent(id, data);
        const rules = new RuleStore({kv: api.kv, publish, clock: systemClock, settings: () => settings, log: api.log});
        // The reply handler posts through the http layer's securing wrapper (buttons point at the plugin); the
        // dispatcher calls it only after activation, when `http` below exists.
        const dispatcher = new Dispatcher({
            kv: api.kv,
            logger: api.log,
            clock: systemClock,
            serverConfig: () => config,
            settings: () => settings,
            onReply: (target, reply) =>
                createReplyHandler({api: http.services.securePosting(api), users: api, botUserId, clock: systemClock, serverConfig: () => config})(target, reply),
            replyPoster: createReplyPoster({
                api: {
                    createPost: (post) => http.services.securePosting(api).createPost(post),
                    sendEphemeralPost: (userId, post) => http.services.securePosting(api).sendEphemeralPost(userId, post),
                    getPostsSince: (channelId, since) => api.getPostsSince(channelId, since),
                },
                botUserId: () => botUserId,
                users: api,
                clock: systemClock,
                serverConfig: () => config,
            }),
        });
        const http = createTripwireHttp({
            api,
            rules,
            permissions: new RulePermissions(api, () => settings),
            dispatcher,
            optIns: new DirectOptIns(api.kv, publish),
            settings: () => settings,
            serverConfig: () => config,
            clock: systemClock,
            log: api.log,
            botUserId: () => botUserId,
            version: pluginVersion,
        });
        return {
            async onConfigurationChange() {
                settings = parseSettings(await api.loadPluginConfiguration());
            },
            async onActivate() {
                config = await api.getServerConfig();
                botUserId = await api.ensureBotUser({username: 'tripwire', display_name: 'Tripwire'});
                await dispatcher.start();
            },
            async onDeactivate() {
                await dispatcher.stop();
            },
            serveHTTP: http.app,
        };
    },
    {redact: redactTokensIn, settingKeys: manifest.settings_schema.settings.map((s) => s.key)},
);
