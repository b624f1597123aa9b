import {type Duplex} from 'node:stream';
import {encodeHeader, FrameParser, type FrameHeader, type FrameType} from '../frame';

export interface RawFrame extends FrameHeader {
    payload: Buffer;
}

/** The far end of a connection, speaking raw frames: for tests that need to misbehave or inspect the wire. */
export class RawPeer {
    readonly frames: RawFrame[] = [];
    private waiters: Array<() => void> = [];

    constructor(readonly conn: Duplex) {
        const parser = new FrameParser({
            onHeader: (h) => {
                this.frames.push({...h, payload: Buffer.alloc(0)});
                if (h.type !== 0 || h.length === 0) this.notify();
            },
            onPayload: (piece, last) => {
                const f = this.frames[this.frames.length - 1] as RawFrame;
                f.payload = Buffer.concat([f.payload, piece]);
                if (last) this.notify();
            },
        });
        conn.on('data', (c: Buffer) => parser.push(c));
        conn.on('error', () => undefined);
    }

    send(type: FrameType, flags: number, streamId: number, length: number, payload?: Buffer): void {
        this.conn.write(payload ? Buffer.concat([encodeHeader(type, flags, streamId, length), payload]) : encodeHeader(type, flags, streamId, length));
    }

    /** Resolves with the first frame (seen so far or later) matching `pred`; fails after `ms`. */
    waitFor(pred: (f: RawFrame) => boolean, what: string, ms = 2000): Promise<RawFrame> {
        return new Promise((resolve, reject) => {
            const check = () => {
                const f = this.frames.find(pred);
                if (f === undefined) return false;
                clearTimeout(timer);
                resolve(f);
                return true;
            };
            const timer = setTimeout(() => {
                this.waiters = this.waiters.filter((w) => w !== waiter);
                reject(new Error(`no frame matching "${what}" within ${ms} ms; saw ${JSON.stringify(this.frames.map(({payload: _p, ...h}) => h))}`));
            }, ms);
            const waiter = () => {
                if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
            };
            if (!check()) this.waiters.push(waiter);
        });
    }

    private notify(): void {
        for (const w of [...this.waiters]) w();
    }
}
