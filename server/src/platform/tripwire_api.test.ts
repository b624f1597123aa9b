import {AppError, isAppError, MattermostApi} from '@tripwire/sdk/mattermost';
import {redactTokensIn} from '../lib/redact_path';
import {PluginApiError, type Logger} from '../ports';
import {clusterEvent, userInfo} from './shapes';
import {tripwireApi} from './tripwire_api';

const TOKEN = 'Zk3q9v_Xr2LmN8pQ4tW7yB1cD5eF6gH0iJ-kLmNoPqR';
type Connection = ConstructorParameters<typeof MattermostApi>[0];
type Host = (method: string, args: Record<string, unknown>) => unknown;

/** The SDK client over a host that answers each "Plugin.<Method>" call with its Z_<M>Returns (gob field form). */
function sdkApi(host: Host): MattermostApi {
    const fallbackLog = {debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined} satisfies Logger;
    const call = async (serviceMethod: string, _argType: unknown, args: Record<string, unknown>) => host(serviceMethod.replace('Plugin.', ''), args) ?? {};
    return new MattermostApi({connected: true, call} as unknown as Connection, {fallbackLog, redact: redactTokensIn});
}

describe('the SDK client seen through the ports', () => {
    it("reads the SDK's AppError as a PluginApiError, status and not-found included", async () => {
        const api = tripwireApi(sdkApi(() => ({A: null, B: {Id: 'app.channel.missing', Message: 'gone', StatusCode: 404}})));
        const err: unknown = await api.getChannel('c1').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect(err).toBeInstanceOf(PluginApiError);
        expect(err instanceof PluginApiError && err.isNotFound && err.id === 'app.channel.missing').toBe(true);
    });

    it('does not take other errors for AppErrors, and the SDK keeps the fields of a PluginApiError a hook throws', () => {
        expect(Object.assign(new Error('x'), {statusCode: 404, id: '', where: ''})).not.toBeInstanceOf(PluginApiError);
        expect(isAppError(new PluginApiError('no', 403, 'x.id'))).toBe(true);
        expect(isAppError(new Error('no'))).toBe(false);
    });

    it("logs through Mattermost with Tripwire's tokens redacted, message and fields", async () => {
        const calls: unknown[][] = [];
        const api = sdkApi((method, args) => void calls.push([method, args]));
        await api.log.write('error', `POST /plugins/tripwire/in/${TOKEN} failed`, {url: `https://chat.example.com/plugins/tripwire/r/${TOKEN}`, error: new Error(`Bearer ${TOKEN}`), n: 3});
        expect(calls).toEqual([
            ['LogError', {A: 'POST /plugins/tripwire/in/[redacted] failed', B: ['url', 'https://chat.example.com/plugins/tripwire/r/[redacted]', 'error', 'Bearer [redacted]', 'n', '3']}],
        ]);
    });

    it('gives every post an object of props: gob leaves an empty map out, encoding/json would say null', async () => {
        const post = {Id: 'p1', ChannelId: 'c1', Message: 'hi'};
        const api = tripwireApi(
            sdkApi((method) => {
                if (method === 'GetPostThread' || method === 'GetPostsSince') return {A: {Order: ['p1'], Posts: {p1: post}}};
                return {A: post};
            }),
        );
        expect(await api.getPost('p1')).toMatchObject({id: 'p1', props: {}});
        expect(await api.createPost({channel_id: 'c1', message: 'hi'})).toMatchObject({props: {}});
        expect(await api.sendEphemeralPost('u1', {channel_id: 'c1', message: 'hi'})).toMatchObject({props: {}});
        expect((await api.getPostThread('p1')).posts['p1']).toMatchObject({message: 'hi', props: {}});
        expect((await api.getPostsSince('c1', 0)).posts['p1']).toMatchObject({props: {}});
        const withProps = tripwireApi(sdkApi(() => ({A: {...post, Props: {from_bot: 'true'}}})));
        expect(await withProps.getPost('p1')).toMatchObject({props: {from_bot: 'true'}});
    });

    it("registers the command with its autocomplete tree in Go's field names, argument data typed", async () => {
        const sent: Array<Record<string, unknown>> = [];
        const api = tripwireApi(sdkApi((_m, args) => void sent.push(args)));
        await api.registerCommand({
            trigger: 'tripwire',
            auto_complete: true,
            autocomplete_data: {
                trigger: 'tripwire',
                hint: '[list]',
                help_text: 'rules',
                role_id: '',
                arguments: [],
                sub_commands: [
                    {
                        trigger: 'enable',
                        hint: '<rule>',
                        help_text: 'on',
                        role_id: '',
                        arguments: [{name: '', help_text: 'a rule', type: 'DynamicList', required: true, data: {fetch_url: '/plugins/tripwire/x'}}],
                        sub_commands: [],
                    },
                    {
                        trigger: 'test',
                        hint: '',
                        help_text: 'try',
                        role_id: '',
                        arguments: [{name: '', help_text: 'message', type: 'TextInput', required: true, data: {hint: 'message', pattern: '.+'}}],
                        sub_commands: [],
                    },
                ],
            },
        });
        const command = sent[0]?.['A'] as {Trigger: string; AutoComplete: boolean; AutocompleteData: {Trigger: string; HelpText: string; SubCommands: Array<{Trigger: string; Arguments: Array<{Type: string; Required: boolean; Data: unknown}>}>}};
        expect(command).toMatchObject({Trigger: 'tripwire', AutoComplete: true, AutocompleteData: {Trigger: 'tripwire', HelpText: 'rules'}});
        const [enable, test] = command.AutocompleteData.SubCommands;
        expect(enable).toMatchObject({Trigger: 'enable', Arguments: [{Type: 'DynamicList', Required: true, Data: {FetchURL: '/plugins/tripwire/x'}}]});
        expect(test?.Arguments[0]?.Data).toEqual({Hint: 'message', Pattern: '.+'});
    });

    it('reads cluster events and hook users as the domain takes them', () => {
        expect(clusterEvent({Id: 'rules_changed', Data: new Uint8Array([1])})).toEqual({id: 'rules_changed', data: new Uint8Array([1])});
        expect(clusterEvent({Id: 'x', Data: null})).toEqual({id: 'x', data: new Uint8Array()});
        expect(userInfo({id: 'u1', username: 'alice'} as Parameters<typeof userInfo>[0])).toMatchObject({id: 'u1', username: 'alice', is_bot: false});
    });
});
