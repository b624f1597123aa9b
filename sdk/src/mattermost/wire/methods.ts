import * as m from './model';
import {structDef, w, type FieldSpec, type StructDef, type WireType} from './types';

/**
 * The RPC methods we call and serve, as Mattermost's generator names their wire structs
 * (server/public/plugin/client_rpc_generated.go): `Z_<M>Args` / `Z_<M>Returns` with one field per parameter and
 * result, named A, B, C… in order. Adding a method is one line. Only field names matter on the wire.
 */

export interface MethodDef {
    readonly args: StructDef;
    readonly returns: StructDef;
    /**
     * callByName decodes the reply by the host's own type definitions rather than `returns`: for results it passes
     * on whole and whose Go type is too large to declare, like *model.Config. Typed calls (MattermostApi.getConfig)
     * decode only the declared slice and skip the rest, several times cheaper (it counts for activation).
     */
    readonly dynamicReply?: true;
}

const LETTERS = 'ABCDEFGHIJ';

function positional(name: string, types: readonly WireType[]): StructDef {
    const fields: Record<string, FieldSpec> = {};
    types.forEach((type, i) => {
        const letter = LETTERS[i] as string;
        fields[letter] = [type, letter];
    });
    return structDef(name, fields);
}

/** A generated method: parameter types, then result types. */
function gen(name: string, args: readonly WireType[], returns: readonly WireType[]): MethodDef {
    return {args: positional(`Z_${name}Args`, args), returns: positional(`Z_${name}Returns`, returns)};
}

const post = w.ptr(m.Post);
const appError = w.ptr(m.AppError);
const ctx = w.ptr(m.PluginContext);
const permission = w.ptr(m.Permission);
const logArgs = [w.string, w.slice(w.iface)] as const;

/** API methods, called as "Plugin.<name>" on the API connection. */
export const apiMethods = {
    // Hand-written in client_rpc.go, with these struct names.
    LoadPluginConfiguration: {
        args: positional('Z_LoadPluginConfigurationArgsArgs', []),
        returns: positional('Z_LoadPluginConfigurationArgsReturns', [w.bytes]),
    },
    GetConfig: {...gen('GetConfig', [], [w.ptr(m.Config)]), dynamicReply: true},
    GetServerVersion: gen('GetServerVersion', [], [w.string]),
    SavePluginConfig: gen('SavePluginConfig', [w.stringInterface], [appError]),
    CreatePost: gen('CreatePost', [post], [post, appError]),
    UpdatePost: gen('UpdatePost', [post], [post, appError]),
    SendEphemeralPost: gen('SendEphemeralPost', [w.string, post], [post]),
    DeletePost: gen('DeletePost', [w.string], [appError]),
    GetPost: gen('GetPost', [w.string], [post, appError]),
    GetPostThread: gen('GetPostThread', [w.string], [w.ptr(m.PostList), appError]),
    GetPostsSince: gen('GetPostsSince', [w.string, w.int64], [w.ptr(m.PostList), appError]),
    GetFileInfo: gen('GetFileInfo', [w.string], [w.ptr(m.FileInfo), appError]),
    GetChannel: gen('GetChannel', [w.string], [w.ptr(m.Channel), appError]),
    GetChannelMember: gen('GetChannelMember', [w.string, w.string], [w.ptr(m.ChannelMember), appError]),
    GetChannelMembers: gen('GetChannelMembers', [w.string, w.int, w.int], [w.slice(m.ChannelMember), appError]),
    GetDirectChannel: gen('GetDirectChannel', [w.string, w.string], [w.ptr(m.Channel), appError]),
    GetUser: gen('GetUser', [w.string], [w.ptr(m.User), appError]),
    GetUserByUsername: gen('GetUserByUsername', [w.string], [w.ptr(m.User), appError]),
    GetGroupsForUser: gen('GetGroupsForUser', [w.string], [w.slice(w.ptr(m.Group)), appError]),
    GetTeam: gen('GetTeam', [w.string], [w.ptr(m.Team), appError]),
    GetSession: gen('GetSession', [w.string], [w.ptr(m.Session), appError]),
    HasPermissionTo: gen('HasPermissionTo', [w.string, permission], [w.bool]),
    HasPermissionToChannel: gen('HasPermissionToChannel', [w.string, w.string, permission], [w.bool]),
    HasPermissionToTeam: gen('HasPermissionToTeam', [w.string, w.string, permission], [w.bool]),
    KVGet: gen('KVGet', [w.string], [w.bytes, appError]),
    KVSet: gen('KVSet', [w.string, w.bytes], [appError]),
    KVSetWithOptions: gen('KVSetWithOptions', [w.string, w.bytes, m.PluginKVSetOptions], [w.bool, appError]),
    KVDelete: gen('KVDelete', [w.string], [appError]),
    KVList: gen('KVList', [w.int, w.int], [w.slice(w.string), appError]),
    EnsureBotUser: gen('EnsureBotUser', [w.ptr(m.Bot)], [w.string, w.error]),
    CreateBot: gen('CreateBot', [w.ptr(m.Bot)], [w.ptr(m.Bot), appError]),
    PatchBot: gen('PatchBot', [w.string, w.ptr(m.BotPatch)], [w.ptr(m.Bot), appError]),
    GetBot: gen('GetBot', [w.string, w.bool], [w.ptr(m.Bot), appError]),
    UpdateBotActive: gen('UpdateBotActive', [w.string, w.bool], [w.ptr(m.Bot), appError]),
    SetProfileImage: gen('SetProfileImage', [w.string, w.bytes], [appError]),
    RegisterCommand: gen('RegisterCommand', [w.ptr(m.Command)], [w.error]),
    OpenInteractiveDialog: gen('OpenInteractiveDialog', [m.OpenDialogRequest], [appError]),
    PublishWebSocketEvent: gen('PublishWebSocketEvent', [w.string, w.stringInterface, w.ptr(m.WebsocketBroadcast)], []),
    PublishPluginClusterEvent: gen('PublishPluginClusterEvent', [m.PluginClusterEvent, m.PluginClusterEventSendOptions], [w.error]),
    LogDebug: gen('LogDebug', logArgs, []),
    LogInfo: gen('LogInfo', logArgs, []),
    LogWarn: gen('LogWarn', logArgs, []),
    LogError: gen('LogError', logArgs, []),
} satisfies Record<string, MethodDef>;

