import {GoValue, withGoType} from '../../runtime/gob';
import {AppError} from '../app_error';
import {type Logger} from './types';
import {type ApiMethodName} from '../wire';
import {MattermostApi} from './client';
import {ApiConnection, NotActivatedError, type ApiTransport, type Returns} from './connection';

type Reply = Returns | ((args: Record<string, unknown>) => Returns);

/** Records calls and answers from a table: what the host's API server would reply, in gob field form. */
class FakeTransport implements ApiTransport {
    readonly calls: Array<[ApiMethodName, Record<string, unknown>]> = [];
    constructor(private readonly replies: Partial<Record<ApiMethodName, Reply>>) {}
    async call(method: ApiMethodName, args: Record<string, unknown>): Promise<Returns> {
        this.calls.push([method, args]);
        const r = this.replies[method];
        if (r === undefined) throw new Error(`rpc: can't find method Plugin.${method}`);
        return typeof r === 'function' ? r(args) : r;
    }
    close(): void {}
}

const fallbackLines: unknown[] = [];
const fallbackLog: Logger = {
    debug: (...a) => fallbackLines.push(['debug', ...a]),
    info: (...a) => fallbackLines.push(['info', ...a]),
    warn: (...a) => fallbackLines.push(['warn', ...a]),
    error: (...a) => fallbackLines.push(['error', ...a]),
};

function apiWith(replies: Partial<Record<ApiMethodName, Reply>>, settingKeys: string[] = []) {
    const conn = new ApiConnection();
    const transport = new FakeTransport(replies);
    conn.bind(transport);
    return {api: new MattermostApi(conn, {settingKeys, fallbackLog}), transport};
}

const appError = (status: number, id = 'app.err') => ({Id: id, Message: 'failed', StatusCode: status, Where: 'X.y'});

