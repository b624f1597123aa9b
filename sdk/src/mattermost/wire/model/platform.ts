// KV options, cluster events, websocket broadcasts, dialogs, the server config slice and ServeHTTP requests.
import {struct, w} from '../types';
import {PostActionOptions} from './posts';

export const PluginKVSetOptions = struct('PluginKVSetOptions', {
    Atomic: [w.bool, 'atomic'],
    OldValue: [w.bytes, 'old_value'],
    ExpireInSeconds: [w.int64, 'expire_in_seconds'],
});

export const PluginClusterEvent = struct('PluginClusterEvent', {
    Id: [w.string, 'id'],
    Data: [w.bytes, 'data'],
});

export const PluginClusterEventSendOptions = struct('PluginClusterEventSendOptions', {
    SendType: [w.string, 'send_type'],
    TargetId: [w.string, 'target_id'],
});

export const WebsocketBroadcast = struct('WebsocketBroadcast', {
    OmitUsers: [w.map(w.string, w.bool), 'omit_users'],
    UserId: [w.string, 'user_id'],
    ChannelId: [w.string, 'channel_id'],
    TeamId: [w.string, 'team_id'],
    ConnectionId: [w.string, 'connection_id'],
    OmitConnectionId: [w.string, 'omit_connection_id'],
});

export const DialogElement = struct('DialogElement', {
    DisplayName: [w.string, 'display_name'],
    Name: [w.string, 'name'],
    Type: [w.string, 'type'],
    SubType: [w.string, 'subtype'],
    Default: [w.string, 'default'],
    Placeholder: [w.string, 'placeholder'],
    HelpText: [w.string, 'help_text'],
    Optional: [w.bool, 'optional'],
    MinLength: [w.int, 'min_length'],
    MaxLength: [w.int, 'max_length'],
    DataSource: [w.string, 'data_source'],
    Options: [w.slice(w.ptr(PostActionOptions)), 'options'],
});

export const OpenDialogRequest = struct('OpenDialogRequest', {
    TriggerId: [w.string, 'trigger_id'],
    URL: [w.string, 'url'],
    Dialog: [
        struct('Dialog', {
            CallbackId: [w.string, 'callback_id'],
            Title: [w.string, 'title'],
            IntroductionText: [w.string, 'introduction_text'],
            IconURL: [w.string, 'icon_url'],
            Elements: [w.slice(DialogElement), 'elements'],
            SubmitLabel: [w.string, 'submit_label'],
            NotifyOnCancel: [w.bool, 'notify_on_cancel'],
            State: [w.string, 'state'],
        }),
        'dialog',
    ],
});

/** The slice of *model.Config the plugin reads; Config has no JSON tags, so JSON keys are the Go names. */
export const Config = struct('Config', {
    ServiceSettings: [
        struct('ServiceSettings', {
            SiteURL: [w.ptr(w.string), 'SiteURL'],
            AllowedUntrustedInternalConnections: [w.ptr(w.string), 'AllowedUntrustedInternalConnections'],
            EnableInsecureOutgoingConnections: [w.ptr(w.bool), 'EnableInsecureOutgoingConnections'],
            EnablePostUsernameOverride: [w.ptr(w.bool), 'EnablePostUsernameOverride'],
            EnablePostIconOverride: [w.ptr(w.bool), 'EnablePostIconOverride'],
        }),
        'ServiceSettings',
    ],
});

/** HTTPRequestSubset (older servers send a whole *http.Request: same field names, more of them). */
export const HTTPRequest = struct('HTTPRequestSubset', {
    Method: [w.string, 'method'],
    URL: [w.ptr(w.binaryText('url.URL')), 'url'],
    Proto: [w.string, 'proto'],
    ProtoMajor: [w.int, 'proto_major'],
    ProtoMinor: [w.int, 'proto_minor'],
    Header: [w.map(w.string, w.slice(w.string)), 'header'],
    Host: [w.string, 'host'],
    RemoteAddr: [w.string, 'remote_addr'],
    RequestURI: [w.string, 'request_uri'],
});
