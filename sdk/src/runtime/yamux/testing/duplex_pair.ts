import {Duplex} from 'node:stream';

export interface PairOptions {
    /** Re-cut every write into pieces of 1..maxPiece bytes before the other side sees them. */
    maxPiece?: number;
    /** Called with every chunk one side writes (after re-cutting), for inspection. */
    tap?: (from: 'a' | 'b', chunk: Buffer) => void;
}

/**
 * Two in-memory Duplex endpoints wired back to back, for tests: what `a` writes, `b` reads and vice versa. Each side
 * honours the reader's backpressure (a write's callback waits while the other side's readable buffer is full).
 */
export function duplexPair(opts: PairOptions = {}): [Duplex, Duplex] {
    const ends: Array<{side: Duplex; resume: (() => void) | null}> = [];
    const make = (name: 'a' | 'b', other: () => {side: Duplex; resume: (() => void) | null}) => {
        const self = {
            resume: null as (() => void) | null,
            side: new Duplex({
                read() {
                    const r = self.resume;
                    self.resume = null;
                    r?.();
                },
                write(chunk: Buffer, _enc, cb) {
                    const peer = other();
                    let full = false;
                    for (const piece of cut(chunk, opts.maxPiece)) {
                        opts.tap?.(name, piece);
                        full = !peer.side.push(piece) || full;
                    }
                    if (full) peer.resume = () => cb();
                    else cb();
                },
                final(cb) {
                    other().side.push(null);
                    cb();
                },
                destroy(err, cb) {
                    const peer = other();
                    if (!peer.side.destroyed) peer.side.destroy();
                    cb(err);
                },
            }),
        };
        return self;
    };
    ends.push(make('a', () => ends[1] as {side: Duplex; resume: (() => void) | null}));
    ends.push(make('b', () => ends[0] as {side: Duplex; resume: (() => void) | null}));
    return [(ends[0] as {side: Duplex}).side, (ends[1] as {side: Duplex}).side];
}

function* cut(chunk: Buffer, maxPiece: number | undefined): Generator<Buffer> {
    if (maxPiece === undefined) {
        yield chunk;
        return;
    }
    let off = 0;
    while (off < chunk.length) {
        const n = Math.min(chunk.length - off, 1 + Math.floor(Math.random() * maxPiece));
        yield Buffer.from(chunk.subarray(off, off + n));
        off += n;
    }
}
