import type {KVSetOptions, KVStore} from './types';
import {type ApiConnection} from './connection';
import {appError, throwIf} from './errors';

/**
 * The plugin KV store over KVGet/KVSet/KVSetWithOptions/KVDelete/KVList. gob cannot tell an empty []byte from nil,
 * so an empty value deletes and an empty oldValue means "absent", exactly as for a Go plugin.
 */
export class RpcKVStore implements KVStore {
    constructor(private readonly conn: ApiConnection) {}

    async get(key: string): Promise<Uint8Array | null> {
        const r = await this.conn.call('KVGet', key);
        throwIf(appError(r.B));
        return r.A instanceof Uint8Array && r.A.length > 0 ? r.A : null;
    }

    async set(key: string, value: Uint8Array): Promise<void> {
        throwIf(appError((await this.conn.call('KVSet', key, nonEmpty(value))).A));
    }

    async setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean> {
        const opts: Record<string, unknown> = {};
        if (options.atomic) opts.Atomic = true;
        const old = nonEmpty(options.oldValue ?? undefined);
        if (old) opts.OldValue = old;
        if (options.expireInSeconds) opts.ExpireInSeconds = options.expireInSeconds;
        const r = await this.conn.call('KVSetWithOptions', key, nonEmpty(value ?? undefined), opts);
        throwIf(appError(r.B));
        return r.A === true;
    }

    async delete(key: string): Promise<void> {
        throwIf(appError((await this.conn.call('KVDelete', key)).A));
    }

    async list(page: number, perPage: number): Promise<string[]> {
        const r = await this.conn.call('KVList', page, perPage);
        throwIf(appError(r.B));
        return Array.isArray(r.A) ? (r.A as string[]) : [];
    }
}

function nonEmpty(v: Uint8Array | undefined): Uint8Array | undefined {
    return v && v.length > 0 ? v : undefined;
}
