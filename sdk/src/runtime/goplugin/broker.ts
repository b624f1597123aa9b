import {type Duplex} from 'node:stream';
import {type YamuxSession, type YamuxStream} from '../yamux';

/**
 * go-plugin's netrpc MuxBroker (mux_broker.go): extra yamux streams named by a uint32 id. The side that will accept
 * an id allocates it with nextId() and tells the other side (in an RPC argument or reply), which dials it.
 */
export interface MuxBroker {
    nextId(): number;
    /** Opens a stream, sends the id (4 bytes little-endian, with the SYN), waits for the same 4 bytes back. */
    dial(id: number): Promise<Duplex>;
    /** Waits (5 s, as go-plugin) for the peer to dial `id`, then acknowledges it. */
    accept(id: number): Promise<Duplex>;
}

export interface BrokerOptions {
    /** go-plugin waits 5 s both for an Accept and for an unclaimed incoming stream. */
    acceptTimeoutMs?: number;
    /** How long dial() waits for the ack. go-plugin has no limit; the host closes unclaimed streams after 5 s. */
    dialTimeoutMs?: number;
}

interface Waiting {
    resolve: (s: YamuxStream) => void;
    timer: NodeJS.Timeout;
}

export class YamuxMuxBroker implements MuxBroker {
    private counter = 0;
    private session: YamuxSession | null = null;
    private sessionWaiters: Array<(s: YamuxSession) => void> = [];
    /** accept(id) calls waiting for their stream, and streams that arrived before their accept(id). */
    private readonly waiting = new Map<number, Waiting>();
    private readonly arrived = new Map<number, {stream: YamuxStream; timer: NodeJS.Timeout}>();
    private readonly acceptTimeoutMs: number;
    private readonly dialTimeoutMs: number;

    constructor(opts: BrokerOptions = {}) {
        this.acceptTimeoutMs = opts.acceptTimeoutMs ?? 5000;
        this.dialTimeoutMs = opts.dialTimeoutMs ?? 10_000;
    }

    /** The broker can hand out ids before the host connects; dials wait for this. */
    attach(session: YamuxSession): void {
        this.session = session;
        for (const w of this.sessionWaiters.splice(0)) w(session);
    }

    nextId(): number {
        this.counter = (this.counter + 1) >>> 0;
        return this.counter;
    }

    async dial(id: number): Promise<Duplex> {
        const session = this.session ?? (await new Promise<YamuxSession>((resolve) => this.sessionWaiters.push(resolve)));
        const stream = await session.open();
        stream.on('error', () => undefined); // a reset must not crash the plugin; the consumer sees 'close'
        // Written before the SYN leaves (the session sends a tick's frames together): the host's broker loop reads
        // the id before it accepts anything else, so a late id would stall every other accept.
        stream.write(le32(id));
        try {
            const ack = await readExactly(stream, 4, this.dialTimeoutMs, `broker dial ${id}: no ack`);
            if (ack.readUInt32LE(0) !== id) throw new Error(`bad ack: ${ack.readUInt32LE(0)} (expected ${id})`);
        } catch (e) {
            stream.destroy();
            throw e;
        }
        return stream;
    }

    accept(id: number): Promise<Duplex> {
        const early = this.arrived.get(id);
        if (early !== undefined) {
            this.arrived.delete(id);
            clearTimeout(early.timer);
            return Promise.resolve(this.ack(early.stream, id));
        }
        if (this.waiting.has(id)) return Promise.reject(new Error(`broker: id ${id} is already being accepted`));
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiting.delete(id);
                reject(new Error(`timeout waiting for accept of broker id ${id}`));
            }, this.acceptTimeoutMs);
            this.waiting.set(id, {resolve: (s) => resolve(this.ack(s, id)), timer});
        });
    }

    /** Every stream the host opens after control, stdout and stderr: read its id and route it. */
    handleIncoming(stream: YamuxStream): void {
        stream.on('error', () => undefined); // until a consumer takes it, a reset must not crash the plugin
        readExactly(stream, 4, this.acceptTimeoutMs, 'broker stream without id').then(
            (head) => this.route(stream, head.readUInt32LE(0)),
            () => stream.destroy(),
        );
    }

    /** Fails pending accepts and drops unclaimed streams (the session is gone). */
    close(): void {
        for (const [id, w] of this.waiting) {
            clearTimeout(w.timer);
            this.waiting.delete(id);
        }
        for (const [id, a] of this.arrived) {
            clearTimeout(a.timer);
            a.stream.destroy();
            this.arrived.delete(id);
        }
    }

    private route(stream: YamuxStream, id: number): void {
        const w = this.waiting.get(id);
        if (w !== undefined) {
            this.waiting.delete(id);
            clearTimeout(w.timer);
            w.resolve(stream);
            return;
        }
        // Nobody accepts it yet: keep it for a while, as go-plugin's timeoutWait does.
        const timer = setTimeout(() => {
            if (this.arrived.get(id)?.stream === stream) this.arrived.delete(id);
            stream.destroy();
        }, this.acceptTimeoutMs);
        timer.unref();
        this.arrived.get(id)?.stream.destroy();
        this.arrived.set(id, {stream, timer});
    }

    private ack(stream: YamuxStream, id: number): Duplex {
        stream.write(le32(id));
        return stream;
    }
}

function le32(n: number): Buffer {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(n >>> 0, 0);
    return b;
}

/** Reads exactly n bytes, leaving anything after them in the stream for its next reader. */
function readExactly(stream: Duplex, n: number, timeoutMs: number, what: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const finish = (err: Error | null, b?: Buffer) => {
            clearTimeout(timer);
            stream.off('readable', onReadable);
            stream.off('end', onEnd);
            stream.off('close', onEnd);
            if (err) reject(err);
            else resolve(b as Buffer);
        };
        const onReadable = () => {
            const b = stream.read(n) as Buffer | null;
            if (b === null) return;
            if (b.length === n) finish(null, b);
            else finish(new Error(`${what}: stream closed after ${b.length} bytes`)); // read() returns a short tail at the end
        };
        const onEnd = () => finish(new Error(`${what}: stream closed`));
        const timer = setTimeout(() => finish(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
        stream.on('readable', onReadable);
        stream.on('end', onEnd);
        stream.on('close', onEnd);
    });
}
