import {Duplex} from 'node:stream';

/**
 * Two in-memory Duplex ends wired back to back, standing in for a TCP connection between Node's own HTTP client and
 * server (see in_memory_http.ts). A write completes only once the other end has room for it, so backpressure flows
 * through exactly as it would over a socket. The ends carry the few socket methods node:http calls.
 */
export function socketPair(remoteAddress = ''): [Duplex, Duplex] {
    const a = new PairEnd(remoteAddress);
    const b = new PairEnd(remoteAddress);
    a.peer = b;
    b.peer = a;
    return [a, b];
}

class PairEnd extends Duplex {
    peer: PairEnd | null = null;
    /** The write callback held back while the peer's readable buffer is full. */
    private blocked: (() => void) | null = null;

    constructor(readonly remoteAddress: string) {
        super({allowHalfOpen: true});
    }

    override _read(): void {
        const peer = this.peer;
        const resume = peer?.blocked;
        if (peer && resume) {
            peer.blocked = null;
            resume();
        }
    }

    override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        const peer = this.peer;
        if (!peer || peer.destroyed) {
            callback(new Error('socket pair: peer closed'));
            return;
        }
        if (peer.push(chunk)) callback();
        else this.blocked = () => callback();
    }

    override _final(callback: (error?: Error | null) => void): void {
        this.peer?.push(null);
        callback();
    }

    override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
        // Destroying one end closes the connection: the peer goes too, which also drops a write held back here.
        const peer = this.peer;
        this.blocked = null;
        if (peer && !peer.destroyed) peer.destroy();
        callback(error);
    }

    // node:http treats its connection as a net.Socket; over memory these have nothing to do.
    setTimeout(_ms: number, _cb?: () => void): this {
        return this;
    }
    setNoDelay(_noDelay?: boolean): this {
        return this;
    }
    setKeepAlive(_enable?: boolean, _delay?: number): this {
        return this;
    }
    ref(): this {
        return this;
    }
    unref(): this {
        return this;
    }
}
