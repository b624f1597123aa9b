import type * as m from '../../generated/model';

/** Where the plugin's log lines go: Mattermost's server log once activated (ApiLogger), the host's stderr before. */
export interface Logger {
    debug(message: string, fields?: Record<string, unknown>): void;
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
}

export interface KVSetOptions {
    /** Compare-and-set against oldValue; oldValue null means "only if absent". */
    atomic?: boolean;
    oldValue?: Uint8Array | null;
    expireInSeconds?: number;
}

/** The plugin's key-value store (Mattermost's database). An empty value deletes, as in Mattermost. */
export interface KVStore {
    get(key: string): Promise<Uint8Array | null>;
    set(key: string, value: Uint8Array): Promise<void>;
    /** Returns false when an atomic compare-and-set lost the race. A null value deletes. */
    setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean>;
    delete(key: string): Promise<void>;
    list(page: number, perPage: number): Promise<string[]>;
}

/** A thread or a channel's recent posts: every post by id, and their ids newest first (model.PostList). */
export interface PostThread {
    order: string[];
    posts: Record<string, m.Post>;
}

/** The slice of Mattermost's server config (GetConfig, secrets masked) that outgoing-request policies need. */
export interface ServerConfigInfo {
    siteURL: string;
    allowedUntrustedInternalConnections: string[];
    enableInsecureOutgoingConnections: boolean;
    enablePostUsernameOverride: boolean;
    enablePostIconOverride: boolean;
}