export type ApiMethodName = keyof typeof apiMethods;

function serveHttpLike(name: string): MethodDef {
    return {
        args: structDef(name, {
            ResponseWriterStream: [w.uint32, '-'],
            Request: [w.ptr(m.HTTPRequest), '-'],
            Context: [ctx, '-'],
            RequestBodyStream: [w.uint32, '-'],
        }),
        returns: structDef('struct {}', {}),
    };
}

/** Hooks we serve, as "Plugin.<name>" on the hooks connection (OnActivate, ServeHTTP and ServeMetrics are hand-written in Go). */
export const hookMethods = {
    OnActivate: {
        args: structDef('Z_OnActivateArgs', {APIMuxId: [w.uint32, '-'], DriverMuxId: [w.uint32, '-']}),
        returns: positional('Z_OnActivateReturns', [w.error]),
    },
    OnDeactivate: gen('OnDeactivate', [], [w.error]),
    OnConfigurationChange: gen('OnConfigurationChange', [], [w.error]),
    MessageHasBeenPosted: gen('MessageHasBeenPosted', [ctx, post], []),
    MessageHasBeenUpdated: gen('MessageHasBeenUpdated', [ctx, post, post], []),
    ExecuteCommand: gen('ExecuteCommand', [ctx, w.ptr(m.CommandArgs)], [w.ptr(m.CommandResponse), appError]),
    OnPluginClusterEvent: gen('OnPluginClusterEvent', [ctx, m.PluginClusterEvent], []),
    ReactionHasBeenAdded: gen('ReactionHasBeenAdded', [ctx, w.ptr(m.Reaction)], []),
    ReactionHasBeenRemoved: gen('ReactionHasBeenRemoved', [ctx, w.ptr(m.Reaction)], []),
    // The actor is nil when the user joined or left by themselves.
    UserHasJoinedChannel: gen('UserHasJoinedChannel', [ctx, w.ptr(m.ChannelMember), w.ptr(m.User)], []),
    UserHasLeftChannel: gen('UserHasLeftChannel', [ctx, w.ptr(m.ChannelMember), w.ptr(m.User)], []),
    ServeHTTP: serveHttpLike('Z_ServeHTTPArgs'),
    // The metrics listener's /plugins/<id>/metrics: the same streams and arguments as ServeHTTP (client_rpc.go).
    ServeMetrics: serveHttpLike('Z_ServeMetricsArgs'),
} satisfies Record<string, MethodDef>;

export type HookName = keyof typeof hookMethods;
