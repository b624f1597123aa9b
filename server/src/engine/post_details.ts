import {THREAD_EXCERPT_CHARS, THREAD_PARTICIPANTS_MAX, type DeliveryFactsInput} from '@tripwire/common';

import {PluginApiError, type FileMetadata, type Logger, type PluginAPI, type PostInfo} from '../ports';

export type PostDetailsApi = Pick<PluginAPI, 'getFileInfo' | 'getPostThread'>;
export type FileFact = NonNullable<DeliveryFactsInput['files']>[number];
export type ThreadFact = NonNullable<DeliveryFactsInput['thread']>;

/**
 * A post's files and thread, fetched from Mattermost at most once per event and only when something reads them: a
 * `has_files` condition with MIME types, or a delivery that fires (rich and template payloads, Slack's thread_ts).
 * A root post without files costs nothing. Failures are logged and leave the fact unknown: a post is never lost
 * over its context.
 */
export class PostDetails {
    private filesOnce: Promise<FileFact[] | undefined> | undefined;
    private threadOnce: Promise<ThreadFact | undefined> | undefined;

    constructor(
        private readonly api: PostDetailsApi,
        private readonly post: PostInfo,
        private readonly log: Logger,
    ) {}

    /** The post's files ([] without any); undefined when Mattermost could not say. */
    files(): Promise<FileFact[] | undefined> {
        this.filesOnce ??= this.fetchFiles();
        return this.filesOnce;
    }

    /** The thread a reply belongs to; undefined for a root post. */
    thread(): Promise<ThreadFact | undefined> {
        this.threadOnce ??= this.fetchThread();
        return this.threadOnce;
    }

    /** What a delivery carries: only the facts that exist (no `files` for a post without files). */
    async deliveryFacts(): Promise<{thread?: ThreadFact; files?: FileFact[]}> {
        const [thread, files] = await Promise.all([this.thread(), this.files()]);
        return {...(thread && {thread}), ...(files && files.length > 0 && {files})};
    }

    private async fetchFiles(): Promise<FileFact[] | undefined> {
        const fileIds = this.post.file_ids ?? [];
        if (fileIds.length === 0) return [];
        try {
            // A file id whose info is gone (404) is no file; any other failure makes the types unknown.
            const infos = await Promise.all(fileIds.map((id) => this.api.getFileInfo(id).catch((err: unknown) => (isNotFound(err) ? null : Promise.reject(err)))));
            return infos.filter((f): f is FileMetadata => f !== null).map(fileFact);
        } catch (err) {
            this.log.warn('Tripwire could not read the files of a post', {post_id: this.post.id, error: String(err)});
            return undefined;
        }
    }

    private async fetchThread(): Promise<ThreadFact | undefined> {
        const rootId = this.post.root_id;
        if (!rootId) return undefined;
        try {
            return threadFact(rootId, this.post, await this.api.getPostThread(rootId));
        } catch (err) {
            this.log.warn('Tripwire could not read the thread of a reply', {post_id: this.post.id, root_id: rootId, error: String(err)});
            return {root_id: rootId};
        }
    }
}

function isNotFound(err: unknown): boolean {
    return err instanceof PluginApiError && err.isNotFound;
}

function fileFact(f: FileMetadata): FileFact {
    return {id: f.id, name: f.name, size: f.size, mime_type: f.mime_type, extension: f.extension};
}

function threadFact(rootId: string, post: PostInfo, thread: Awaited<ReturnType<PluginAPI['getPostThread']>>): ThreadFact {
    const replies = Object.values(thread.posts).filter((p) => p.id !== rootId && p.root_id === rootId);
    // The hook can run before the thread read sees its own post.
    if (!thread.posts[post.id]) replies.push(post);
    replies.sort((a, b) => a.create_at - b.create_at);
    const root = thread.posts[rootId];
    const participants = [...new Set([...(root ? [root.user_id] : []), ...replies.map((r) => r.user_id)])].slice(0, THREAD_PARTICIPANTS_MAX);
    return {
        root_id: rootId,
        ...(root && {root_message: excerpt(root.message), root_user_id: root.user_id, root_create_at: root.create_at}),
        reply_count: replies.length,
        participants,
    };
}

/** The first THREAD_EXCERPT_CHARS code points, with an ellipsis when cut. */
function excerpt(message: string): string {
    if (message.length <= THREAD_EXCERPT_CHARS) return message;
    const points = Array.from(message);
    return points.length <= THREAD_EXCERPT_CHARS ? message : `${points.slice(0, THREAD_EXCERPT_CHARS).join('')}…`;
}
