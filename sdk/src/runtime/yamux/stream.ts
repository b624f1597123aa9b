import {Duplex} from 'node:stream';
import {YamuxError} from './errors';
import {Flag, FrameType} from './frame';

/** Every yamux stream starts with this window in both directions; larger windows are announced as a delta. */
export const INITIAL_WINDOW = 256 * 1024;

/** Large writes are cut into frames of at most this size so other streams' frames can interleave. */
const MAX_FRAME_PAYLOAD = 64 * 1024;

/** What a stream needs from its session; the session implements it (kept as an interface to avoid an import cycle). */
export interface StreamHost {
    readonly windowSize: number;
    /** Writes one frame; false when the connection wants us to wait for its 'drain'. */
    sendFrame(type: FrameType, flags: number, streamId: number, length: number, body?: Buffer): boolean;
    waitDrain(cb: () => void): void;
    /** The stream is finished (both FINs, a reset, or destroyed): forget it. */
    streamClosed(stream: YamuxStream): void;
}

interface PendingWrite {
    chunk: Buffer;
    off: number;
    cb: (err?: Error | null) => void;
}

/**
 * One yamux stream as a Node Duplex. Writes wait for send window (a pending write holds the caller's chunk, never a
 * copy); reads credit the window back only once Node has taken the data, so a slow reader throttles its peer.
 * Ending the writable side sends FIN (half-close); destroy() before both FINs sends RST.
 */
export class YamuxStream extends Duplex {
    private sendWindow = INITIAL_WINDOW;
    /** Bytes the peer may still send before our next window update (the SYN or ACK announced host.windowSize). */
    private recvWindow: number;
    /** Bytes handed to Node's readable buffer but not yet credited back to the peer. */
    private consumed = 0;
    private readonly queue: Buffer[] = [];
    private wantRead = false;
    private pending: PendingWrite | null = null;
    private waitingDrain = false;
    private localFin = false;
    private remoteFin = false;
    private remoteFinDelivered = false;
    private reset = false;
    private finished = false;
    /** For outbound streams: the peer has ACKed our SYN. */
    acked: boolean;

    constructor(
        readonly id: number,
        private readonly host: StreamHost,
        inbound: boolean,
    ) {
        super({allowHalfOpen: true});
        this.recvWindow = host.windowSize;
        this.acked = inbound;
    }

    // ---- called by the session ----

    /** Accounts for an incoming Data frame; false if it overruns the window we granted. */
    reserveRecv(length: number): boolean {
        if (length > this.recvWindow) return false;
        this.recvWindow -= length;
        return true;
    }

    onData(piece: Buffer): void {
        if (this.reset || this.destroyed) return;
        if (this.queue.length === 0 && this.wantRead) {
            this.consumed += piece.length;
            this.wantRead = this.push(piece);
            this.creditWindow();
        } else {
            this.queue.push(piece);
        }
    }

    onWindowUpdate(delta: number): void {
        this.sendWindow += delta;
        if (this.pending !== null && delta > 0) this.flush();
    }

    onRemoteFin(): void {
        if (this.remoteFin) return;
        this.remoteFin = true;
        this.deliverFinIfDrained();
        this.checkFinished();
    }

    /** The peer reset the stream, the session ended, or we reset it for a protocol violation. */
    abort(err: YamuxError, sendRst: boolean): void {
        if (this.reset) return;
        this.reset = true;
        if (sendRst) this.host.sendFrame(FrameType.WindowUpdate, Flag.RST, this.id, 0);
        this.queue.length = 0;
        this.failPending(err);
        this.markFinished();
        // An 'error' nobody listens for would crash the process; one bad stream must not take the plugin down.
        this.destroy(this.listenerCount('error') > 0 ? err : undefined);
    }

    // ---- Duplex implementation ----

    override _read(): void {
        this.wantRead = true;
        while (this.wantRead && this.queue.length > 0) {
            const piece = this.queue.shift() as Buffer;
            this.consumed += piece.length;
            this.wantRead = this.push(piece);
        }
        this.deliverFinIfDrained();
        this.creditWindow();
    }

    override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
        this.startWrite(chunk, cb);
    }

    override _writev(chunks: Array<{chunk: Buffer}>, cb: (err?: Error | null) => void): void {
        // Several writes queued while one was waiting: send them as one frame.
        this.startWrite(chunks.length === 1 ? (chunks[0] as {chunk: Buffer}).chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
    }

    override _final(cb: (err?: Error | null) => void): void {
        if (!this.reset && !this.localFin) {
            this.localFin = true;
            this.host.sendFrame(FrameType.WindowUpdate, Flag.FIN, this.id, 0);
            this.checkFinished();
        }
        cb();
    }

    override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
        if (!this.reset && !(this.localFin && this.remoteFin)) {
            // Closed before both sides finished: tell the peer so it does not wait (Go would time out after 5 min).
            this.reset = true;
            this.host.sendFrame(FrameType.WindowUpdate, Flag.RST, this.id, 0);
        }
        this.queue.length = 0;
        this.failPending(err ?? new YamuxError('ECONNRESET', `yamux stream ${this.id} was destroyed`));
        this.markFinished();
        cb(err);
    }

    // ---- internals ----

    private startWrite(chunk: Buffer, cb: (err?: Error | null) => void): void {
        if (this.reset) return cb(new YamuxError('ECONNRESET', `yamux stream ${this.id} was reset`));
        this.pending = {chunk, off: 0, cb};
        this.flush();
    }

    private flush(): void {
        const p = this.pending;
        if (p === null || this.waitingDrain) return;
        if (this.reset) return this.failPending(new YamuxError('ECONNRESET', `yamux stream ${this.id} was reset`));
        let ok = true;
        while (p.off < p.chunk.length && this.sendWindow > 0) {
            const n = Math.min(p.chunk.length - p.off, this.sendWindow, MAX_FRAME_PAYLOAD);
            const body = p.off === 0 && n === p.chunk.length ? p.chunk : p.chunk.subarray(p.off, p.off + n);
            p.off += n;
            this.sendWindow -= n;
            ok = this.host.sendFrame(FrameType.Data, 0, this.id, n, body);
            if (!ok) break;
        }
        if (!ok) {
            // The connection's buffer is full: resume (or complete) only once it drains.
            this.waitingDrain = true;
            this.host.waitDrain(() => {
                this.waitingDrain = false;
                this.flush();
            });
            return;
        }
        if (p.off < p.chunk.length) return; // out of window: onWindowUpdate resumes
        this.pending = null;
        p.cb();
    }

    private failPending(err: Error): void {
        const p = this.pending;
        if (p === null) return;
        this.pending = null;
        p.cb(err);
    }

    private creditWindow(): void {
        const threshold = this.host.windowSize / 2;
        if (this.consumed < threshold || this.remoteFin || this.reset) return;
        const delta = this.consumed;
        this.consumed = 0;
        this.recvWindow += delta;
        this.host.sendFrame(FrameType.WindowUpdate, 0, this.id, delta);
    }

    private deliverFinIfDrained(): void {
        if (this.remoteFin && !this.remoteFinDelivered && this.queue.length === 0) {
            this.remoteFinDelivered = true;
            this.push(null);
        }
    }

    private checkFinished(): void {
        if (this.localFin && this.remoteFin) this.markFinished();
    }

    private markFinished(): void {
        if (this.finished) return;
        this.finished = true;
        this.host.streamClosed(this);
    }
}
