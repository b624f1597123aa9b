import {keys} from './keys';
import {localNodeKey, NodeRegistry} from './node_registry';
import {memoryLogger} from './testing/factories';
import {MemoryKV} from './testing/memory_kv';

describe('NodeRegistry', () => {
    let t = 0;
    const clock = {now: () => t};
    const options = {heartbeatMs: 100, lapseMs: 1000};
    const registry = (kv: MemoryKV, key: string, incarnation: string, logger = memoryLogger()) => new NodeRegistry(kv, clock, logger, key, incarnation, options);
    beforeEach(() => (t = 0));

    it('names a node the same way across restarts of its plugin process', () => {
        const exe = '/opt/mattermost/plugins/tripwire/server/dist/plugin-linux-amd64';
        const node = {execPath: exe, argv: [exe], ppid: 42};
        expect(localNodeKey(node)).toBe(localNodeKey({...node}));
        expect(localNodeKey(node)).toMatch(/^[0-9a-f]{20}$/);
        // Another server process, or another node's plugins folder on the same machine: another node.
        expect(localNodeKey({...node, ppid: 43})).not.toBe(localNodeKey(node));
        expect(localNodeKey({...node, argv: [exe, '/srv/mm2/plugins/tripwire/server/dist/plugin-linux-amd64']})).not.toBe(localNodeKey(node));
        expect(registry(new MemoryKV(), 'k', 'i').owner).toBe('k.i');
    });

    it('treats another incarnation of its own node as dead at once, and itself and unknown owners as alive', async () => {
        const kv = new MemoryKV();
        const now = registry(kv, 'node1', 'second');
        await now.register();
        expect(await now.isDead('node1.first')).toBe(true);
        expect(await now.isDead('node1.second')).toBe(false);
        expect(await now.isDead('legacy-owner-without-key')).toBe(false);
        expect(await now.isDead('node9.unregistered')).toBe(false);
    });

    it('treats another node as dead when it restarted (a new incarnation) or its heartbeat lapsed', async () => {
        const kv = new MemoryKV();
        const other = registry(kv, 'node2', 'a');
        await other.register();
        const me = registry(kv, 'node1', 'x');
        expect(await me.isDead('node2.a')).toBe(false);
        t = 500;
        await other.beat();
        t = 1400;
        expect(await me.isDead('node2.a')).toBe(false);
        t = 1600;
        expect(await me.isDead('node2.a')).toBe(true);
        await registry(kv, 'node2', 'b').register();
        t = 1601;
        expect(await me.isDead('node2.a')).toBe(true);
        t = 1800;
        expect(await me.isDead('node2.b')).toBe(false);
        // Fresh heartbeat, but from b: a is superseded (node2 restarted), so dead.
        expect(await me.isDead('node2.a')).toBe(true);
    });

    it('reports each other node that died since the last look once, and forgets nodes silent for a day', async () => {
        const kv = new MemoryKV();
        const me = registry(kv, 'node1', 'x');
        await me.register();
        const other = registry(kv, 'node2', 'a');
        await other.register();
        expect(await me.deaths()).toEqual([]);
        t = 900;
        await other.beat();
        t = 1800;
        expect(await me.deaths()).toEqual([]);
        t = 2000;
        expect(await me.deaths()).toEqual(['node2.a']);
        expect(await me.deaths()).toEqual([]);
        // It comes back (a new process), then restarts again: the superseded incarnation died.
        await registry(kv, 'node2', 'b').register();
        expect(await me.deaths()).toEqual([]);
        await registry(kv, 'node2', 'c').register();
        expect(await me.deaths()).toEqual(['node2.b']);
        t += 86_400_001;
        await me.beat();
        expect(await me.deaths()).toEqual(['node2.c']);
        expect(JSON.parse(Buffer.from(kv.peek(keys.nodes)!).toString())).toEqual(['node1']);
        expect(kv.peek(keys.node('node2')) ?? null).toBeNull();
    });

    it('stops judging by the key alone when two live processes share it', async () => {
        const kv = new MemoryKV();
        const logger = memoryLogger();
        const first = registry(kv, 'node1', 'a', logger);
        await first.register();
        const second = registry(kv, 'node1', 'b');
        await second.register();
        expect(await second.isDead('node1.a')).toBe(true);
        await first.beat();
        await second.beat();
        expect(await first.isDead('node1.b')).toBe(false);
        expect(await second.isDead('node1.a')).toBe(false);
        expect(JSON.parse(Buffer.from(kv.peek(keys.node('node1'))!).toString())).toMatchObject({collided: true});
        expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
        // Other nodes do not take a colliding key's leases over either.
        t = 5000;
        expect(await registry(kv, 'node3', 'z').isDead('node1.a')).toBe(false);
    });
});
