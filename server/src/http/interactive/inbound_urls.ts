import {createHash, randomBytes} from 'node:crypto';

import {type KVStore} from '../../ports';

import {httpKeys} from './keys';

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Per-rule inbound URLs: `<site>/plugins/tripwire/in/<token>`. Only the token's hash is stored, so reading the KV
 * store does not reveal working URLs; a rule has at most one, and making a new one revokes the old.
 */
export class InboundUrls {
    constructor(
        private readonly kv: KVStore,
        private readonly siteUrl: () => string,
    ) {}

    /** A new URL for the rule (the only time it is shown); the previous one stops working. */
    async create(ruleId: string): Promise<string> {
        await this.revoke(ruleId);
        const token = randomBytes(32).toString('base64url');
        const hash = hashOf(token);
        await this.kv.set(httpKeys.inboundToken(hash), encoder.encode(ruleId));
        await this.kv.set(httpKeys.inboundOfRule(ruleId), encoder.encode(hash));
        return `${this.siteUrl().replace(/\/+$/, '')}/plugins/tripwire/in/${token}`;
    }

    async revoke(ruleId: string): Promise<void> {
        const hash = await this.kv.get(httpKeys.inboundOfRule(ruleId));
        if (hash && hash.length > 0) await this.kv.delete(httpKeys.inboundToken(decoder.decode(hash)));
        await this.kv.delete(httpKeys.inboundOfRule(ruleId));
    }

    async exists(ruleId: string): Promise<boolean> {
        const hash = await this.kv.get(httpKeys.inboundOfRule(ruleId));
        return Boolean(hash && hash.length > 0);
    }

    /** The rule a token belongs to, or null. */
    async ruleOf(token: string): Promise<string | null> {
        if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
        const ruleId = await this.kv.get(httpKeys.inboundToken(hashOf(token)));
        return ruleId && ruleId.length > 0 ? decoder.decode(ruleId) : null;
    }
}
