import {Flag, FrameParser, FrameType, GoAwayCode} from './frame';
import {YamuxSession} from './session';
import {type YamuxStream} from './stream';
import {duplexPair} from './testing/duplex_pair';
import {RawPeer} from './testing/raw_peer';
import {once, pattern, readAll, within} from './testing/streams';

const sessions: YamuxSession[] = [];
afterEach(() => {
    for (const s of sessions.splice(0)) s.close();
});

function pair(maxPiece?: number) {
    const [a, b] = duplexPair(maxPiece === undefined ? {} : {maxPiece});
    const client = new YamuxSession(a, {isServer: false, keepAliveMs: 0});
    const server = new YamuxSession(b, {isServer: true, keepAliveMs: 0});
    sessions.push(client, server);
    return {client, server};
}

function rawServer(opts: {keepAliveMs?: number; keepAliveTimeoutMs?: number} = {}) {
    const [a, b] = duplexPair();
    const session = new YamuxSession(a, {isServer: true, keepAliveMs: 0, ...opts});
    sessions.push(session);
    return {session, peer: new RawPeer(b)};
}

const echo = (s: YamuxStream) => s.pipe(s);

describe('YamuxSession between two instances', () => {
    it('carries data both ways with frames cut at random bytes, with odd ids for the client and even for the server', async () => {
        const {client, server} = pair(7);
        server.on('stream', echo);
        const c1 = await client.open();
        const c2 = await client.open();
        expect([c1.id, c2.id]).toEqual([1, 3]);
        const msg = pattern(100_000, 3);
        c1.end(msg);
        c2.end('small');
        expect((await readAll(c1)).equals(msg)).toBe(true);
        expect((await readAll(c2)).toString()).toBe('small');

        client.on('stream', echo);
        const s1 = await server.open();
        expect(s1.id).toBe(2);
        s1.end('from the server');
        expect((await readAll(s1)).toString()).toBe('from the server');
    });

    it('half-closes: the side that ended can still read, and the stream is forgotten after both FINs', async () => {
        const {client, server} = pair();
        const accepted = once<YamuxStream>(server, 'stream');
        const c = await client.open();
        c.end('question');
        const s = await accepted;
        expect((await readAll(s)).toString()).toBe('question');
        s.end('answer');
        expect((await readAll(c)).toString()).toBe('answer');
        await new Promise((r) => setImmediate(r));
        expect(client.streamCount).toBe(0);
        expect(server.streamCount).toBe(0);
    });

    it('resets: destroying one end errors the other end and leaves other streams working', async () => {
        const {client, server} = pair();
        const got: YamuxStream[] = [];
        server.on('stream', (s: YamuxStream) => got.push(s));
        const doomed = await client.open();
        const healthy = await client.open();
        doomed.write('x');
        await new Promise((r) => setImmediate(r));
        const remote = got[0] as YamuxStream;
        const failed = once<Error & {code?: string}>(remote, 'error');
        doomed.destroy();
        expect((await failed).code).toBe('ECONNRESET');
        echo(got[1] as YamuxStream);
        healthy.end('still fine');
        expect((await readAll(healthy)).toString()).toBe('still fine');
    });

    it('a reset stream without an error listener closes quietly instead of crashing', async () => {
        const {client, server} = pair();
        const accepted = once<YamuxStream>(server, 'stream');
        const c = await client.open();
        c.write('x');
        const s = await accepted;
        const closed = once(s, 'close');
        c.destroy();
        await closed;
        expect(s.destroyed).toBe(true);
        expect(server.isClosed).toBe(false);
    });

    it('after a GoAway from the peer, open() rejects and existing streams keep working', async () => {
        const {client, server} = pair();
        const accepted = once<YamuxStream>(server, 'stream');
        const before = await client.open();
        echo(await accepted); // the SYN must reach the server before its GoAway, or the server resets it
        const goaway = once(client, 'goaway');
        server.goAway();
        await goaway;
        await expect(client.open()).rejects.toMatchObject({code: 'ERR_YAMUX_REMOTE_GOAWAY'});
        before.end('ok');
        expect((await readAll(before)).toString()).toBe('ok');
    });

    it('answers pings and measures their round trip', async () => {
        const {client} = pair();
        const rtt = await client.ping();
        expect(rtt).toBeGreaterThanOrEqual(0);
    });

    it('keepalive pings are answered, so an idle session stays open', async () => {
        // Fake timers drive the keepalive clock; stream I/O (nextTick, setImmediate) stays real.
        jest.useFakeTimers({doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask']});
        try {
            const [a, b] = duplexPair();
            const client = new YamuxSession(a, {isServer: false, keepAliveMs: 10, keepAliveTimeoutMs: 50});
            const server = new YamuxSession(b, {isServer: true, keepAliveMs: 10, keepAliveTimeoutMs: 50});
            sessions.push(client, server);
            let pongs = 0;
            b.on('data', (c: Buffer) => {
                // Ping ACKs the server sends back to the client.
                if (c.length >= 12 && c[1] === FrameType.Ping && c.readUInt16BE(2) === Flag.ACK) pongs++;
            });
            // 20 keepalive periods, each followed by a real turn of the event loop for the frames to travel.
            for (let i = 0; i < 20; i++) {
                await jest.advanceTimersByTimeAsync(10);
                await new Promise((r) => setImmediate(r));
            }
            expect(client.isClosed).toBe(false);
            expect(server.isClosed).toBe(false);
            expect(pongs).toBeGreaterThanOrEqual(15);
        } finally {
            jest.useRealTimers();
        }
    });

    it('close() rejects pending opens, pending writes and pings, and emits close once', async () => {
        const {client, server} = pair();
        const accepted = once<YamuxStream>(server, 'stream');
        const c = await client.open();
        c.on('error', () => undefined);
        c.write('start');
        const s = await accepted;
        s.pause(); // never read: the 1 MiB write stalls once the window is used up
        const writeDone = new Promise<Error | null | undefined>((resolve) => c.write(pattern(1 << 20), resolve));
        await new Promise((r) => setTimeout(r, 20));
        let closes = 0;
        client.on('close', () => closes++);
        const serverClosed = once(server, 'close');
        client.close();
        const err = await writeDone;
        expect(err).toBeInstanceOf(Error);
        await expect(client.open()).rejects.toMatchObject({code: 'ERR_YAMUX_SESSION_CLOSED'});
        await expect(client.ping()).rejects.toMatchObject({code: 'ERR_YAMUX_SESSION_CLOSED'});
        client.close();
        await new Promise((r) => setImmediate(r));
        expect(closes).toBe(1);
        await serverClosed;
    });

    it('a 4 MiB write over a slow reader keeps at most about one window in flight', async () => {
        let sentPayload = 0;
        let received = 0;
        let maxInFlight = 0;
        // Count the Data payload the writer lets go onto its connection.
        const wire = new FrameParser({
            onHeader: () => undefined,
            onPayload: (piece) => {
                sentPayload += piece.length;
                maxInFlight = Math.max(maxInFlight, sentPayload - received);
            },
        });
        const [a, b] = duplexPair({tap: (from, chunk) => from === 'a' && wire.push(chunk)});
        const client = new YamuxSession(a, {isServer: false, keepAliveMs: 0});
        const server = new YamuxSession(b, {isServer: true, keepAliveMs: 0});
        sessions.push(client, server);
        const accepted = once<YamuxStream>(server, 'stream');
        const c = await client.open();
        const total = 4 << 20;
        const written = new Promise<void>((resolve) => c.end(pattern(total, 9), resolve));
        const s = await accepted;
        const got: Buffer[] = [];
        // A slow reader: at most 32 KiB per millisecond.
        await new Promise<void>((resolve) => {
            const tick = () => {
                let chunk: Buffer | null;
                let n = 0;
                while (n < 32 * 1024 && (chunk = s.read() as Buffer | null) !== null) {
                    got.push(chunk);
                    received += chunk.length;
                    n += chunk.length;
                }
                if (received >= total) resolve();
                else setTimeout(tick, 1);
            };
            tick();
        });
        await written;
        expect(Buffer.concat(got).equals(pattern(total, 9))).toBe(true);
        // One 256 KiB window, plus what Node's readable buffer held before the reader took it.
        expect(maxInFlight).toBeLessThanOrEqual(256 * 1024 + 64 * 1024);
        expect(maxInFlight).toBeGreaterThan(128 * 1024); // and the window was really used
    });

    it('announces a larger window and the peer uses it', async () => {
        const [a, b] = duplexPair();
        const client = new YamuxSession(a, {isServer: false, keepAliveMs: 0});
        const server = new YamuxSession(b, {isServer: true, keepAliveMs: 0, windowSize: 1 << 20});
        sessions.push(client, server);
        const accepted = once<YamuxStream>(server, 'stream');
        const c = await client.open();
        c.write('hi');
        const s = await accepted;
        s.pause();
        // The rest of the announced 1 MiB window is usable without the server reading anything.
        const write = new Promise<void>((resolve, reject) => c.write(pattern((1 << 20) - 2), (e) => (e ? reject(e) : resolve())));
        await within(write, 2000, 'a write within the announced window');
        s.resume();
    });
});

describe('YamuxSession against a raw peer', () => {
    it('ACKs an inbound SYN at once, before any data or read', async () => {
        const {session, peer} = rawServer();
        session.on('stream', () => undefined);
        peer.send(FrameType.WindowUpdate, Flag.SYN, 1, 0);
        const ack = await peer.waitFor((f) => f.streamId === 1, 'ACK for stream 1');
        expect(ack).toMatchObject({type: FrameType.WindowUpdate, flags: Flag.ACK, length: 0});
    });

    it('replies to a ping with the same value', async () => {
        const {peer} = rawServer();
        peer.send(FrameType.Ping, Flag.SYN, 0, 0xdeadbeef);
        expect(await peer.waitFor((f) => f.type === FrameType.Ping, 'ping ACK')).toMatchObject({flags: Flag.ACK, streamId: 0, length: 0xdeadbeef});
    });

    it('closes with a keepalive error when its pings go unanswered', async () => {
        jest.useFakeTimers({doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask']});
        try {
            const {session} = rawServer({keepAliveMs: 10, keepAliveTimeoutMs: 30});
            let closed: (Error & {code?: string}) | undefined;
            session.on('close', (err: Error & {code?: string}) => (closed = err));
            await jest.advanceTimersByTimeAsync(39); // the first ping goes out at 10 ms, unanswered until 40 ms
            expect(closed).toBeUndefined();
            await jest.advanceTimersByTimeAsync(2);
            expect(closed?.code).toBe('ERR_YAMUX_KEEPALIVE_TIMEOUT');
        } finally {
            jest.useRealTimers();
        }
    });

    it('discards data for an unknown stream and keeps serving others', async () => {
        const {session, peer} = rawServer();
        const streams: YamuxStream[] = [];
        session.on('stream', (s: YamuxStream) => streams.push(s));
        peer.send(FrameType.Data, 0, 99, 5, Buffer.from('ghost'));
        peer.send(FrameType.WindowUpdate, Flag.SYN, 1, 0);
        peer.send(FrameType.Data, 0, 1, 4, Buffer.from('real'));
        await peer.waitFor((f) => f.streamId === 1 && (f.flags & Flag.ACK) !== 0, 'ACK');
        const s = streams[0] as YamuxStream;
        expect(((await new Promise((r) => s.once('data', r))) as Buffer).toString()).toBe('real');
        expect(session.isClosed).toBe(false);
    });

    it('resets only the stream whose peer overruns the window', async () => {
        const {session, peer} = rawServer();
        const streams: YamuxStream[] = [];
        session.on('stream', (s: YamuxStream) => streams.push(s));
        peer.send(FrameType.WindowUpdate, Flag.SYN, 1, 0);
        peer.send(FrameType.WindowUpdate, Flag.SYN, 3, 0);
        const tooMuch = 256 * 1024 + 1;
        peer.send(FrameType.Data, 0, 1, tooMuch, Buffer.alloc(tooMuch));
        const rst = await peer.waitFor((f) => f.streamId === 1 && (f.flags & Flag.RST) !== 0, 'RST for stream 1');
        expect(rst.type).toBe(FrameType.WindowUpdate);
        peer.send(FrameType.Data, 0, 3, 2, Buffer.from('ok'));
        const s3 = streams[1] as YamuxStream;
        expect(((await new Promise((r) => s3.once('data', r))) as Buffer).toString()).toBe('ok');
        expect(session.isClosed).toBe(false);
        expect((streams[0] as YamuxStream).destroyed).toBe(true);
    });

    it('refuses inbound streams with RST after its own GoAway, and streams in its own id space', async () => {
        const {session, peer} = rawServer();
        session.on('stream', () => undefined);
        peer.send(FrameType.WindowUpdate, Flag.SYN, 2, 0); // even: the server's own id space
        await peer.waitFor((f) => f.streamId === 2 && f.flags === Flag.RST, 'RST for stream 2');
        session.goAway();
        await peer.waitFor((f) => f.type === FrameType.GoAway, 'GoAway');
        peer.send(FrameType.WindowUpdate, Flag.SYN, 5, 0);
        await peer.waitFor((f) => f.streamId === 5 && f.flags === Flag.RST, 'RST for stream 5');
    });

    it('queues opens beyond 256 un-ACKed SYNs and rejects them on close', async () => {
        const {session} = rawServer();
        for (let i = 0; i < 256; i++) await session.open();
        let settled = false;
        const queued = session.open().finally(() => (settled = true));
        await new Promise((r) => setTimeout(r, 20));
        expect(settled).toBe(false);
        session.close();
        await expect(queued).rejects.toMatchObject({code: 'ERR_YAMUX_SESSION_CLOSED'});
    });

    it('lets a queued open proceed when an earlier SYN is ACKed', async () => {
        const {session, peer} = rawServer();
        for (let i = 0; i < 256; i++) await session.open();
        const queued = session.open();
        peer.send(FrameType.WindowUpdate, Flag.ACK, 2, 0);
        expect((await queued).id).toBe(2 + 2 * 256);
    });

    it('closes on a frame with a bad version, telling the peer with GoAway(protocol error)', async () => {
        const {session, peer} = rawServer();
        const closed = once<Error & {code?: string}>(session, 'close');
        peer.conn.write(Buffer.from('010000000000000000000000', 'hex'));
        expect((await closed).code).toBe('ERR_YAMUX_PROTOCOL');
        expect(await peer.waitFor((f) => f.type === FrameType.GoAway, 'GoAway')).toMatchObject({length: GoAwayCode.ProtocolError});
    });

    it('closes when the peer sends GoAway with an error code', async () => {
        const {session, peer} = rawServer();
        const closed = once<Error & {code?: string}>(session, 'close');
        peer.send(FrameType.GoAway, 0, 0, GoAwayCode.InternalError);
        expect((await closed).message).toMatch(/internal error/);
    });

    it('delivers data carried on a FIN frame before the end of the stream', async () => {
        const {session, peer} = rawServer();
        const accepted = once<YamuxStream>(session, 'stream');
        peer.send(FrameType.Data, Flag.SYN | Flag.FIN, 1, 3, Buffer.from('bye'));
        const s = await accepted;
        expect((await readAll(s)).toString()).toBe('bye');
    });
});
