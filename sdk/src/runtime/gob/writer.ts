/** A growable byte buffer with gob's primitive encodings. Reused across messages; `take()` copies out. */
export class Writer {
    buf: Buffer;
    pos = 0;
    private readonly scratch = new DataView(new ArrayBuffer(8));
    private readonly scratchBytes = new Uint8Array(this.scratch.buffer);

    constructor(initial = 256) {
        this.buf = Buffer.allocUnsafe(initial);
    }

    reset(at = 0): void {
        this.pos = at;
    }

    /** Lets go of a buffer grown for one big message. */
    shrink(max = 1 << 20): void {
        if (this.buf.length > max) this.buf = Buffer.allocUnsafe(256);
    }

    ensure(n: number): void {
        if (this.pos + n <= this.buf.length) return;
        let size = this.buf.length * 2;
        while (size < this.pos + n) size *= 2;
        const next = Buffer.allocUnsafe(size);
        this.buf.copy(next, 0, 0, this.pos);
        this.buf = next;
    }

    /** A copy of bytes [from, pos). */
    take(from = 0): Buffer {
        const out = Buffer.allocUnsafe(this.pos - from);
        this.buf.copy(out, 0, from, this.pos);
        return out;
    }

    byte(b: number): void {
        this.ensure(1);
        this.buf[this.pos++] = b;
    }

    raw(bytes: Uint8Array): void {
        this.ensure(bytes.length);
        this.buf.set(bytes, this.pos);
        this.pos += bytes.length;
    }

    /** An unsigned integer given as an exact non-negative JS number (up to 2^64). */
    uint(x: number): void {
        if (x < 0x80) {
            this.ensure(1);
            this.buf[this.pos++] = x;
            return;
        }
        this.ensure(9);
        const hi = Math.floor(x / 0x1_0000_0000);
        let lo = x - hi * 0x1_0000_0000;
        const n = hi > 0 ? 4 + byteLen(hi) : byteLen(lo);
        const buf = this.buf;
        buf[this.pos] = 256 - n;
        let p = this.pos + n;
        for (let i = 0; i < 4 && i < n; i++, p--) {
            buf[p] = lo & 0xff;
            lo = Math.floor(lo / 256);
        }
        let h = hi;
        for (; p > this.pos; p--) {
            buf[p] = h & 0xff;
            h = Math.floor(h / 256);
        }
        this.pos += n + 1;
    }

    uintBig(x: bigint): void {
        if (x <= 0x1f_ffff_ffff_ffffn) {
            this.uint(Number(x));
            return;
        }
        this.ensure(9);
        const n = x < 0x100_0000_0000_0000n ? 7 : 8;
        this.buf[this.pos] = 256 - n;
        this.scratch.setBigUint64(0, x);
        this.buf.set(this.scratchBytes.subarray(8 - n), this.pos + 1);
        this.pos += n + 1;
    }

    /** A signed integer: gob's zig-zag form (the sign in the low bit). */
    int(i: number): void {
        if (i >= 0) {
            if (i <= 0x0f_ffff_ffff_ffff) this.uint(i * 2);
            else this.uintBig(BigInt(i) << 1n);
        } else if (i >= -0x0f_ffff_ffff_ffff) {
            this.uint(-i * 2 - 1);
        } else {
            this.uintBig(((-BigInt(i) - 1n) << 1n) | 1n);
        }
    }

    intBig(i: bigint): void {
        this.uintBig(i < 0n ? ((-i - 1n) << 1n) | 1n : i << 1n);
    }

    /** A float64: its IEEE bits byte-reversed, sent as a uint (so small integers and round numbers are short). */
    float(x: number): void {
        const s = this.scratchBytes;
        this.scratch.setFloat64(0, x, true);
        let k = 0;
        while (k < 8 && s[k] === 0) k++;
        if (k === 8) {
            this.byte(0);
            return;
        }
        const n = 8 - k;
        this.ensure(9);
        if (n === 1 && (s[7] as number) < 0x80) {
            this.buf[this.pos++] = s[7] as number;
            return;
        }
        this.buf[this.pos++] = 256 - n;
        for (; k < 8; k++) this.buf[this.pos++] = s[k] as number;
    }

    /** A length-prefixed UTF-8 string. */
    string(s: string): void {
        const len = s.length;
        if (len < 43) {
            // 3 bytes per UTF-16 unit at most, so a one-byte length prefix is enough.
            this.ensure(1 + 3 * len);
            const buf = this.buf;
            const start = this.pos;
            let p = start + 1;
            for (let i = 0; i < len; i++) {
                const c = s.charCodeAt(i);
                if (c >= 0x80) {
                    p = start + 1 + buf.write(s, start + 1, 'utf8');
                    break;
                }
                buf[p++] = c;
            }
            buf[start] = p - start - 1;
            this.pos = p;
            return;
        }
        const n = Buffer.byteLength(s, 'utf8');
        this.uint(n);
        this.ensure(n);
        this.buf.write(s, this.pos, n, 'utf8');
        this.pos += n;
    }

    bytes(b: Uint8Array): void {
        this.uint(b.length);
        this.raw(b);
    }

    /** Reserves one byte for the length of what follows; `fillLength` writes it (gob's delimited values). */
    reserveLength(): number {
        this.ensure(1);
        return this.pos++;
    }

    /** Writes the length of bytes after the reserved byte at `at`, moving them right if it needs more than one byte. */
    fillLength(at: number): void {
        const len = this.pos - at - 1;
        if (len < 0x80) {
            this.buf[at] = len;
            return;
        }
        const extra = byteLen(len);
        this.ensure(extra);
        this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
        const end = this.pos + extra;
        this.pos = at;
        this.uint(len);
        this.pos = end;
    }
}

function byteLen(x: number): number {
    return x < 0x100 ? 1 : x < 0x1_0000 ? 2 : x < 0x100_0000 ? 3 : 4;
}
