// Posts and what travels inside their Props: message attachments and their actions.
import {struct, w} from '../types';

export const PostActionOptions = struct('PostActionOptions', {
    Text: [w.string, 'text'],
    Value: [w.string, 'value'],
});

export const PostAction = struct('PostAction', {
    Id: [w.string, 'id,omitempty'],
    Type: [w.string, 'type,omitempty'],
    Name: [w.string, 'name,omitempty'],
    Tooltip: [w.string, 'tooltip,omitempty'],
    Disabled: [w.bool, 'disabled,omitempty'],
    Style: [w.string, 'style,omitempty'],
    DataSource: [w.string, 'data_source,omitempty'],
    Options: [w.slice(w.ptr(PostActionOptions)), 'options,omitempty'],
    DefaultOption: [w.string, 'default_option,omitempty'],
    Integration: [
        w.ptr(
            struct('PostActionIntegration', {
                URL: [w.string, 'url,omitempty'],
                Context: [w.stringInterface, 'context,omitempty'],
            }),
        ),
        'integration,omitempty',
    ],
    Cookie: [w.string, 'cookie,omitempty'],
});

export const MessageAttachment = struct('MessageAttachment', {
    Id: [w.int64, 'id'],
    Fallback: [w.string, 'fallback'],
    Color: [w.string, 'color'],
    Pretext: [w.string, 'pretext'],
    AuthorName: [w.string, 'author_name'],
    AuthorLink: [w.string, 'author_link'],
    AuthorIcon: [w.string, 'author_icon'],
    Title: [w.string, 'title'],
    TitleLink: [w.string, 'title_link'],
    Text: [w.string, 'text'],
    Fields: [
        w.slice(
            w.ptr(
                struct('MessageAttachmentField', {
                    Title: [w.string, 'title'],
                    Value: [w.iface, 'value'],
                    Short: [w.bool, 'short'],
                }),
            ),
        ),
        'fields',
    ],
    ImageURL: [w.string, 'image_url'],
    ThumbURL: [w.string, 'thumb_url'],
    Footer: [w.string, 'footer'],
    FooterIcon: [w.string, 'footer_icon'],
    Timestamp: [w.iface, 'ts'],
    Actions: [w.slice(w.ptr(PostAction)), 'actions,omitempty'],
});

/** model.PostPriority: a post's priority (the only part of model.PostMetadata a plugin sets). */
export const PostPriority = struct('PostPriority', {
    Priority: [w.ptr(w.string), 'priority'],
    RequestedAck: [w.ptr(w.bool), 'requested_ack'],
    PersistentNotifications: [w.ptr(w.bool), 'persistent_notifications'],
});

/** model.PostMetadata, only its Priority: CreatePost keeps a plugin's priority; the rest is computed by the server. */
export const PostMetadata = struct('PostMetadata', {
    Priority: [w.ptr(PostPriority), 'priority,omitempty'],
});

export const Post = struct('Post', {
    Id: [w.string, 'id'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    EditAt: [w.int64, 'edit_at'],
    DeleteAt: [w.int64, 'delete_at'],
    IsPinned: [w.bool, 'is_pinned'],
    UserId: [w.string, 'user_id'],
    ChannelId: [w.string, 'channel_id'],
    RootId: [w.string, 'root_id'],
    OriginalId: [w.string, 'original_id'],
    Message: [w.string, 'message'],
    MessageSource: [w.string, 'message_source,omitempty'],
    Type: [w.string, 'type'],
    Props: [w.stringInterface, 'props'],
    Hashtags: [w.string, 'hashtags'],
    FileIds: [w.slice(w.string), 'file_ids,omitempty'],
    PendingPostId: [w.string, 'pending_post_id'],
    HasReactions: [w.bool, 'has_reactions,omitempty'],
    RemoteId: [w.ptr(w.string), 'remote_id,omitempty'],
    ReplyCount: [w.int64, 'reply_count'],
    LastReplyAt: [w.int64, 'last_reply_at'],
    IsFollowing: [w.ptr(w.bool), 'is_following,omitempty'],
    Metadata: [w.ptr(PostMetadata), 'metadata,omitempty'],
});

/** A thread as GetPostThread returns it: every post of the thread by id, and their order (newest first). */
export const PostList = struct('PostList', {
    Order: [w.slice(w.string), 'order'],
    Posts: [w.map(w.string, w.ptr(Post)), 'posts'],
    NextPostId: [w.string, 'next_post_id'],
    PrevPostId: [w.string, 'prev_post_id'],
    HasNext: [w.ptr(w.bool), 'has_next,omitempty'],
    FirstInaccessiblePostTime: [w.int64, 'first_inaccessible_post_time'],
});

/** An uploaded file's metadata (Path, Content and the preview paths are server-only: `json:"-"`, left out). */
export const FileInfo = struct('FileInfo', {
    Id: [w.string, 'id'],
    CreatorId: [w.string, 'user_id'],
    PostId: [w.string, 'post_id,omitempty'],
    ChannelId: [w.string, 'channel_id'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    DeleteAt: [w.int64, 'delete_at'],
    Name: [w.string, 'name'],
    Extension: [w.string, 'extension'],
    Size: [w.int64, 'size'],
    MimeType: [w.string, 'mime_type'],
    Width: [w.int, 'width,omitempty'],
    Height: [w.int, 'height,omitempty'],
    HasPreviewImage: [w.bool, 'has_preview_image,omitempty'],
    RemoteId: [w.ptr(w.string), 'remote_id'],
    Archived: [w.bool, 'archived'],
});

/** An emoji reaction on a post (ReactionHasBeenAdded/Removed). */
export const Reaction = struct('Reaction', {
    UserId: [w.string, 'user_id'],
    PostId: [w.string, 'post_id'],
    EmojiName: [w.string, 'emoji_name'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    DeleteAt: [w.int64, 'delete_at'],
    RemoteId: [w.ptr(w.string), 'remote_id'],
    ChannelId: [w.string, 'channel_id'],
});
