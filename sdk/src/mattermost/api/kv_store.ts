import {type PluginApiClient} from '../../client';
import type {KVSetOptions, KVStore} from './types';
import {appError, throwIf} from './errors';

/**
 * The plugin KV store over KVGet/KVSet/KVSetWithOptions/KVDelete/KVList of the generated client. gob cannot tell an
 * empty []byte from nil, so an empty value deletes and an empty oldValue means "absent", exactly as for a Go plugin.
 */
export class RpcKVStore implements KVStore {
    constructor(private readonly client: PluginApiClient) {}

    async get(key: string): Promise<Uint8Array | null> {
        const [value, err] = await this.client.call('KVGet', key);
        throwIf(appError(err));
        return nonEmpty(value);
    }

    async set(key: string, value: Uint8Array): Promise<void> {
        const [err] = await this.client.call('KVSet', key, nonEmpty(value));
        throwIf(appError(err));
    }

    async setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean> {
        const opts = {Atomic: options.atomic === true, OldValue: nonEmpty(options.oldValue), ExpireInSeconds: options.expireInSeconds ?? 0};
        const [ok, err] = await this.client.call('KVSetWithOptions', key, nonEmpty(value), opts);
        throwIf(appError(err));
        return ok;
    }

    async delete(key: string): Promise<void> {
        const [err] = await this.client.call('KVDelete', key);
        throwIf(appError(err));
    }

    async list(page: number, perPage: number): Promise<string[]> {
        const [keys, err] = await this.client.call('KVList', page, perPage);
        throwIf(appError(err));
        return keys;
    }
}

function nonEmpty(v: Uint8Array | null | undefined): Uint8Array | null {
    return v && v.length > 0 ? v : null;
}