describe('MattermostApi', () => {
    it('converts posts both ways and sends only the fields given', async () => {
        const {api, transport} = apiWith({CreatePost: (a) => ({A: {...(a.A as object), Id: 'p2', CreateAt: 5}, B: null})});
        const post = await api.createPost({channel_id: 'c', message: 'm', props: {attachments: [{text: 't'}]}});
        expect(transport.calls[0]).toEqual(['CreatePost', {A: {ChannelId: 'c', Message: 'm', Props: {attachments: [{text: 't'}]}}}]);
        expect(post).toMatchObject({id: 'p2', channel_id: 'c', create_at: 5, message: 'm', root_id: ''});
    });

    it('throws AppErrors as AppError and reads a missing channel member as null', async () => {
        const {api} = apiWith({
            GetChannel: {A: null, B: appError(403, 'api.context.permissions')},
            GetChannelMember: {A: null, B: appError(404)},
            GetUser: {A: null, B: null},
        });
        await expect(api.getChannel('c')).rejects.toMatchObject({statusCode: 403, id: 'api.context.permissions', where: 'X.y', message: 'failed'});
        expect(await api.getChannelMember('c', 'u')).toBeNull();
        await expect(api.getUser('u')).rejects.toBeInstanceOf(AppError);
    });

    it('lists a page of channel members', async () => {
        const {api, transport} = apiWith({GetChannelMembers: {A: [{ChannelId: 'c', UserId: 'u1', Roles: 'channel_user'}, {ChannelId: 'c', UserId: 'u2', SchemeAdmin: true}], B: null}});
        const members = await api.getChannelMembers('c', 0, 100);
        expect(transport.calls[0]).toEqual(['GetChannelMembers', {A: 'c', B: 0, C: 100}]);
        expect(members.map((m) => m.user_id)).toEqual(['u1', 'u2']);
        expect(members[1]).toMatchObject({channel_id: 'c', scheme_admin: true});
        const failing = apiWith({GetChannelMembers: {A: null, B: appError(403)}}).api;
        await expect(failing.getChannelMembers('c', 0, 100)).rejects.toMatchObject({statusCode: 403});
    });

    it('reads a thread, a file info and a user\'s groups', async () => {
        const {api, transport} = apiWith({
            GetPostThread: {
                A: {Order: ['r2', 'root'], Posts: {root: {Id: 'root', Message: 'release', CreateAt: 1, ReplyCount: 1}, r2: {Id: 'r2', RootId: 'root', UserId: 'u2'}}},
                B: null,
            },
            GetFileInfo: {A: {Id: 'f1', Name: 'a.png', Extension: 'png', Size: 2048, MimeType: 'image/png', PostId: 'p'}, B: null},
            GetGroupsForUser: {A: [{Id: 'g1', DisplayName: 'Ops', Source: 'ldap'}, {Id: 'g2', DeleteAt: 5}], B: null},
        });
        const thread = await api.getPostThread('r2');
        expect(thread.order).toEqual(['r2', 'root']);
        expect(thread.posts['root']).toMatchObject({id: 'root', message: 'release', create_at: 1, root_id: ''});
        expect(thread.posts['r2']).toMatchObject({root_id: 'root', user_id: 'u2'});
        expect(await api.getFileInfo('f1')).toMatchObject({id: 'f1', name: 'a.png', extension: 'png', size: 2048, mime_type: 'image/png', post_id: 'p'});
        const groups = await api.getGroupsForUser('u1');
        expect(groups).toEqual([expect.objectContaining({id: 'g1', display_name: 'Ops', source: 'ldap', delete_at: 0}), expect.objectContaining({id: 'g2', delete_at: 5})]);
        expect(transport.calls.map(([m, a]) => [m, a])).toEqual([['GetPostThread', {A: 'r2'}], ['GetFileInfo', {A: 'f1'}], ['GetGroupsForUser', {A: 'u1'}]]);

        const failing = apiWith({GetPostThread: {A: null, B: appError(404)}, GetFileInfo: {A: null, B: null}, GetGroupsForUser: {A: null, B: appError(501)}}).api;
        await expect(failing.getPostThread('x')).rejects.toMatchObject({statusCode: 404});
        await expect(failing.getFileInfo('x')).rejects.toMatchObject({statusCode: 404});
        await expect(failing.getGroupsForUser('x')).rejects.toMatchObject({statusCode: 501});
    });

    it('maps error interfaces: AppError keeps its status, other Go errors are 500s', async () => {
        const {api} = apiWith({
            EnsureBotUser: {A: '', B: withGoType('*model.AppError', appError(400))},
            RegisterCommand: {A: new GoValue('*plugin.ErrorString', {Err: 'bad trigger'})},
        });
        await expect(api.ensureBotUser({username: 'b'})).rejects.toMatchObject({statusCode: 400});
        await expect(api.registerCommand({trigger: ''})).rejects.toMatchObject({statusCode: 500, message: 'bad trigger'});
    });

    it('follows gob semantics for KV: empty values are nil', async () => {
        const {api, transport} = apiWith({KVGet: {A: new Uint8Array(0), B: null}, KVSet: {A: null}, KVSetWithOptions: {A: true, B: null}, KVList: {A: [], B: null}});
        expect(await api.kv.get('k')).toBeNull();
        await api.kv.set('k', new Uint8Array(0));
        expect(await api.kv.setWithOptions('k', new Uint8Array([1]), {atomic: true, oldValue: null, expireInSeconds: 15})).toBe(true);
        expect(await api.kv.list(0, 10)).toEqual([]);
        expect(transport.calls.slice(1, 3)).toEqual([
            ['KVSet', {A: 'k'}],
            ['KVSetWithOptions', {A: 'k', B: new Uint8Array([1]), C: {Atomic: true, ExpireInSeconds: 15}}],
        ]);
    });

    it('gives LoadPluginConfiguration keys their declared case back', async () => {
        const json = Buffer.from(JSON.stringify({maxhops: 5, allowedhosts: 'a b', other: 1, __proto__x: 2}));
        const {api} = apiWith({LoadPluginConfiguration: {A: json}}, ['MaxHops', 'AllowedHosts']);
        expect(await api.loadPluginConfiguration()).toEqual({MaxHops: 5, AllowedHosts: 'a b', other: 1, __proto__x: 2});
    });

    it('reads the server config slice the domain needs', async () => {
        const {api} = apiWith({
            GetConfig: {A: {ServiceSettings: {SiteURL: 'https://mm', AllowedUntrustedInternalConnections: '10.0.0.0/8 example.com', EnablePostIconOverride: true}}},
        });
        expect(await api.getServerConfig()).toEqual({
            siteURL: 'https://mm',
            allowedUntrustedInternalConnections: ['10.0.0.0/8', 'example.com'],
            enableInsecureOutgoingConnections: false,
            enablePostUsernameOverride: false,
            enablePostIconOverride: true,
        });
    });

    it('calls any table method by name with JSON arguments', async () => {
        const {api, transport} = apiWith({
            KVGet: {A: new Uint8Array([104, 105]), B: null},
            HasPermissionToChannel: {A: true},
            DeletePost: {A: appError(404)},
            LogWarn: {},
        });
        expect(await api.call('KVGet', ['k'])).toEqual(new Uint8Array([104, 105]));
        expect(await api.call('HasPermissionToChannel', ['u', 'c', {id: 'create_post'}])).toBe(true);
        await expect(api.call('DeletePost', ['p'])).rejects.toMatchObject({statusCode: 404});
        expect(await api.call('LogWarn', ['careful', 'n', 1, 'o', {a: 1}])).toBeNull();
        expect(transport.calls[1]).toEqual(['HasPermissionToChannel', {A: 'u', B: 'c', C: {Id: 'create_post'}}]);
        expect(transport.calls[3]).toEqual(['LogWarn', {A: 'careful', B: ['n', '1', 'o', '{"a":1}']}]);
    });

    it('logs to the host before activation and when a log call fails', async () => {
        const conn = new ApiConnection();
        const api = new MattermostApi(conn, {fallbackLog});
        fallbackLines.length = 0;
        api.log.info('early', {a: 1});
        await api.log.write('error', 'still early');
        await expect(api.getTeam('t')).rejects.toBeInstanceOf(NotActivatedError);
        conn.bind(new FakeTransport({}));
        await api.log.write('warn', 'lost');
        expect(fallbackLines).toEqual([['info', 'early', {a: 1}], ['error', 'still early', undefined], ['warn', 'lost', undefined]]);
    });
});
