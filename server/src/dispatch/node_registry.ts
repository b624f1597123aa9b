import {createHash} from 'node:crypto';
import {hostname} from 'node:os';

import {z} from 'zod';

import type {Clock, KVStore, Logger} from '../ports';
import {encodeJson, getJson} from '../ports/kv_json';

import {keys} from './keys';

/**
 * This Mattermost node, stable across restarts of the plugin process: Mattermost gives plugins no node id
 * (GetDiagnosticId is the same on every node), but the plugin's parent is the server process, so the host name, the
 * plugin's folder (its working directory) and the server's pid (its parent pid) name one server process on one
 * machine. A kill -9'd plugin comes back under the same key; a restarted server gets a new one (its old leases then
 * wait for expiry or a lapsed heartbeat).
 */
export function localNodeKey(pluginDir: string, serverPid: number): string {
    return createHash('sha256').update(`${hostname()}\u0000${pluginDir}\u0000${serverPid}`).digest('hex').slice(0, 20);
}

const entrySchema = z.object({
    incarnation: z.string(),
    beat_at: z.number(),
    /** Two live processes wrote under this key: nobody may treat the other as dead by the key alone. */
    collided: z.boolean().optional(),
});
type Entry = z.output<typeof entrySchema>;

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
