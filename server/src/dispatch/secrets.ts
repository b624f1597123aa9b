import {z} from 'zod';

import type {Clock, KVStore} from '../ports';

import {keys} from './keys';
import {getJson, updateJson} from '../ports/kv_json';
import {secretKey} from './signing';

const ruleSecretsSchema = z.object({
    token: z.string().optional(),
    endpoints: z.record(
        z.string(),
        z.object({current: z.string(), previous: z.string().optional(), previous_until: z.number().optional()}),
    ),
});
type RuleSecrets = z.output<typeof ruleSecretsSchema>;
const parse = (raw: unknown): RuleSecrets => ruleSecretsSchema.parse(raw);

/** What the API may say about a rule's secrets: whether they exist, never their values. */
export interface SecretsSummary {
    has_token: boolean;
    endpoints_with_secret: string[];
}

/**
 * Write-only secrets, stored apart from the rule under one KV key per rule. Reads are cached briefly because every
 * attempt signs; a change made on another node is seen within `cacheMs` (a rotation keeps the old secret signing
 * meanwhile, so receivers notice nothing).
 */
export class SecretStore {
    private readonly cache = new Map<string, {value: RuleSecrets; at: number}>();

    constructor(
        private readonly kv: KVStore,
        private readonly clock: Clock,
        private readonly cacheMs = 10_000,
    ) {}

    /** The secrets that sign an endpoint's requests now: the current one, plus the previous one during a rotation. */
    async signingSecrets(ruleId: string, endpointId: string): Promise<string[]> {
        const entry = (await this.load(ruleId)).endpoints[endpointId];
        if (!entry) return [];
        const inGrace = entry.previous !== undefined && (entry.previous_until ?? 0) > this.clock.now();
        return inGrace ? [entry.current, entry.previous!] : [entry.current];
    }

    /** The native-compatible body `token`; empty when none was set. */
    async token(ruleId: string): Promise<string> {
        return (await this.load(ruleId)).token ?? '';
    }

    /** Every secret value of a rule, for redaction. */
    async values(ruleId: string): Promise<string[]> {
        const s = await this.load(ruleId);
        const out = Object.values(s.endpoints).flatMap((e) => [e.current, ...(e.previous ? [e.previous] : [])]);
        return s.token ? [s.token, ...out] : out;
    }

    /**
     * Sets an endpoint's signing secret (`whsec_` + base64 of 24-64 bytes). With `keepPreviousForMs`, the old secret
     * keeps signing alongside the new one for that long (Standard Webhooks rotation).
     * @throws Error when the secret is not in whsec_ form
     */
    async setSigningSecret(ruleId: string, endpointId: string, secret: string, keepPreviousForMs = 0): Promise<void> {
        if (!secretKey(secret)) throw new Error('a signing secret is whsec_ followed by base64 of 24 to 64 bytes');
        await this.update(ruleId, (s) => {
            const old = s.endpoints[endpointId]?.current;
            const keep = old !== undefined && old !== secret && keepPreviousForMs > 0;
            s.endpoints[endpointId] = keep ? {current: secret, previous: old, previous_until: this.clock.now() + keepPreviousForMs} : {current: secret};
        });
    }

    async removeSigningSecret(ruleId: string, endpointId: string): Promise<void> {
        await this.update(ruleId, (s) => void delete s.endpoints[endpointId]);
    }

    async setToken(ruleId: string, token: string): Promise<void> {
        await this.update(ruleId, (s) => void (token ? (s.token = token) : delete s.token));
    }

    async summary(ruleId: string): Promise<SecretsSummary> {
        const s = await this.load(ruleId);
        return {has_token: Boolean(s.token), endpoints_with_secret: Object.keys(s.endpoints).sort()};
    }

    async deleteRule(ruleId: string): Promise<void> {
        await this.kv.delete(keys.secrets(ruleId));
        this.cache.delete(ruleId);
    }

    /** Drops cached secrets (e.g. on a cluster event saying another node changed them). */
    invalidate(ruleId?: string): void {
        if (ruleId === undefined) this.cache.clear();
        else this.cache.delete(ruleId);
    }

    private async load(ruleId: string): Promise<RuleSecrets> {
        const cached = this.cache.get(ruleId);
        if (cached && this.clock.now() - cached.at < this.cacheMs) return cached.value;
        const value = (await getJson(this.kv, keys.secrets(ruleId), parse))?.value ?? {endpoints: {}};
        this.cache.set(ruleId, {value, at: this.clock.now()});
        return value;
    }

    private async update(ruleId: string, change: (s: RuleSecrets) => void): Promise<void> {
        const next = await updateJson(this.kv, keys.secrets(ruleId), parse, (current) => {
            const s = current ?? {endpoints: {}};
            change(s);
            return s;
        });
        this.cache.set(ruleId, {value: next ?? {endpoints: {}}, at: this.clock.now()});
    }
}
