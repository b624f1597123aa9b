import {EventEmitter} from 'node:events';
import {type Duplex} from 'node:stream';
import {YamuxError} from './errors';
import {Flag, FrameParser, FrameType, GoAwayCode, HEADER_SIZE, PROTO_VERSION, writeHeader, type FrameHeader} from './frame';
import {INITIAL_WINDOW, YamuxStream, type StreamHost} from './stream';

export interface YamuxOptions {
    /** The go-plugin plugin is the yamux server (even stream ids); the host is the client (odd ids). */
    isServer: boolean;
    /** Receive window per stream, at least 256 KiB (the protocol's initial window). */
    windowSize?: number;
    /** Interval between our keepalive pings; 0 disables them. Default 30 s, as hashicorp/yamux. */
    keepAliveMs?: number;
    /** How long a ping may go unanswered before the session is closed. Default 10 s, as hashicorp/yamux. */
    keepAliveTimeoutMs?: number;
}

/** hashicorp/yamux's AcceptBacklog: at most this many of our SYNs may wait for an ACK. */
const MAX_UNACKED_OPENS = 256;
const MAX_STREAM_ID = 0xffffffff - 1;

interface Waiter {
    resolve: (s: YamuxStream) => void;
    reject: (e: Error) => void;
}

/**
 * A yamux session over one connection (hashicorp/yamux v0.1.x wire format).
 *
 * Events: 'stream' (an inbound YamuxStream, already ACKed), 'goaway' (the peer will accept no new streams),
 * 'close' (err?: Error, once), 'error' (err: Error; only emitted when someone listens, and always followed by 'close').
 */
