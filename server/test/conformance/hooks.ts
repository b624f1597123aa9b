// The conformance plugin's behaviour (the contract the Go host in test/conformance checks); plugin.ts starts it. Its
// HTTP surface (http_app.ts, express) loads on the first ServeHTTP, as it would in a plugin that keeps activation lean.
import {PluginApiError} from '../../src/ports';
import {lazyHandler, type MattermostApi, type PluginHooks} from '@tripwire/sdk/mattermost';

export const PLUGIN_ID = 'tripwire-conformance';

export function conformanceHooks(api: MattermostApi): PluginHooks {
    let botId = '';

    return {
        async onActivate() {
            const config = await api.loadPluginConfiguration();
            if (isTrue(config.failactivation)) throw new Error('activation refused by configuration');
            await api.getConfig();
            botId = await api.ensureBotUser({username: 'conformance-bot', display_name: 'Conformance Bot'});
            await api.registerCommand({
                trigger: 'conformance',
                auto_complete: true,
                auto_complete_desc: 'Conformance checks',
                // model.AutocompleteData has no json tags: Go's names (the SDK gives Data the Go type Type names).
                autocomplete_data: {
                    Trigger: 'conformance',
                    Hint: '[text]',
                    HelpText: 'Echo the text back',
                    Arguments: [{Name: 'text', HelpText: 'Any text', Type: 'TextInput', Required: false, Data: {Hint: 'text', Pattern: '.*'}}],
                },
            });
            await api.log.write('info', 'conformance plugin activated', {bot_id: botId});
        },

        async onDeactivate() {
            await api.log.write('info', 'conformance plugin deactivated');
        },

        async onConfigurationChange() {
            await api.loadPluginConfiguration();
            await api.log.write('info', 'configuration changed');
        },

        async messageHasBeenPosted(_ctx, post) {
            const message = post.message;
            if (message.startsWith('echo ')) {
                await api.createPost({
                    channel_id: post.channel_id,
                    root_id: post.root_id || post.id,
                    user_id: botId,
                    message: `echo: ${message.slice(5)}`,
                    props: {
                        from_conformance: true,
                        hops: 1,
                        attachments: [
                            {
                                text: 'att',
                                actions: [
                                    {id: 'ok', name: 'OK', type: 'button', integration: {url: `/plugins/${PLUGIN_ID}/action`, context: {n: 1}}},
                                ],
                            },
                        ],
                    },
                });
            } else if (message.startsWith('ephemeral ')) {
                await api.sendEphemeralPost(post.user_id, {channel_id: post.channel_id, message: `ephemeral: ${message.slice(10)}`});
            }
        },

        async messageHasBeenUpdated(_ctx, newPost, oldPost) {
            await api.createPost({
                channel_id: newPost.channel_id,
                root_id: newPost.id,
                user_id: botId, // a post needs an author; the contract leaves it open
                message: `edited: ${newPost.message} (was: ${oldPost.message})`,
            });
        },

        executeCommand(_ctx, args) {
            const rest = args.command.replace(/^\s*\S+\s?/, '');
            if (rest.trim() === 'error') throw new PluginApiError('asked to fail', 400, 'conformance.error');
            return {response_type: 'ephemeral', text: `ran: ${rest}`};
        },

        async onPluginClusterEvent(_ctx, event) {
            await api.kv.set(`cluster:${event.Id}`, event.Data ?? new Uint8Array(0));
        },

        serveHTTP: lazyHandler(async () => (await import('./http_app')).conformanceApp(api)),
    };
}

function isTrue(v: unknown): boolean {
    return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}
