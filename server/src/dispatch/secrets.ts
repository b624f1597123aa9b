import * as z from 'zod';

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
    /** Secret header values (templates) by endpoint id, then by lower-case header name. */
    headers: z.record(z.string(), z.record(z.string(), z.string())).default({}),
});
type RuleSecrets = z.output<typeof ruleSecretsSchema>;
const parse = (raw: unknown): RuleSecrets => ruleSecretsSchema.parse(raw);
const empty = (): RuleSecrets => ({endpoints: {}, headers: {}});

/** What the API may say about a rule's secrets: whether they exist, never their values. */
export interface SecretsSummary {
    has_token: boolean;
    endpoints_with_secret: string[];
    /** Lower-case secret header names with a stored value, by endpoint id. */
    headers_set: Record<string, string[]>;
}

/** Several secret changes of one rule, written at once. */
export interface SecretEdit {
    /** Endpoints whose signing secret and header values are removed (first, before everything else here). */
    removeEndpoints?: readonly string[];
    /** Replaces an endpoint's header values: the stored ones named in `keep` stay, then `set` is added (names any case). */
    headers?: Record<string, {keep: readonly string[]; set: Readonly<Record<string, string>>}>;
    /** New signing secrets (no rotation grace: the old one stops signing at once). */
    signing?: Readonly<Record<string, string>>;
    /** '' removes the token; undefined leaves it. */
    token?: string | undefined;
}

/**
 * Write-only secrets, stored apart from the rule under one KV key per rule. Reads are cached briefly because every
 * attempt signs; a change made on another node is seen within `cacheMs` (a rotation keeps the old secret signing
 * meanwhile, so receivers notice nothing).
 */
export class SecretStore {
    private readonly cache = new Map<string, {value: RuleSecrets; at: number}>();
    /** Reads under way: deliveries submitted together after the cache lapsed share one read. */
    private readonly loading = new Map<string, Promise<RuleSecrets>>();

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

    /** An endpoint's secret header values, by lower-case name. */
    async headers(ruleId: string, endpointId: string): Promise<Record<string, string>> {
        return {...(await this.load(ruleId)).headers[endpointId]};
    }

    /** Every secret value of a rule (token, signing secrets, header values), for redaction. */
    async values(ruleId: string): Promise<string[]> {
        const s = await this.load(ruleId);
        const out = Object.values(s.endpoints).flatMap((e) => [e.current, ...(e.previous ? [e.previous] : [])]);
        const headers = Object.values(s.headers).flatMap((h) => Object.values(h));
        return [...(s.token ? [s.token] : []), ...out, ...headers];
    }

    /**
     * Applies several changes in one write.
     * @throws Error when a signing secret is not in whsec_ form (nothing is written)
     */
    async edit(ruleId: string, edit: SecretEdit): Promise<void> {
        for (const secret of Object.values(edit.signing ?? {})) {
            if (!secretKey(secret)) throw new Error('a signing secret is whsec_ followed by base64 of 24 to 64 bytes');
        }
        await this.update(ruleId, (s) => {
            for (const id of edit.removeEndpoints ?? []) {
                delete s.endpoints[id];
                delete s.headers[id];
            }
            for (const [id, {keep, set}] of Object.entries(edit.headers ?? {})) {
                const old = s.headers[id] ?? {};
                const next: Record<string, string> = {};
                for (const name of keep) if (old[name.toLowerCase()] !== undefined) next[name.toLowerCase()] = old[name.toLowerCase()]!;
                for (const [name, value] of Object.entries(set)) next[name.toLowerCase()] = value;
                if (Object.keys(next).length > 0) s.headers[id] = next;
                else delete s.headers[id];
            }
            for (const [id, secret] of Object.entries(edit.signing ?? {})) s.endpoints[id] = {current: secret};
            if (edit.token !== undefined) {
                if (edit.token) s.token = edit.token;
                else delete s.token;
            }
        });
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

    /** Removes everything stored for an endpoint: its signing secret and its secret header values. */
    async removeEndpoint(ruleId: string, endpointId: string): Promise<void> {
        await this.edit(ruleId, {removeEndpoints: [endpointId]});
    }

    async setToken(ruleId: string, token: string): Promise<void> {
        await this.update(ruleId, (s) => void (token ? (s.token = token) : delete s.token));
    }

    async summary(ruleId: string): Promise<SecretsSummary> {
        const s = await this.load(ruleId);
        const headers_set = Object.fromEntries(Object.entries(s.headers).map(([id, h]) => [id, Object.keys(h).sort()]));
        return {has_token: Boolean(s.token), endpoints_with_secret: Object.keys(s.endpoints).sort(), headers_set};
    }

    async deleteRule(ruleId: string): Promise<void> {
        await this.kv.delete(keys.secrets(ruleId));
        this.cache.delete(ruleId);
        this.loading.delete(ruleId);
    }

    /** Drops cached secrets (e.g. on a cluster event saying another node changed them). */
    invalidate(ruleId?: string): void {
        if (ruleId === undefined) {
            this.cache.clear();
            this.loading.clear();
        } else {
            this.cache.delete(ruleId);
            this.loading.delete(ruleId);
        }
    }

    private async load(ruleId: string): Promise<RuleSecrets> {
        const cached = this.cache.get(ruleId);
        if (cached && this.clock.now() - cached.at < this.cacheMs) return cached.value;
        const inFlight = this.loading.get(ruleId);
        if (inFlight) return inFlight;
        const read = getJson(this.kv, keys.secrets(ruleId), parse).then((stored) => stored?.value ?? empty());
        this.loading.set(ruleId, read);
        let value: RuleSecrets;
        try {
            value = await read;
        } catch (err) {
            if (this.loading.get(ruleId) === read) this.loading.delete(ruleId);
            throw err;
        }
        // Not cached when a change or an invalidation came meanwhile: what was read may predate it.
        if (this.loading.get(ruleId) === read) {
            this.loading.delete(ruleId);
            this.cache.set(ruleId, {value, at: this.clock.now()});
        }
        return value;
    }

    private async update(ruleId: string, change: (s: RuleSecrets) => void): Promise<void> {
        this.loading.delete(ruleId);
        const next = await updateJson(this.kv, keys.secrets(ruleId), parse, (current) => {
            const s = current ?? empty();
            change(s);
            return s;
        });
        this.cache.set(ruleId, {value: next ?? empty(), at: this.clock.now()});
    }
}
