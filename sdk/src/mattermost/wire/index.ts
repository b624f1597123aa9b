import type * as m from './model';
import type {Draft, Js} from './types';

export * from './types';
export {toJs, fromJs, toJsConv, fromJsConv, ifaceToJs, ifaceFromJs, ifaceOf, plainToJs} from './convert';
export {goType, goStruct, registerMattermostTypes} from './gob_types';
export {apiMethods, hookMethods, type ApiMethodName, type HookName, type MethodDef} from './methods';
export * as model from './model';

// The JS shapes of the model structs (snake_case JSON keys, as Mattermost's REST API and @mattermost/types use).
export type PostJs = Js<typeof m.Post>;
export type PostDraftJs = Draft<PostJs>;
export type ChannelJs = Js<typeof m.Channel>;
export type ChannelMemberJs = Js<typeof m.ChannelMember>;
export type UserJs = Js<typeof m.User>;
export type ReactionJs = Js<typeof m.Reaction>;
export type GroupJs = Js<typeof m.Group>;
export type FileInfoJs = Js<typeof m.FileInfo>;
export type PostListJs = Js<typeof m.PostList>;
export type TeamJs = Js<typeof m.Team>;
export type BotJs = Js<typeof m.Bot>;
export type BotPatchJs = Js<typeof m.BotPatch>;
export type SessionJs = Js<typeof m.Session>;
export type AppErrorJs = Js<typeof m.AppError>;
export type PluginContextJs = Js<typeof m.PluginContext>;
export type CommandArgsJs = Js<typeof m.CommandArgs>;
export type CommandResponseJs = {
    response_type?: 'in_channel' | 'ephemeral' | '';
    text?: string;
    username?: string;
    channel_id?: string;
    icon_url?: string;
    type?: string;
    props?: Record<string, unknown>;
    goto_location?: string;
    trigger_id?: string;
    skip_slack_parsing?: boolean;
    attachments?: Array<Draft<Js<typeof m.MessageAttachment>>>;
    extra_responses?: CommandResponseJs[];
};
export type CommandJs = Draft<Js<typeof m.Command>>;
export type PluginClusterEventJs = Js<typeof m.PluginClusterEvent>;
export type HTTPRequestJs = Js<typeof m.HTTPRequest>;
export type ServerConfigJs = Js<typeof m.Config>;
export type OpenDialogRequestJs = Draft<Js<typeof m.OpenDialogRequest>>;
export type WebsocketBroadcastJs = Draft<Js<typeof m.WebsocketBroadcast>>;
