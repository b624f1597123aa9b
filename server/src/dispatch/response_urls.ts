import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';

import type {KVStore} from '../ports';

import {keys} from './keys';
import {updateJson} from '../ports/kv_json';

/** A response_url path segment: `<delivery id>.<expiry, base 36 ms>.<signature>`. */
export interface ResponseUrlClaims {
    deliveryId: string;
    expiresAt: number;
}

export type RedeemFailure = 'invalid' | 'expired' | 'used_up';

/**
 * Scoped reply URLs (`<site>/plugins/tripwire/r/<token>`): signed with a cluster-wide key, so issuing one costs no KV
 * write on the delivery's hot path; what they may post to (channel, thread) is read from the delivery itself when
 * used, and uses are counted in the KV store with compare-and-set.
 */
export class ResponseUrls {
    private key: Buffer | undefined;

    constructor(
        private readonly kv: KVStore,
        private readonly baseUrl: () => string,
    ) {}

    /** Loads the signing key, creating it once for the whole cluster. */
    async init(): Promise<void> {
        for (let i = 0; i < 3 && !this.key; i++) {
            const stored = await this.kv.get(keys.responseUrlKey);
            if (stored && stored.length > 0) {
                this.key = Buffer.from(stored);
                break;
            }
            const fresh = randomBytes(32);
            if (await this.kv.setWithOptions(keys.responseUrlKey, fresh, {atomic: true, oldValue: null})) this.key = fresh;
        }
        if (!this.key) throw new Error('cannot create the response_url signing key');
    }

    /** The URL for a delivery, valid until `expiresAt`. */
    issue(deliveryId: string, expiresAt: number): string {
        const payload = `${deliveryId}.${expiresAt.toString(36)}`;
        return `${this.baseUrl().replace(/\/+$/, '')}/plugins/tripwire/r/${payload}.${this.sign(payload)}`;
    }

    /** Checks a token's signature and expiry (no KV access). */
    verify(token: string, now: number): ResponseUrlClaims | RedeemFailure {
        const m = /^([0-9a-z]{26})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
        if (!m) return 'invalid';
        const [, deliveryId, expiry, signature] = m as unknown as [string, string, string, string];
        const expected = Buffer.from(this.sign(`${deliveryId}.${expiry}`));
        const given = Buffer.from(signature);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
        const expiresAt = parseInt(expiry, 36);
        return expiresAt <= now ? 'expired' : {deliveryId, expiresAt};
    }

    /** Counts one use; false when all `maxUses` are spent. */
    async use(claims: ResponseUrlClaims, maxUses: number, now: number): Promise<boolean> {
        let allowed = false;
        const expireInSeconds = Math.max(1, Math.ceil((claims.expiresAt - now) / 1000));
        await updateJson(
            this.kv,
            keys.responseUrlUses(claims.deliveryId),
            (raw) => (typeof raw === 'number' ? raw : 0),
            (used) => {
                allowed = (used ?? 0) < maxUses;
                return allowed ? (used ?? 0) + 1 : undefined;
            },
            {expireInSeconds},
        );
        return allowed;
    }

    private sign(payload: string): string {
        if (!this.key) throw new Error('ResponseUrls.init() was not called');
        return createHmac('sha256', this.key).update(payload).digest('base64url');
    }
}
