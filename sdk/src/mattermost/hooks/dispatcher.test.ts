import {GoValue, goTypeOf, t} from '../../runtime/gob';
import {apiMethods} from '../../generated/api';
import {hookMethods} from '../../generated/hooks';
import {EmptyStruct, RpcClient, RpcServer} from '../../runtime/netrpc';
import {sdkGoType} from '../../wire';
import {AppError} from '../app_error';
import {type Logger} from '../api/types';
import {ApiConnection} from '../api/connection';
import {MattermostApi} from '../api/client';
import {ServeHttpBridge} from '../serve_http/serve_http';
import {socketPair} from '../serve_http/socket_pair';
import {FakeBroker} from '../testing/fake_broker';
import {FakeResponseWriter} from '../testing/fake_response_writer';
import {registerPluginTypes} from '../register_types';
import {createHooksServer} from './dispatcher';
import {type PluginHooks} from './hooks';

registerPluginTypes();

type HookName = keyof typeof hookMethods;

interface Harness {
    host: RpcClient;
    broker: FakeBroker;
    apiCalls: Array<[string, Record<string, unknown>]>;
    errors: unknown[];
    hostErrors: string[];
    call(name: HookName, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** The Go host's side: calls hooks over net/rpc, serves a few API methods on the API broker id. */
function harness(build: (api: MattermostApi) => PluginHooks | Promise<PluginHooks>): Harness {
    const broker = new FakeBroker();
    const connection = new ApiConnection();
    const errors: unknown[] = [];
    const log: Logger = {debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m, f) => errors.push([m, f])};
    const api = new MattermostApi(connection, {fallbackLog: log});
    const hostErrors: string[] = [];
    const server = createHooksServer(broker, {
        hooks: build(api),
        api: connection,
        connectApi: (s) => new RpcClient(s),
        log,
        hostLog: {error: (m: string) => hostErrors.push(m)},
        http: (handler) => new ServeHttpBridge(handler, log),
    });
    const [pluginEnd, hostEnd] = socketPair();
    server.serveConn(pluginEnd);
    const apiCalls: Array<[string, Record<string, unknown>]> = [];
    const apiServer = new RpcServer();
    for (const name of ['CreatePost', 'LogInfo', 'LogError', 'KVSet'] as const) {
        const def = apiMethods[name];
        apiServer.register(`Plugin.${name}`, sdkGoType(def.args), sdkGoType(def.returns), (args: Record<string, unknown>) => {
            apiCalls.push([name, args]);
            return name === 'CreatePost' ? {A: {...(args.A as object), Id: 'new-post'}} : {};
        });
    }
    broker.onDial(1, (s) => apiServer.serveConn(s));
    broker.onDial(2, (s) => s.resume());
    const host = new RpcClient(hostEnd);
    return {
        host,
        broker,
        apiCalls,
        errors,
        hostErrors,
        call: (name, args) => host.call(`Plugin.${name}`, sdkGoType(hookMethods[name].args), args, sdkGoType(hookMethods[name].returns)),
    };
}

const activate = (h: Harness) => h.call('OnActivate', {APIMuxId: 1, DriverMuxId: 2});

describe('hooks dispatcher', () => {
    it('lists exactly the hooks provided', async () => {
        const h = harness(() => ({messageHasBeenPosted: () => undefined, serveHTTP: () => undefined, onDeactivate: () => undefined}));
        const implemented = await h.host.call('Plugin.Implemented', EmptyStruct, {}, t.slice(t.string));
        expect(implemented).toEqual(['OnDeactivate', 'MessageHasBeenPosted', 'ServeHTTP']);
        await expect(h.call('MessageHasBeenUpdated', {})).rejects.toThrow("rpc: can't find method Plugin.MessageHasBeenUpdated");
    });

    it('serves ServeMetrics through the ServeHTTP bridge, each hook to its own handler', async () => {
        const h = harness(() => ({
            serveHTTP: (_req, res) => res.end('rest'),
            serveMetrics: (req, res) => {
                res.setHeader('Content-Type', 'text/plain; version=0.0.4');
                res.end(`tripwire_up 1 ${req.url}\n`);
            },
        }));
        const implemented = await h.host.call('Plugin.Implemented', EmptyStruct, {}, t.slice(t.string));
        expect(implemented).toEqual(['ServeHTTP', 'ServeMetrics']);
        const served = async (hook: 'ServeHTTP' | 'ServeMetrics') => {
            const writer = new FakeResponseWriter({});
            const id = h.broker.nextId();
            h.broker.onDial(id, (s) => writer.serve(s));
            const reply = await h.call(hook, {ResponseWriterStream: id, RequestBodyStream: 0, Request: {Method: 'GET', URL: '/metrics', Header: {}}, Context: {}});
            expect(reply).toEqual({});
            return writer;
        };
        const metrics = await served('ServeMetrics');
        expect(metrics.status).toBe(200);
        expect(metrics.header['Content-Type']).toEqual(['text/plain; version=0.0.4']);
        expect(metrics.body.toString()).toBe('tripwire_up 1 /metrics\n');
        expect((await served('ServeHTTP')).body.toString()).toBe('rest');
    });

    it('delivers reactions and memberships in JSON shapes, a nil actor as null', async () => {
        const seen: unknown[] = [];
        const h = harness(() => ({
            reactionHasBeenAdded: (_c, r) => void seen.push(['added', r]),
            reactionHasBeenRemoved: (_c, r) => void seen.push(['removed', r]),
            userHasJoinedChannel: (_c, m, actor) => void seen.push(['joined', m.user_id, actor?.username ?? null]),
            userHasLeftChannel: (_c, m, actor) => void seen.push(['left', m.user_id, actor?.username ?? null]),
        }));
        const implemented = await h.host.call('Plugin.Implemented', EmptyStruct, {}, t.slice(t.string));
        expect(implemented).toEqual(['ReactionHasBeenAdded', 'ReactionHasBeenRemoved', 'UserHasJoinedChannel', 'UserHasLeftChannel']);
        await activate(h);
        const reaction = {UserId: 'u1', PostId: 'p1', EmojiName: 'ticket', CreateAt: 5, ChannelId: 'c1'};
        await h.call('ReactionHasBeenAdded', {A: {RequestId: 'r'}, B: reaction});
        await h.call('ReactionHasBeenRemoved', {A: {RequestId: 'r'}, B: {...reaction, DeleteAt: 9}});
        await h.call('UserHasJoinedChannel', {A: {RequestId: 'r'}, B: {ChannelId: 'c1', UserId: 'u2'}, C: {Id: 'u1', Username: 'alice'}});
        await h.call('UserHasLeftChannel', {A: {RequestId: 'r'}, B: {ChannelId: 'c1', UserId: 'u2'}});
        expect(seen).toEqual([
            ['added', expect.objectContaining({user_id: 'u1', post_id: 'p1', emoji_name: 'ticket', create_at: 5, channel_id: 'c1'})],
            ['removed', expect.objectContaining({emoji_name: 'ticket', delete_at: 9})],
            ['joined', 'u2', 'alice'],
            ['left', 'u2', null],
        ]);
    });

    it("hands plugin.Context and PluginClusterEvent in encoding/json's keys (Go names: neither has json tags), a nil context as Go's zero value", async () => {
        const seen: unknown[] = [];
        const h = harness(() => ({onPluginClusterEvent: (ctx, event) => void seen.push([ctx, event])}));
        await activate(h);
        await h.call('OnPluginClusterEvent', {A: {SessionId: 's1', RequestId: 'r1', IPAddress: '10.0.0.1'}, B: {Id: 'rules_changed', Data: new Uint8Array([1, 2])}});
        await h.call('OnPluginClusterEvent', {B: {Id: 'empty'}});
        const zeroContext = {SessionId: '', ConnectionId: '', RequestId: '', IPAddress: '', AcceptLanguage: '', UserAgent: ''};
        expect(seen).toEqual([
            [{...zeroContext, SessionId: 's1', RequestId: 'r1', IPAddress: '10.0.0.1'}, {Id: 'rules_changed', Data: new Uint8Array([1, 2])}],
            [zeroContext, {Id: 'empty', Data: null}],
        ]);
    });

    it('waits for hooks that are still loading, and fails Implemented when they cannot load', async () => {
        const slow = harness(() => new Promise((resolve) => setTimeout(() => resolve({executeCommand: () => ({text: 'ok'})}), 30)));
        const implemented = await slow.host.call('Plugin.Implemented', EmptyStruct, {}, t.slice(t.string));
        expect(implemented).toEqual(['ExecuteCommand']);
        expect((await slow.call('ExecuteCommand', {B: {Command: '/x'}})).A).toMatchObject({Text: 'ok'});
        const broken = harness(() => Promise.reject(new Error('cannot load express')));
        await expect(broken.host.call('Plugin.Implemented', EmptyStruct, {}, t.slice(t.string))).rejects.toThrow('cannot load express');
    });

    it('connects the API on OnActivate, runs OnConfigurationChange first, then OnActivate', async () => {
        const order: string[] = [];
        const h = harness((api) => ({
            onConfigurationChange: () => void order.push('config'),
            onActivate: async () => {
                order.push('activate');
                await api.log.write('info', 'up', {n: 1});
            },
        }));
        expect(await activate(h)).toEqual({A: null});
        expect(order).toEqual(['config', 'activate']);
        expect(h.apiCalls).toEqual([['LogInfo', {A: 'up', B: ['n', '1']}]]);
    });

    it('returns activation errors as *plugin.ErrorString or *model.AppError', async () => {
        const plain = await activate(harness(() => ({onActivate: () => Promise.reject(new Error('activation refused by configuration'))})));
        expect(goTypeOf(plain.A)).toBe('*plugin.ErrorString');
        expect(plain.A).toMatchObject({Err: 'activation refused by configuration'});
        const app = await activate(harness(() => ({onActivate: () => Promise.reject(new AppError('no', 403, 'x.id'))})));
        expect(goTypeOf(app.A)).toBe('*model.AppError');
        expect(app.A).toMatchObject({Id: 'x.id', Message: 'no', StatusCode: 403});
    });

    it('only prints a failing OnConfigurationChange during activation, like the Go SDK', async () => {
        const h = harness(() => ({onConfigurationChange: () => Promise.reject(new Error('bad'))}));
        expect(await activate(h)).toEqual({A: null});
        expect(h.hostErrors).toEqual(['call to OnConfigurationChange failed, error: bad']);
        const again = await h.call('OnConfigurationChange', {});
        expect(goTypeOf(again.A)).toBe('*plugin.ErrorString');
    });

    it('hands posts to MessageHasBeenPosted in JSON shape and lets it call the API before replying', async () => {
        const h = harness((api) => ({
            messageHasBeenPosted: async (ctx, post) => {
                await api.createPost({channel_id: post.channel_id, root_id: post.id, message: `echo: ${post.message} ${ctx.RequestId}`, props: {hops: 1}});
            },
        }));
        await activate(h);
        const reply = await h.call('MessageHasBeenPosted', {A: {RequestId: 'r9'}, B: {Id: 'p1', ChannelId: 'c1', Message: 'hi', Props: {k: 'v'}}});
        expect(reply).toEqual({});
        expect(h.apiCalls).toEqual([['CreatePost', {A: expect.objectContaining({ChannelId: 'c1', RootId: 'p1', Message: 'echo: hi r9', Props: {hops: 1}})}]]);
    });

    it('survives hooks that throw and reports them', async () => {
        const h = harness(() => ({
            messageHasBeenPosted: () => {
                throw new Error('kaput');
            },
            onPluginClusterEvent: () => Promise.reject(new Error('later')),
        }));
        await activate(h);
        expect(await h.call('MessageHasBeenPosted', {B: {Id: 'p'}})).toEqual({});
        expect(await h.call('OnPluginClusterEvent', {B: {Id: 'e', Data: new Uint8Array([1])}})).toEqual({});
        expect(h.errors).toEqual([
            ['MessageHasBeenPosted hook failed', {error: 'kaput'}],
            ['OnPluginClusterEvent hook failed', {error: 'later'}],
        ]);
    });

    it('answers ExecuteCommand with a response or a plain *model.AppError', async () => {
        const h = harness(() => ({
            executeCommand: (_ctx, args) => {
                if (args.command.endsWith('error')) throw new AppError('asked to fail', 400, 'conformance.error');
                if (args.command.endsWith('crash')) throw new Error('boom');
                return {response_type: 'ephemeral', text: `ran: ${args.command}`, props: {n: new GoValue('int64', 3)}};
            },
        }));
        await activate(h);
        const ok = await h.call('ExecuteCommand', {A: {}, B: {Command: '/c hi', UserId: 'u'}});
        expect(ok.A).toMatchObject({ResponseType: 'ephemeral', Text: 'ran: /c hi'});
        expect(ok.B).toBeNull();
        const failed = await h.call('ExecuteCommand', {B: {Command: '/c error'}});
        expect(failed.A).toBeNull();
        expect(failed.B).toMatchObject({Id: 'conformance.error', Message: 'asked to fail', StatusCode: 400});
        const crashed = await h.call('ExecuteCommand', {B: {Command: '/c crash'}});
        expect(crashed.B).toMatchObject({Message: 'boom', StatusCode: 500});
    });
});
