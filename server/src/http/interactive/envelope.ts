import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto';

import {type KVStore} from '../../ports';

import {httpKeys} from './keys';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Sealed, opaque strings the plugin hands to Mattermost and gets back later: an action's context in a reply post,
 * a dialog's state. Mattermost returns them unchanged, but anyone can also call the plugin's URLs directly with a
 * body of their choosing, so nothing in them is believed unless it opens. They are encrypted as well as signed
 * (AES-256-GCM, the purpose as associated data): a dialog's state travels to the browser, and the service URL and
 * state inside are not the user's business. The key is created once per cluster in the KV store.
 *
 * Format: base64url(12-byte IV + 16-byte tag + ciphertext of the JSON payload).
 */
export class EnvelopeSealer {
    private key: Promise<Buffer> | undefined;

    constructor(private readonly kv: KVStore) {}

    async seal(purpose: string, payload: unknown): Promise<string> {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', await this.loadKey(), iv);
        cipher.setAAD(Buffer.from(purpose));
        const sealed = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
        return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    }

    /** The payload, or null when the envelope is malformed or was not sealed by this cluster for this purpose. */
    async open(purpose: string, envelope: unknown): Promise<unknown> {
        if (typeof envelope !== 'string' || envelope.length > 200_000 || !/^[A-Za-z0-9_-]+$/.test(envelope)) return null;
        const raw = Buffer.from(envelope, 'base64url');
        if (raw.length <= IV_BYTES + TAG_BYTES) return null;
        try {
            const decipher = createDecipheriv('aes-256-gcm', await this.loadKey(), raw.subarray(0, IV_BYTES));
            decipher.setAAD(Buffer.from(purpose));
            decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
            const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
            return JSON.parse(plain.toString('utf8')) as unknown;
        } catch {
            return null;
        }
    }

    private loadKey(): Promise<Buffer> {
        this.key ??= this.createKey().catch((err: unknown) => {
            this.key = undefined; // try again next time
            throw err;
        });
        return this.key;
    }

    private async createKey(): Promise<Buffer> {
        for (let i = 0; i < 3; i++) {
            const stored = await this.kv.get(httpKeys.envelopeKey);
            if (stored && stored.length === 32) return Buffer.from(stored);
            const fresh = randomBytes(32);
            if (await this.kv.setWithOptions(httpKeys.envelopeKey, fresh, {atomic: true, oldValue: stored && stored.length > 0 ? stored : null})) return fresh;
        }
        throw new Error('cannot create the envelope key');
    }
}
