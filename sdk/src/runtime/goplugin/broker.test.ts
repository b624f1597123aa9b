import {type Duplex} from 'node:stream';
import {YamuxSession, type YamuxStream} from '../yamux';
import {duplexPair} from '../yamux/testing/duplex_pair';
import {once, readAll} from '../yamux/testing/streams';
import {YamuxMuxBroker} from './broker';

const le32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
};

/** A plugin-side broker, and the host end as a plain yamux client that follows mux_broker.go by hand. */
function setup(opts: {acceptTimeoutMs?: number} = {}) {
    const [a, b] = duplexPair();
    const host = new YamuxSession(a, {isServer: false, keepAliveMs: 0});
    const plugin = new YamuxSession(b, {isServer: true, keepAliveMs: 0});
    const broker = new YamuxMuxBroker(opts);
    broker.attach(plugin);
    plugin.on('stream', (s: YamuxStream) => broker.handleIncoming(s));
    return {host, plugin, broker};
}

/** The next n bytes, leaving the stream usable (unlike breaking out of for-await, which destroys it). */
function readN(s: Duplex, n: number): Promise<Buffer> {
    return new Promise((resolve) => {
        const onReadable = () => {
            const b = s.read(n) as Buffer | null;
            if (b === null) return;
            s.off('readable', onReadable);
            resolve(b);
        };
        s.on('readable', onReadable);
    });
}

describe('YamuxMuxBroker', () => {
    it('hands out ids from 1', () => {
        const broker = new YamuxMuxBroker();
        expect([broker.nextId(), broker.nextId(), broker.nextId()]).toEqual([1, 2, 3]);
    });

    it('accept(id): takes the host stream with that id, acks it with the same 4 bytes, keeps the bytes after the id', async () => {
        const {host, plugin, broker} = setup();
        const accepted = broker.accept(7);
        const s = await host.open();
        s.write(Buffer.concat([le32(7), Buffer.from('payload')]));
        const mine = await accepted;
        expect((await readN(s, 4)).equals(le32(7))).toBe(true);
        s.end();
        expect((await readAll(mine)).toString()).toBe('payload');
        host.close();
        plugin.close();
    });

    it('accept(id) also finds a stream that arrived before it was called, even with its id split in pieces', async () => {
        const {host, plugin, broker} = setup();
        const s = await host.open();
        s.write(le32(3).subarray(0, 1));
        await new Promise((r) => setTimeout(r, 10));
        s.write(le32(3).subarray(1));
        await new Promise((r) => setTimeout(r, 20));
        const mine = await broker.accept(3);
        expect(mine).toBeDefined();
        expect((await readN(s, 4)).equals(le32(3))).toBe(true);
        host.close();
        plugin.close();
    });

    it('accept(id) fails after its timeout', async () => {
        const {host, plugin, broker} = setup({acceptTimeoutMs: 50});
        await expect(broker.accept(9)).rejects.toThrow(/timeout waiting for accept/);
        host.close();
        plugin.close();
    });

    it('dial(id): sends the id with the SYN, checks the ack, and the stream then carries data', async () => {
        const {host, plugin, broker} = setup();
        const incoming = once<YamuxStream>(host, 'stream');
        const dialing = broker.dial(5);
        const s = await incoming;
        expect((await readN(s, 4)).equals(le32(5))).toBe(true);
        s.write(le32(5));
        const mine = await dialing;
        mine.end('over the broker');
        expect((await readAll(s)).toString()).toBe('over the broker');
        host.close();
        plugin.close();
    });

    it('dial(id) rejects a wrong ack and a stream closed without one', async () => {
        const {host, plugin, broker} = setup();
        host.on('stream', (s: YamuxStream) => {
            s.once('data', (id: Buffer) => (id.readUInt32LE(0) === 1 ? s.write(le32(2)) : s.end()));
        });
        await expect(broker.dial(1)).rejects.toThrow('bad ack: 2 (expected 1)');
        await expect(broker.dial(4)).rejects.toThrow(/stream closed/);
        host.close();
        plugin.close();
    });

    it('dial() before the host connects waits for the session', async () => {
        const [a, b] = duplexPair();
        const host = new YamuxSession(a, {isServer: false, keepAliveMs: 0});
        const broker = new YamuxMuxBroker();
        const dialing = broker.dial(2);
        const plugin = new YamuxSession(b, {isServer: true, keepAliveMs: 0});
        host.on('stream', (s: YamuxStream) => s.once('data', (id: Buffer) => s.write(id)));
        broker.attach(plugin);
        await expect(dialing).resolves.toBeDefined();
        host.close();
        plugin.close();
    });
});
