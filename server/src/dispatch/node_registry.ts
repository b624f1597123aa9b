import {createHash} from 'node:crypto';
import {hostname} from 'node:os';

import * as z from 'zod';

import type {Clock, KVStore, Logger} from '../ports';
import {encodeJson, getJson, updateJson} from '../ports/kv_json';

import {keys} from './keys';

/**
 * This Mattermost node, stable across restarts of the plugin process: Mattermost gives plugins no node id
 * (GetDiagnosticId is the same on every node), but a node's plugin process is always the same executable in that
 * node's plugins folder, started by the same server process. So the host name, the command line (the executable's
 * path: the shipped single executable, or a launcher script that passes its own path) and the server's pid (the
 * parent pid) name one node. A kill -9'd plugin comes back under the same key; a restarted server gets a new one (its
 * old leases then wait for a lapsed heartbeat or expiry).
 */
export function localNodeKey(process: {execPath: string; argv: readonly string[]; ppid: number}): string {
    const parts = [hostname(), process.execPath, ...process.argv.slice(1), String(process.ppid)];
    return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);
}

const entrySchema = z.object({
    incarnation: z.string(),
    beat_at: z.number(),
    /** Two live processes wrote under this key: nobody may treat the other as dead by the key alone. */
    collided: z.boolean().optional(),
});
type Entry = z.output<typeof entrySchema>;
const nodeListSchema = z.array(z.string());

/** A node key not heard of for this long is forgotten (a server restart gives a node a new key). */
const FORGET_MS = 86_400_000;

export interface NodeRegistryOptions {
    /** How often a node writes that it is alive. */
    heartbeatMs: number;
    /** A node not heard of for this long is dead: other nodes take its leases over without waiting for expiry. */
    lapseMs: number;
}

export const defaultNodeRegistryOptions: NodeRegistryOptions = {heartbeatMs: 10_000, lapseMs: 30_000};

/**
 * Who holds leases: each plugin process is an incarnation of its node (`owner` = node key + random incarnation id).
 * Mattermost runs one plugin process per node, so a lease held by another incarnation of this node's key belongs to
 * a dead process and is taken over at once on start (its in-flight attempts are resent: same webhook-id, the next
 * attempt number). Other nodes see a node restart (a new incarnation in its entry) or its heartbeat lapse.
 */
export class NodeRegistry {
    readonly owner: string;
    private unique = true;
    private readonly seen = new Map<string, {entry: Entry | null; at: number}>();
    /** Other nodes' incarnations last seen alive, and last reported dead (see deaths()). */
    private readonly alive = new Map<string, string>();
    private readonly dead = new Map<string, string>();
    private primed = false;

    constructor(
        private readonly kv: KVStore,
        private readonly clock: Clock,
        private readonly logger: Logger,
        private readonly nodeKey: string,
        private readonly incarnation: string,
        private readonly options: NodeRegistryOptions = defaultNodeRegistryOptions,
    ) {
        this.owner = `${nodeKey}.${incarnation}`;
    }

    /** Writes this incarnation as its node's live one (replacing the dead one, if any). */
    async register(): Promise<void> {
        await this.kv.set(keys.node(this.nodeKey), encodeJson({incarnation: this.incarnation, beat_at: this.clock.now()} satisfies Entry));
        await updateJson(this.kv, keys.nodes, nodeListSchema.parse, (list) => (list?.includes(this.nodeKey) ? undefined : [...(list ?? []), this.nodeKey]));
    }

    /**
     * Other nodes' incarnations that died since the last look (heartbeat lapsed, or the node restarted): the caller
     * sweeps the pending index at once to take their leases over. Nodes silent for a day leave the list.
     */
    async deaths(): Promise<string[]> {
        const now = this.clock.now();
        const list = (await getJson(this.kv, keys.nodes, nodeListSchema.parse))?.value ?? [];
        const died: string[] = [];
        const forgotten: string[] = [];
        for (const key of list) {
            if (key === this.nodeKey) continue;
            const entry = (await getJson(this.kv, keys.node(key), entrySchema.parse).catch(() => null))?.value;
            this.seen.set(key, {entry: entry ?? null, at: now});
            if (!entry) {
                forgotten.push(key);
                continue;
            }
            const before = this.alive.get(key);
            if (now - entry.beat_at <= this.options.lapseMs) {
                if (before !== undefined && before !== entry.incarnation) died.push(`${key}.${before}`);
                this.alive.set(key, entry.incarnation);
            } else {
                if (this.dead.get(key) !== entry.incarnation) died.push(`${key}.${entry.incarnation}`);
                this.dead.set(key, entry.incarnation);
                this.alive.delete(key);
            }
            if (now - entry.beat_at > FORGET_MS) forgotten.push(key);
        }
        // The first look (at start) only takes stock: the start's own sweep covers what dead nodes left.
        const first = !this.primed;
        this.primed = true;
        if (forgotten.length > 0) {
            await updateJson(this.kv, keys.nodes, nodeListSchema.parse, (l) => (l ?? []).filter((k) => !forgotten.includes(k)));
            await Promise.all(forgotten.map((k) => this.kv.delete(keys.node(k))));
            for (const k of forgotten) this.dead.delete(k);
        }
        return first ? [] : died;
    }

    /**
     * Says this node is alive. Finding another incarnation in its entry means two live processes share the key (a
     * misconfigured host): both stop taking each other's leases over and wait for expiry like any other node.
     */
    async beat(): Promise<void> {
        const current = (await getJson(this.kv, keys.node(this.nodeKey), entrySchema.parse))?.value;
        const collided = current?.collided || (current !== undefined && current.incarnation !== this.incarnation);
        if (collided && this.unique) this.logger.error('another live plugin process uses this node key; leases of dead processes now wait for expiry', {node_key: this.nodeKey});
        this.unique = !collided;
        await this.kv.set(keys.node(this.nodeKey), encodeJson({incarnation: this.incarnation, beat_at: this.clock.now(), ...(collided && {collided: true})} satisfies Entry));
    }

    /** Is the process that holds a lease known dead? Unknown owners (old records, unreadable entries) are not. */
    async isDead(owner: string): Promise<boolean> {
        const dot = owner.lastIndexOf('.');
        if (dot <= 0 || owner === this.owner) return false;
        const key = owner.slice(0, dot);
        const incarnation = owner.slice(dot + 1);
        if (key === this.nodeKey) return this.unique;
        const entry = await this.entryOf(key);
        if (!entry || entry.collided) return false;
        return entry.incarnation !== incarnation || this.clock.now() - entry.beat_at > this.options.lapseMs;
    }

    private async entryOf(key: string): Promise<Entry | null> {
        const now = this.clock.now();
        const cached = this.seen.get(key);
        if (cached && now - cached.at < this.options.heartbeatMs) return cached.entry;
        const entry = (await getJson(this.kv, keys.node(key), entrySchema.parse).catch(() => null))?.value ?? null;
        if (this.seen.size > 1000) this.seen.clear();
        this.seen.set(key, {entry, at: now});
        return entry;
    }
}
