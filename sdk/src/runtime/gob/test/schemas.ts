import {registerInterfaceType, t} from '../index';

/** The TypeScript mirrors of test/gobcheck's Go types (cases.go, model/model.go), for schema-driven tests. */

export const AppError = t.struct('model.AppError', [
    ['Id', t.string], ['Message', t.string], ['DetailedError', t.string], ['RequestId', t.string],
    ['StatusCode', t.int], ['Where', t.string], ['SkipTranslation', t.bool],
]);
export const ErrorString = t.struct('plugin.ErrorString', [['Code', t.int], ['Err', t.string]]);
export const User = t.struct('model.User', [
    ['Id', t.string], ['CreateAt', t.int64], ['Username', t.string], ['Props', t.map(t.string, t.string)], ['IsBot', t.bool],
    ['FailedLogins', t.int], ['AuthData', t.ptr(t.string)], ['Timezone', t.map(t.string, t.string)], ['MfaTimestamps', t.slice(t.int64)],
]);
const PostEmbed = t.struct('model.PostEmbed', [['Type', t.string], ['URL', t.string], ['Data', t.iface]]);
const PostMetadata = t.struct('model.PostMetadata', [['Embeds', t.slice(t.ptr(PostEmbed))], ['ExpireAt', t.int64]]);
export const Post = t.struct('model.Post', [
    ['Id', t.string], ['CreateAt', t.int64], ['UpdateAt', t.int64], ['EditAt', t.int64], ['DeleteAt', t.int64],
    ['IsPinned', t.bool], ['UserId', t.string], ['ChannelId', t.string], ['RootId', t.string], ['OriginalId', t.string],
    ['Message', t.string], ['MessageSource', t.string], ['Type', t.string], ['Props', t.map(t.string, t.iface)],
    ['Hashtags', t.string], ['Filenames', t.slice(t.string)], ['FileIds', t.slice(t.string)], ['PendingPostId', t.string],
    ['HasReactions', t.bool], ['RemoteId', t.ptr(t.string)], ['ReplyCount', t.int64], ['LastReplyAt', t.int64],
    ['Participants', t.slice(t.ptr(User))], ['IsFollowing', t.ptr(t.bool)], ['Metadata', t.ptr(PostMetadata)],
]);
const SlackAttachmentField = t.struct('model.SlackAttachmentField', [['Title', t.string], ['Value', t.iface], ['Short', t.bool]]);
export const SlackAttachment = t.struct('model.SlackAttachment', [
    ['Id', t.int64], ['Fallback', t.string], ['Color', t.string], ['Title', t.string], ['Text', t.string],
    ['Fields', t.slice(t.ptr(SlackAttachmentField))], ['Timestamp', t.iface],
]);

export const Empty = t.struct('main.Empty', []);
export const Tree = t.struct('main.Tree', [
    ['Val', t.int], ['Name', t.string], ['Kids', t.slice(t.ptr(t.lazy(() => Tree)))],
    ['Next', t.ptr(t.lazy(() => Tree))], ['Meta', t.map(t.string, t.ptr(t.lazy(() => Tree)))],
]);
const B = t.struct('main.B', [['N', t.int], ['A', t.ptr(t.lazy(() => A))], ['As', t.slice(t.lazy(() => A))]]);
export const A = t.struct('main.A', [['Name', t.string], ['B', t.ptr(B)]]);
export const AllKinds = t.struct('main.AllKinds', [
    ['B', t.bool], ['I', t.int], ['I8', t.int8], ['I16', t.int16], ['I32', t.int32], ['I64', t.int64], ['U', t.uint],
    ['U8', t.uint8], ['U16', t.uint16], ['U32', t.uint32], ['U64', t.uint64], ['Uptr', t.uintptr], ['F32', t.float32],
    ['F64', t.float64], ['C64', t.complex64], ['C128', t.complex128], ['S', t.string], ['Byt', t.bytes],
    ['Arr', t.array(t.int, 3)], ['Sl', t.slice(t.string)], ['M', t.map(t.string, t.int)], ['P', t.ptr(t.int)],
    ['PP', t.ptr(t.ptr(t.string))], ['Any', t.iface], ['E', Empty], ['T', t.time], ['URL', t.ptr(t.url)],
]);
export const Holder = t.struct('main.Holder', [['X', t.iface], ['Y', t.iface], ['Z', t.slice(t.iface)]]);
export const ErrReturns = t.struct('main.ErrReturns', [['A', t.iface], ['B', t.string]]);
export const RequestSubset = t.struct('main.RequestSubset', [
    ['Method', t.string], ['URL', t.ptr(t.url)], ['Proto', t.string], ['ProtoMajor', t.int],
    ['Header', t.map(t.string, t.slice(t.string))], ['Host', t.string], ['When', t.time],
]);

/** What Mattermost's plugin package registers (the Go helper registers the same). */
export function registerMattermostNames(): void {
    registerInterfaceType('*model.AppError', t.ptr(AppError));
    registerInterfaceType('*plugin.ErrorString', t.ptr(ErrorString));
    registerInterfaceType('[]*model.SlackAttachment', t.slice(t.ptr(SlackAttachment)));
}
