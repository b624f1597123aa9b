import {GoValue, goTypeOf, withGoType} from '../../runtime/gob';
import {AppError} from '../app_error';
import {registerPluginTypes} from '../register_types';
import {FakeApi, type FakeReply} from '../testing/fake_api';
import {type Logger} from './types';
import {MattermostApi} from './client';
import {ApiConnection, NotActivatedError} from './connection';

registerPluginTypes();

const fallbackLines: unknown[] = [];
const fallbackLog: Logger = {
    debug: (...a) => fallbackLines.push(['debug', ...a]),
    info: (...a) => fallbackLines.push(['info', ...a]),
    warn: (...a) => fallbackLines.push(['warn', ...a]),
    error: (...a) => fallbackLines.push(['error', ...a]),
};

function apiWith(replies: Record<string, FakeReply>, settingKeys: string[] = []) {
    const conn = new ApiConnection();
    const host = new FakeApi(replies);
    conn.bind(host);
    return {api: new MattermostApi(conn, {settingKeys, fallbackLog}), host};
}

const appError = (status: number, id = 'app.err') => ({Id: id, Message: 'failed', StatusCode: status, Where: 'X.y'});

describe('MattermostApi', () => {
    it('converts posts both ways and sends only the fields given', async () => {
        const {api, host} = apiWith({CreatePost: (a) => ({A: {...(a.A as object), Id: 'p2', CreateAt: 5}})});
        const post = await api.createPost({channel_id: 'c', message: 'm', props: {attachments: [{text: 't'}]}});
        expect(host.calls[0]).toEqual(['CreatePost', {A: {ChannelId: 'c', Message: 'm', Props: {attachments: [{text: 't'}]}}}]);
        expect(post).toMatchObject({id: 'p2', channel_id: 'c', create_at: 5, message: 'm', root_id: '', props: {attachments: [{text: 't'}]}});
    });

    it('throws AppErrors as AppError and reads a missing channel member as null', async () => {
        const {api} = apiWith({
            GetChannel: {B: appError(403, 'api.context.permissions')},
            GetChannelMember: {B: appError(404)},
            GetUser: {},
        });
        await expect(api.getChannel('c')).rejects.toMatchObject({statusCode: 403, id: 'api.context.permissions', message: 'failed'});
        expect(await api.getChannelMember('c', 'u')).toBeNull();
        await expect(api.getUser('u')).rejects.toMatchObject({statusCode: 404, message: 'user not found'});
        await expect(api.getUser('u')).rejects.toBeInstanceOf(AppError);
    });

    it('lists a page of channel members', async () => {
        const {api, host} = apiWith({GetChannelMembers: {A: [{ChannelId: 'c', UserId: 'u1', Roles: 'channel_user'}, {ChannelId: 'c', UserId: 'u2', SchemeAdmin: true}]}});
        const members = await api.getChannelMembers('c', 0, 100);
        expect(host.calls[0]).toEqual(['GetChannelMembers', {A: 'c', B: 0, C: 100}]);
        expect(members.map((m) => m.user_id)).toEqual(['u1', 'u2']);
        expect(members[1]).toMatchObject({channel_id: 'c', scheme_admin: true});
        const failing = apiWith({GetChannelMembers: {B: appError(403)}}).api;
        await expect(failing.getChannelMembers('c', 0, 100)).rejects.toMatchObject({statusCode: 403});
    });

    it("reads a thread, a file info and a user's groups", async () => {
        const {api, host} = apiWith({
            GetPostThread: {A: {Order: ['r2', 'root'], Posts: {root: {Id: 'root', Message: 'release', CreateAt: 1, ReplyCount: 1}, r2: {Id: 'r2', RootId: 'root', UserId: 'u2'}}}},
            GetFileInfo: {A: {Id: 'f1', Name: 'a.png', Extension: 'png', Size: 2048, MimeType: 'image/png', PostId: 'p'}},
            GetGroupsForUser: {A: [{Id: 'g1', DisplayName: 'Ops', Source: 'ldap'}, {Id: 'g2', DeleteAt: 5}]},
        });
        const thread = await api.getPostThread('r2');
        expect(thread.order).toEqual(['r2', 'root']);
        expect(thread.posts['root']).toMatchObject({id: 'root', message: 'release', create_at: 1, root_id: ''});
        expect(thread.posts['r2']).toMatchObject({root_id: 'root', user_id: 'u2'});
        expect(await api.getFileInfo('f1')).toMatchObject({id: 'f1', name: 'a.png', extension: 'png', size: 2048, mime_type: 'image/png', post_id: 'p'});
        const groups = await api.getGroupsForUser('u1');
        expect(groups).toEqual([expect.objectContaining({id: 'g1', display_name: 'Ops', source: 'ldap', delete_at: 0}), expect.objectContaining({id: 'g2', delete_at: 5})]);
        expect(host.calls).toEqual([['GetPostThread', {A: 'r2'}], ['GetFileInfo', {A: 'f1'}], ['GetGroupsForUser', {A: 'u1'}]]);

        const failing = apiWith({GetPostThread: {B: appError(404)}, GetFileInfo: {}, GetGroupsForUser: {B: appError(501)}}).api;
        await expect(failing.getPostThread('x')).rejects.toMatchObject({statusCode: 404});
        await expect(failing.getFileInfo('x')).rejects.toMatchObject({statusCode: 404});
        await expect(failing.getGroupsForUser('x')).rejects.toMatchObject({statusCode: 501});
    });

    it('maps error interfaces: AppError keeps its status, other Go errors are 500s', async () => {
        const {api} = apiWith({
            EnsureBotUser: {B: withGoType('*model.AppError', appError(400))},
            RegisterCommand: {A: new GoValue('*plugin.ErrorString', {Err: 'bad trigger'})},
        });
        await expect(api.ensureBotUser({username: 'b'})).rejects.toMatchObject({statusCode: 400, id: 'app.err'});
        await expect(api.registerCommand({trigger: ''})).rejects.toMatchObject({statusCode: 500, message: 'bad trigger'});
    });

    it("registers a command's autocomplete with each argument's Data as the Go type its Type names", async () => {
        const {api, host} = apiWith({RegisterCommand: {}});
        await api.registerCommand({
            trigger: 'c',
            autocomplete_data: {
                Trigger: 'c',
                Arguments: [{Name: 'text', Type: 'TextInput', Data: {Hint: 'h', Pattern: '.*'}}],
                SubCommands: [{Trigger: 'pick', Arguments: [{Type: 'StaticList', Data: {PossibleArguments: [{Item: 'a', HelpText: 'A'}]}}]}],
            },
        });
        // As Go decodes it: the interface values hold the registered types.
        const sent = host.received[0]?.['A'] as {AutocompleteData: {Arguments: Array<{Data: unknown}>; SubCommands: Array<{Arguments: Array<{Data: unknown}>}>}};
        const [text] = sent.AutocompleteData.Arguments;
        const [list] = sent.AutocompleteData.SubCommands[0]?.Arguments ?? [];
        expect(goTypeOf(text?.Data)).toBe('*model.AutocompleteTextArg');
        expect(text?.Data).toEqual({Hint: 'h', Pattern: '.*'});
        expect(goTypeOf(list?.Data)).toBe('*model.AutocompleteStaticListArg');
        expect(list?.Data).toEqual({PossibleArguments: [{Item: 'a', Hint: '', HelpText: 'A'}]});
    });

    it('follows gob semantics for KV: empty values are nil', async () => {
        const {api, host} = apiWith({KVGet: {A: new Uint8Array(0)}, KVSet: {}, KVSetWithOptions: {A: true}, KVList: {A: []}});
        expect(await api.kv.get('k')).toBeNull();
        await api.kv.set('k', new Uint8Array(0));
        expect(await api.kv.setWithOptions('k', new Uint8Array([1]), {atomic: true, oldValue: null, expireInSeconds: 15})).toBe(true);
        expect(await api.kv.list(0, 10)).toEqual([]);
        expect(host.calls.slice(1, 3)).toEqual([
            ['KVSet', {A: 'k', B: null}],
            ['KVSetWithOptions', {A: 'k', B: new Uint8Array([1]), C: {Atomic: true, OldValue: null, ExpireInSeconds: 15}}],
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

    it('calls any method by name with JSON arguments', async () => {
        const {api, host} = apiWith({
            KVGet: {A: new Uint8Array([104, 105])},
            HasPermissionToChannel: {A: true},
            DeletePost: {A: appError(404)},
            LogWarn: {},
            PublishPluginClusterEvent: {A: new GoValue('*plugin.ErrorString', {Err: 'no cluster'})},
        });
        expect(await api.call('KVGet', ['k'])).toEqual(new Uint8Array([104, 105]));
        expect(await api.call('HasPermissionToChannel', ['u', 'c', {id: 'create_post'}])).toBe(true);
        await expect(api.call('DeletePost', ['p'])).rejects.toMatchObject({statusCode: 404});
        expect(await api.call('LogWarn', ['careful', 'n', 1, 'o', {a: 1}])).toBeNull();
        await expect(api.call('PublishPluginClusterEvent', [{Id: 'e', Data: 'aGk='}, {SendType: 'reliable'}])).rejects.toMatchObject({statusCode: 500, message: 'no cluster'});
        expect(host.calls[1]).toEqual(['HasPermissionToChannel', {A: 'u', B: 'c', C: {Id: 'create_post'}}]);
        expect(host.calls[3]).toEqual(['LogWarn', {A: 'careful', B: ['n', '1', 'o', '{"a":1}']}]);
        expect(host.calls[4]).toEqual(['PublishPluginClusterEvent', {A: {Id: 'e', Data: new Uint8Array([104, 105])}, B: {SendType: 'reliable'}}]);
        await expect(api.call('UploadData', [])).rejects.toMatchObject({statusCode: 501});
    });

    it('logs to the host before activation and when a log call fails', async () => {
        const conn = new ApiConnection();
        const api = new MattermostApi(conn, {fallbackLog});
        fallbackLines.length = 0;
        api.log.info('early', {a: 1});
        await api.log.write('error', 'still early');
        await expect(api.getTeam('t')).rejects.toBeInstanceOf(NotActivatedError);
        conn.bind(new FakeApi({}));
        await api.log.write('warn', 'lost');
        expect(fallbackLines).toEqual([['info', 'early', {a: 1}], ['error', 'still early', undefined], ['warn', 'lost', undefined]]);
    });
});
