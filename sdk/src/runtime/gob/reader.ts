import {GobError} from './errors';

const TWO32 = 0x1_0000_0000;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Reads gob primitives from the current message. A value may continue in later messages (Go splits a message where
 * an interface defines a type), so the decoder swaps `buf/pos/end` through `nextMessage`.
 */
export class Reader {
    buf: Uint8Array = new Uint8Array(0);
    view: Buffer = Buffer.alloc(0);
    pos = 0;
    end = 0;
    depth = 0;
    private readonly scratch = new DataView(new ArrayBuffer(8));
    private readonly scratchBytes = new Uint8Array(this.scratch.buffer);

    constructor(
        /** Loads the next message into buf/pos/end, or throws NeedMore. */
        readonly nextMessage: () => void,
        readonly maxDepth: number,
    ) {}

    get remaining(): number {
        return this.end - this.pos;
    }

    enter(): void {
        if (++this.depth > this.maxDepth) throw new GobError('gob: value nested too deeply');
    }

    /** A uint as a JS number: exact up to 2^53, approximate above (enough for lengths, counts and deltas). */
    uint(): number {
        const buf = this.buf;
        const pos = this.pos;
        if (pos >= this.end) throw new GobError('gob: unexpected end of message');
        const b = buf[pos] as number;
        if (b < 0x80) {
            this.pos = pos + 1;
            return b;
        }
        const n = 256 - b;
        if (n > 8) throw new GobError('gob: encoded unsigned integer out of range');
        if (pos + 1 + n > this.end) throw new GobError(`gob: invalid uint data length ${n}: exceeds input size ${this.end - pos - 1}`);
        let x = 0;
        for (let i = 1; i <= n; i++) x = x * 256 + (buf[pos + i] as number);
        this.pos = pos + 1 + n;
        return x;
    }

    /** A uint64, exact: a number when safe, else a bigint. */
    uint64(): number | bigint {
        const buf = this.buf;
        const pos = this.pos;
        const b = pos < this.end ? (buf[pos] as number) : 0;
        if ((b === 0xf8 || b === 0xf9) && pos + 1 + (256 - b) <= this.end) {
            // Seven or eight bytes: may exceed 2^53.
            const n = 256 - b;
            let hi = 0;
            for (let i = 1; i <= n - 4; i++) hi = hi * 256 + (buf[pos + i] as number);
            let lo = 0;
            for (let i = n - 3; i <= n; i++) lo = lo * 256 + (buf[pos + i] as number);
            this.pos = pos + 1 + n;
            if (hi < 0x20_0000) return hi * TWO32 + lo;
            return (BigInt(hi) << 32n) | BigInt(lo);
        }
        return this.uint();
    }

    /** An int64 (zig-zag), exact: a number when safe, else a bigint. */
    int64(): number | bigint {
        const u = this.uint64();
        if (typeof u === 'number') return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
        const i = u & 1n ? -((u >> 1n) + 1n) : u >> 1n;
        return i >= -MAX_SAFE && i <= MAX_SAFE ? Number(i) : i;
    }

    /** A signed int that must fit a JS number exactly (smaller int kinds, type ids); larger ones give NaN-free huge values the caller rejects. */
    int(): number {
        const u = this.uint();
        return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
    }

    float(): number {
        const buf = this.buf;
        const pos = this.pos;
        if (pos >= this.end) throw new GobError('gob: unexpected end of message');
        const s = this.scratchBytes;
        const b = buf[pos] as number;
        if (b < 0x80) {
            s.fill(0, 0, 7);
            s[7] = b;
            this.pos = pos + 1;
        } else {
            const n = 256 - b;
            if (n > 8) throw new GobError('gob: encoded unsigned integer out of range');
            if (pos + 1 + n > this.end) throw new GobError('gob: invalid float data length');
            s.fill(0, 0, 8 - n);
            for (let i = 0; i < n; i++) s[8 - n + i] = buf[pos + 1 + i] as number;
            this.pos = pos + 1 + n;
        }
        return this.scratch.getFloat64(0, true);
    }

    /** A length for data that must lie inside the current message. */
    length(what: string): number {
        const n = this.uint();
        if (n > this.end - this.pos) throw new GobError(`gob: ${what} length ${n} exceeds input size ${this.end - this.pos}`);
        return n;
    }

    string(): string {
        const n = this.length('string');
        return this.text(n);
    }

    /** The next n bytes (already bounds-checked) as UTF-8; invalid sequences become U+FFFD. */
    text(n: number): string {
        const start = this.pos;
        this.pos = start + n;
        // Short ASCII strings are quicker built here than through a native call; longer ones would become ropes.
        if (n < 12) {
            const buf = this.buf;
            let s = '';
            for (let i = start; i < start + n; i++) {
                const c = buf[i] as number;
                if (c >= 0x80) return this.view.toString('utf8', start, start + n);
                s += String.fromCharCode(c);
            }
            return s;
        }
        return this.view.toString('utf8', start, start + n);
    }

    /** The next length-prefixed byte string, copied (the input buffer is reused). */
    bytes(): Uint8Array {
        const n = this.length('[]byte');
        const out = new Uint8Array(n);
        out.set(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return out;
    }

    skip(n: number): void {
        this.pos += n;
    }
}
