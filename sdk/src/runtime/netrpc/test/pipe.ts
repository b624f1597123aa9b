import {Duplex, PassThrough, Transform} from 'node:stream';

export interface PipeOptions {
    /** Re-cut everything written into pieces of 1..maxPiece bytes. */
    maxPiece?: number;
    /** Sees every write, before it is cut (to count writes per message). */
    tap?: (from: 'a' | 'b', chunk: Buffer) => void;
}

/** Two in-memory Duplex ends wired back to back: what one writes, the other reads. */
export function pipePair(opts: PipeOptions = {}): [Duplex, Duplex] {
    const lane = (from: 'a' | 'b') => {
        if (opts.maxPiece === undefined && !opts.tap) return new PassThrough();
        const max = opts.maxPiece ?? Infinity;
        let n = 0;
        return new Transform({
            transform(chunk: Buffer, _enc, cb) {
                opts.tap?.(from, chunk);
                for (let off = 0; off < chunk.length; ) {
                    // A fixed cycle of piece sizes keeps failures reproducible.
                    const size = Math.min(chunk.length - off, 1 + (n++ % max));
                    this.push(chunk.subarray(off, off + size));
                    off += size;
                }
                cb();
            },
        });
    };
    const ab = lane('a');
    const ba = lane('b');
    return [Duplex.from({readable: ba, writable: ab}), Duplex.from({readable: ab, writable: ba})];
}
