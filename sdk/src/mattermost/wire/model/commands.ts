// Slash commands: registration (with autocomplete), invocation and response.
import {struct, w, type WireType} from '../types';
import {MessageAttachment} from './posts';

export const AutocompleteTextArg = struct('AutocompleteTextArg', {
    Hint: [w.string, 'hint'],
    Pattern: [w.string, 'pattern'],
});

export const AutocompleteStaticListArg = struct('AutocompleteStaticListArg', {
    PossibleArguments: [
        w.slice(
            struct('AutocompleteListItem', {
                Item: [w.string, 'item'],
                Hint: [w.string, 'hint'],
                HelpText: [w.string, 'helptext'],
            }),
        ),
        'possible_arguments',
    ],
});

export const AutocompleteDynamicListArg = struct('AutocompleteDynamicListArg', {
    FetchURL: [w.string, 'fetch_url'],
});

export const AutocompleteData: WireType = struct('AutocompleteData', {
    Trigger: [w.string, 'trigger'],
    Hint: [w.string, 'hint'],
    HelpText: [w.string, 'help_text'],
    RoleID: [w.string, 'role_id'],
    Arguments: [
        w.slice(
            w.ptr(
                struct('AutocompleteArg', {
                    Name: [w.string, 'name'],
                    HelpText: [w.string, 'help_text'],
                    Type: [w.string, 'type'],
                    Required: [w.bool, 'required'],
                    Data: [
                        w.union('type', {
                            TextInput: '*model.AutocompleteTextArg',
                            StaticList: '*model.AutocompleteStaticListArg',
                            DynamicList: '*model.AutocompleteDynamicListArg',
                        }),
                        'data',
                    ],
                }),
            ),
        ),
        'arguments',
    ],
    SubCommands: [w.slice(w.ptr(w.lazy(() => AutocompleteData))), 'sub_commands'],
});

export const Command = struct('Command', {
    Id: [w.string, 'id'],
    Token: [w.string, 'token'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    DeleteAt: [w.int64, 'delete_at'],
    CreatorId: [w.string, 'creator_id'],
    TeamId: [w.string, 'team_id'],
    Trigger: [w.string, 'trigger'],
    Method: [w.string, 'method'],
    Username: [w.string, 'username'],
    IconURL: [w.string, 'icon_url'],
    AutoComplete: [w.bool, 'auto_complete'],
    AutoCompleteDesc: [w.string, 'auto_complete_desc'],
    AutoCompleteHint: [w.string, 'auto_complete_hint'],
    DisplayName: [w.string, 'display_name'],
    Description: [w.string, 'description'],
    URL: [w.string, 'url'],
    PluginId: [w.string, 'plugin_id'],
    AutocompleteData: [w.ptr(AutocompleteData), 'autocomplete_data,omitempty'],
    AutocompleteIconData: [w.string, 'autocomplete_icon_data,omitempty'],
});

export const CommandArgs = struct('CommandArgs', {
    UserId: [w.string, 'user_id'],
    ChannelId: [w.string, 'channel_id'],
    TeamId: [w.string, 'team_id'],
    RootId: [w.string, 'root_id'],
    ParentId: [w.string, 'parent_id'],
    TriggerId: [w.string, 'trigger_id,omitempty'],
    ConnectionId: [w.string, 'connection_id,omitempty'],
    Command: [w.string, 'command'],
    SiteURL: [w.string, 'site_url'],
    UserMentions: [w.stringMap, 'user_mentions,omitempty'],
    ChannelMentions: [w.stringMap, 'channel_mentions,omitempty'],
});

export const CommandResponse: WireType = struct('CommandResponse', {
    ResponseType: [w.string, 'response_type'],
    Text: [w.string, 'text'],
    Username: [w.string, 'username'],
    ChannelId: [w.string, 'channel_id'],
    IconURL: [w.string, 'icon_url'],
    Type: [w.string, 'type'],
    Props: [w.stringInterface, 'props'],
    GotoLocation: [w.string, 'goto_location'],
    TriggerId: [w.string, 'trigger_id'],
    SkipSlackParsing: [w.bool, 'skip_slack_parsing'],
    Attachments: [w.slice(w.ptr(MessageAttachment)), 'attachments'],
    ExtraResponses: [w.slice(w.ptr(w.lazy(() => CommandResponse))), 'extra_responses'],
});