export class YamuxSession extends EventEmitter implements StreamHost {
    readonly windowSize: number;
    private readonly streams = new Map<number, YamuxStream>();
    private readonly parser: FrameParser;
    private nextId: number;
    private closed = false;
    private localGoAway = false;
    private remoteGoAway = false;
    private unacked = 0;
    private readonly openWaiters: Waiter[] = [];
    /** Stream receiving the current Data frame's payload (null: discard it), and that frame's flags. */
    private payloadTarget: YamuxStream | null = null;
    private payloadFlags = 0;
    private nextPingId = 0;
    private readonly pings = new Map<number, {resolve: (rttMs: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; start: bigint}>();
    private readonly keepAliveTimer: NodeJS.Timeout | undefined;
    private readonly keepAliveTimeoutMs: number;
    private keepAlivePending = false;
    private corked = false;
    private drainWaiters: Array<() => void> = [];

    constructor(
        private readonly conn: Duplex,
        opts: YamuxOptions,
    ) {
        super();
        this.windowSize = opts.windowSize ?? INITIAL_WINDOW;
        if (this.windowSize < INITIAL_WINDOW || this.windowSize > 0x7fffffff) {
            throw new RangeError(`yamux windowSize must be between ${INITIAL_WINDOW} and 2^31-1`);
        }
        this.nextId = opts.isServer ? 2 : 1;
        this.keepAliveTimeoutMs = opts.keepAliveTimeoutMs ?? 10_000;
        this.parser = new FrameParser({
            onHeader: (h) => this.onHeader(h),
            onPayload: (piece, last) => this.onPayload(piece, last),
        });
        conn.on('data', (chunk: Buffer) => {
            if (!this.closed) this.parser.push(chunk);
        });
        conn.on('end', () => this.close());
        conn.on('close', () => this.close());
        conn.on('error', (err: Error) => this.close(err));
        const keepAliveMs = opts.keepAliveMs ?? 30_000;
        if (keepAliveMs > 0) {
            this.keepAliveTimer = setInterval(() => this.keepAlive(), keepAliveMs);
            this.keepAliveTimer.unref();
        }
    }

    get isClosed(): boolean {
        return this.closed;
    }

    get streamCount(): number {
        return this.streams.size;
    }

    /** Opens a stream. It is usable at once (data may follow the SYN before the peer's ACK), as in hashicorp/yamux. */
    open(): Promise<YamuxStream> {
        if (this.closed) return Promise.reject(new YamuxError('ERR_YAMUX_SESSION_CLOSED', 'yamux session is closed'));
        if (this.remoteGoAway) return Promise.reject(new YamuxError('ERR_YAMUX_REMOTE_GOAWAY', 'yamux peer sent GoAway: no new streams'));
        if (this.unacked >= MAX_UNACKED_OPENS) {
            return new Promise((resolve, reject) => this.openWaiters.push({resolve, reject}));
        }
        try {
            return Promise.resolve(this.openNow());
        } catch (e) {
            return Promise.reject(e as Error);
        }
    }

    /** Tells the peer we accept no new streams; later inbound SYNs are answered with RST. */
    goAway(): void {
        if (this.closed || this.localGoAway) return;
        this.localGoAway = true;
        this.sendFrame(FrameType.GoAway, 0, 0, GoAwayCode.Normal);
    }

    /** Round-trip time of one ping, in milliseconds. */
    ping(timeoutMs = this.keepAliveTimeoutMs): Promise<number> {
        if (this.closed) return Promise.reject(new YamuxError('ERR_YAMUX_SESSION_CLOSED', 'yamux session is closed'));
        const id = this.nextPingId;
        this.nextPingId = (this.nextPingId + 1) >>> 0;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pings.delete(id);
                reject(new YamuxError('ERR_YAMUX_KEEPALIVE_TIMEOUT', `yamux ping unanswered after ${timeoutMs} ms`));
            }, timeoutMs);
            timer.unref();
            this.pings.set(id, {resolve, reject, timer, start: process.hrtime.bigint()});
            this.sendFrame(FrameType.Ping, Flag.SYN, 0, id);
        });
    }

    /**
     * Ends the session: every stream and pending open, write and ping fails, a GoAway is sent if the connection is
     * still writable, and the connection is ended. Idempotent.
     */
    close(err?: Error): void {
        if (this.closed) return;
        if (!this.localGoAway && this.conn.writable) {
            this.localGoAway = true;
            this.sendFrame(FrameType.GoAway, 0, 0, err instanceof YamuxError && err.code === 'ERR_YAMUX_PROTOCOL' ? GoAwayCode.ProtocolError : GoAwayCode.Normal);
        }
        this.closed = true;
        if (this.keepAliveTimer !== undefined) clearInterval(this.keepAliveTimer);
        const reason = new YamuxError('ERR_YAMUX_SESSION_CLOSED', err ? `yamux session closed: ${err.message}` : 'yamux session closed');
        for (const w of this.openWaiters.splice(0)) w.reject(reason);
        for (const p of this.pings.values()) {
            clearTimeout(p.timer);
            p.reject(reason);
        }
        this.pings.clear();
        this.drainWaiters = [];
        for (const s of [...this.streams.values()]) s.abort(reason, false);
        this.streams.clear();
        this.endConn();
        process.nextTick(() => {
            if (err && this.listenerCount('error') > 0) this.emit('error', err);
            this.emit('close', err);
        });
    }

    // ---- StreamHost ----

    sendFrame(type: FrameType, flags: number, streamId: number, length: number, body?: Buffer): boolean {
        const conn = this.conn;
        if (conn.destroyed || conn.writableEnded) return true;
        if (!this.corked) {
            // Frames written in the same tick leave in one writev: an RPC reply's header and body frames, window
            // updates, ACKs. One nextTick per batch, no timer per frame.
            this.corked = true;
            conn.cork();
            process.nextTick(() => {
                this.corked = false;
                conn.uncork();
            });
        }
        if (body !== undefined && body.length <= 512) {
            const buf = Buffer.allocUnsafe(HEADER_SIZE + body.length);
            writeHeader(buf, type, flags, streamId, length);
            body.copy(buf, HEADER_SIZE);
            return conn.write(buf);
        }
        const hdr = Buffer.allocUnsafe(HEADER_SIZE);
        writeHeader(hdr, type, flags, streamId, length);
        const ok = conn.write(hdr);
        return body === undefined ? ok : conn.write(body);
    }

    waitDrain(cb: () => void): void {
        if (this.closed) return;
        this.drainWaiters.push(cb);
        if (this.drainWaiters.length === 1) {
            this.conn.once('drain', () => {
                const waiters = this.drainWaiters;
                this.drainWaiters = [];
                for (const w of waiters) w();
            });
        }
    }

    streamClosed(stream: YamuxStream): void {
        if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
        if (!stream.acked) this.settleOpen(stream);
    }

    // ---- inbound frames ----

    private onHeader(h: FrameHeader): void {
        if (h.version !== PROTO_VERSION) return this.close(new YamuxError('ERR_YAMUX_PROTOCOL', `invalid yamux version ${h.version}`));
        switch (h.type) {
            case FrameType.Data:
            case FrameType.WindowUpdate:
                return this.onStreamFrame(h);
            case FrameType.Ping:
                if (h.flags & Flag.SYN) this.sendFrame(FrameType.Ping, Flag.ACK, 0, h.length);
                else if (h.flags & Flag.ACK) this.onPong(h.length);
                return;
            case FrameType.GoAway:
                return this.onGoAway(h.length);
            default:
                return this.close(new YamuxError('ERR_YAMUX_PROTOCOL', `invalid yamux frame type ${h.type}`));
        }
    }

    private onStreamFrame(h: FrameHeader): void {
        const isData = h.type === FrameType.Data;
        this.payloadTarget = null;
        let stream = this.streams.get(h.streamId);
        if (h.flags & Flag.SYN) stream = this.acceptStream(h.streamId, stream);
        if (stream === undefined) return; // unknown or refused stream: its payload, if any, is discarded
        if (h.flags & Flag.ACK && !stream.acked) this.settleOpen(stream);
        if (!isData) {
            stream.onWindowUpdate(h.length);
            return this.applyCloseFlags(stream, h.flags);
        }
        if (h.length === 0) return this.applyCloseFlags(stream, h.flags);
        if (!stream.reserveRecv(h.length)) {
            // The peer overran the window we granted: reset this stream only, drop the payload, keep the session.
            return stream.abort(new YamuxError('ERR_YAMUX_WINDOW_EXCEEDED', `yamux stream ${stream.id}: receive window exceeded`), true);
        }
        this.payloadTarget = stream;
        this.payloadFlags = h.flags;
    }

    private onPayload(piece: Buffer, last: boolean): void {
        const target = this.payloadTarget;
        if (target === null) return;
        target.onData(piece);
        if (last) {
            this.payloadTarget = null;
            this.applyCloseFlags(target, this.payloadFlags);
        }
    }

    private applyCloseFlags(stream: YamuxStream, flags: number): void {
        if (flags & Flag.RST) stream.abort(new YamuxError('ECONNRESET', `yamux stream ${stream.id} was reset by the peer`), false);
        else if (flags & Flag.FIN) stream.onRemoteFin();
    }

    /** A SYN: a new inbound stream, ACKed at once (Go closes the whole session after 75 s without the ACK). */
    private acceptStream(id: number, existing: YamuxStream | undefined): YamuxStream | undefined {
        if (existing !== undefined) {
            existing.abort(new YamuxError('ERR_YAMUX_PROTOCOL', `yamux stream ${id} opened twice`), true);
            return undefined;
        }
        const ours = id % 2 === this.nextId % 2;
        if (this.localGoAway || id === 0 || ours) {
            this.sendFrame(FrameType.WindowUpdate, Flag.RST, id, 0);
            return undefined;
        }
        const stream = new YamuxStream(id, this, true);
        this.streams.set(id, stream);
        this.sendFrame(FrameType.WindowUpdate, Flag.ACK, id, this.windowSize - INITIAL_WINDOW);
        this.emit('stream', stream);
        return this.closed ? undefined : stream;
    }

    private onGoAway(code: number): void {
        if (code === GoAwayCode.Normal) {
            this.remoteGoAway = true;
            const err = new YamuxError('ERR_YAMUX_REMOTE_GOAWAY', 'yamux peer sent GoAway: no new streams');
            for (const w of this.openWaiters.splice(0)) w.reject(err);
            this.emit('goaway');
            return;
        }
        const what = code === GoAwayCode.ProtocolError ? 'protocol error' : code === GoAwayCode.InternalError ? 'internal error' : `code ${code}`;
        this.close(new YamuxError('ERR_YAMUX_PROTOCOL', `yamux peer went away: ${what}`));
    }

    private onPong(id: number): void {
        const p = this.pings.get(id);
        if (p === undefined) return;
        this.pings.delete(id);
        clearTimeout(p.timer);
        p.resolve(Number(process.hrtime.bigint() - p.start) / 1e6);
    }

    // ---- outbound streams ----

    private openNow(): YamuxStream {
        const id = this.nextId;
        if (id > MAX_STREAM_ID) throw new YamuxError('ERR_YAMUX_STREAMS_EXHAUSTED', 'yamux stream ids exhausted');
        this.nextId += 2;
        const stream = new YamuxStream(id, this, false);
        this.streams.set(id, stream);
        this.unacked++;
        this.sendFrame(FrameType.WindowUpdate, Flag.SYN, id, this.windowSize - INITIAL_WINDOW);
        return stream;
    }

    /** An outbound stream was ACKed, or ended before its ACK: a queued open may proceed. */
    private settleOpen(stream: YamuxStream): void {
        stream.acked = true;
        this.unacked--;
        const w = this.openWaiters.shift();
        if (w === undefined || this.closed) return;
        try {
            w.resolve(this.openNow());
        } catch (e) {
            w.reject(e as Error);
        }
    }

    private keepAlive(): void {
        if (this.keepAlivePending) return; // the previous ping is still within its timeout
        this.keepAlivePending = true;
        this.ping().then(
            () => {
                this.keepAlivePending = false;
            },
            (err: Error) => {
                if (!this.closed) this.close(new YamuxError('ERR_YAMUX_KEEPALIVE_TIMEOUT', `yamux keepalive failed: ${err.message}`));
            },
        );
    }

    private endConn(): void {
        const conn = this.conn;
        if (conn.destroyed) return;
        if (this.corked) {
            this.corked = false;
            conn.uncork();
        }
        conn.end();
        // Give the GoAway a moment to leave, then release the socket even if the peer never reads.
        const t = setTimeout(() => conn.destroy(), 1000);
        t.unref();
        conn.once('finish', () => {
            clearTimeout(t);
            conn.destroy();
        });
    }
}
