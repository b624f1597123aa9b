import {DecodeCompiler} from './decode_ops';
import {asGobError, GobError, NeedMore} from './errors';
import type {DecOp} from './ops';
import {Reader} from './reader';
import type {GoType} from './types';
import {builtinWire, deriveType, FIRST_USER_ID, T_WIRE_TYPE, wireFromValue, wireTypeSchema, type Wire} from './wire';

/** Returned by the decoder when the buffered input does not yet hold the next complete value. */
export const NEED_MORE: unique symbol = Symbol('gob.needMore');
export type NeedMoreT = typeof NEED_MORE;

export interface GobDecoderOptions {
    /** Largest message accepted; a longer length prefix is a fatal error. Default 1 GiB (Go's limit on 32-bit). */
    maxMessageSize?: number;
    /** Deepest nesting of structs, containers and interfaces inside one value. Default 1000. */
    maxDepth?: number;
    /** Most type definitions one stream may make. Default 100 000. */
    maxTypes?: number;
}

/** A value decoded without a schema, with the type derived from the stream's definitions (re-encodable as is). */
export interface DynamicValue {
    readonly type: GoType;
    readonly value: unknown;
}

const EMPTY = Buffer.alloc(0);

/**
 * One direction of a gob stream: feed it bytes with `push` (split anywhere), take values with `next(type)`,
 * `nextDynamic()` or `skip()`; each returns NEED_MORE until the value has fully arrived. Type definitions persist
 * for the stream's lifetime. Malformed input throws a GobError: a bad value drops the rest of its message (as Go
 * does) and the stream goes on; a bad message length is fatal and every later call throws it again.
 */
export class GobDecoder {
    private data: Buffer = EMPTY;
    private start = 0;
    private end = 0;
    private owned = false;
    /** Where the value being decoded has read up to (the end of its latest message). */
    private cursor = 0;
    /** Set when a value needs a message that has not arrived: where that message starts, relative to `start`. */
    private waitRel = -1;
    private needAt = 0;
    private frameStart = 0;
    private frameEnd = 0;
    private readonly wires = new Map<number, Wire>();
    private readonly derived = new Map<number, GoType>();
    /** Ids defined inside the value being decoded: forgotten again if it turns out incomplete. */
    private journal: number[] | null = null;
    private inValue = false;
    private failed: GobError | null = null;
    private readonly reader: Reader;
    private readonly compiler: DecodeCompiler;
    private readonly maxMessageSize: number;
    private readonly maxTypes: number;

    constructor(options: GobDecoderOptions = {}) {
        this.maxMessageSize = options.maxMessageSize ?? 1 << 30;
        this.maxTypes = options.maxTypes ?? 100_000;
        this.reader = new Reader(() => this.nextMessage(), options.maxDepth ?? 1000);
        this.compiler = new DecodeCompiler({
            wire: (id) => this.wire(id),
            derive: (id) => deriveType(id, (i) => builtinWire(i) ?? this.wires.get(i), this.derived),
            typeSequence: (r) => this.typeSequence(r),
        });
    }

    /** Bytes received but not yet consumed. */
    get buffered(): number {
        return this.end - this.start;
    }

    push(chunk: Uint8Array): void {
        if (chunk.length === 0) return;
        const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const live = this.end - this.start;
        if (live === 0) {
            // Nothing pending: read straight from the chunk (Node never reuses a chunk it has emitted).
            this.data = c;
            this.start = 0;
            this.end = c.length;
            this.owned = false;
            return;
        }
        if (this.owned && this.end + c.length <= this.data.length) {
            c.copy(this.data, this.end);
            this.end += c.length;
            return;
        }
        let next: Buffer;
        if (this.owned && live + c.length <= this.data.length) {
            next = this.data;
            next.copyWithin(0, this.start, this.end);
        } else {
            next = Buffer.allocUnsafe(Math.max(4096, 2 * (live + c.length)));
            this.data.copy(next, 0, this.start, this.end);
        }
        c.copy(next, live);
        this.data = next;
        this.start = 0;
        this.end = live + c.length;
        this.owned = true;
    }

    /** The next value decoded into `type` (unknown wire fields skipped, missing ones zero), or NEED_MORE. */
    next(type: GoType): unknown {
        return this.run((r, id) => this.compiler.top(r, id, type));
    }

    /** The next value decoded by its wire definition alone, or NEED_MORE. */
    nextDynamic(): DynamicValue | NeedMoreT {
        return this.run((r, id) => {
            const type = this.compiler.derive(id);
            return {type, value: this.compiler.top(r, id, type)};
        });
    }

    /** Reads and drops the next value: true when one was skipped, false when it has not fully arrived. */
    skip(): boolean {
        return this.run((r, id) => (this.compiler.skipTop(r, id), true)) === true;
    }

    private run<T>(decode: (r: Reader, id: number) => T): T | NeedMoreT {
        if (this.failed) throw this.failed;
        if (this.waitRel >= 0) {
            if (!this.frame(this.start + this.waitRel)) return NEED_MORE;
            this.waitRel = -1;
        }
        const r = this.reader;
        try {
            for (;;) {
                if (!this.frame(this.start)) return NEED_MORE;
                r.buf = r.view = this.data;
                r.pos = this.frameStart;
                r.end = this.cursor = this.frameEnd;
                if (r.pos === r.end) {
                    this.start = this.cursor; // an empty message: Go reads on
                    continue;
                }
                let id: number;
                try {
                    id = readId(r);
                } catch (e) {
                    this.start = this.cursor;
                    throw e;
                }
                if (id >= 0) return this.value(r, id, decode);
                try {
                    this.recvType(-id, r);
                    if (r.pos < r.end) throw new GobError('gob: extra data in buffer');
                } finally {
                    this.start = this.cursor;
                }
            }
        } catch (e) {
            throw asGobError(e);
        }
    }

    private value<T>(r: Reader, id: number, decode: (r: Reader, id: number) => T): T | NeedMoreT {
        this.inValue = true;
        r.depth = 0;
        try {
            const v = decode(r, id);
            this.start = this.cursor;
            if (this.start === this.end && this.owned && this.data.length > 1 << 20) {
                // Let go of a buffer grown for one big message.
                this.data = EMPTY;
                this.start = this.end = 0;
                this.owned = false;
            }
            return v;
        } catch (e) {
            if (e === NeedMore.instance) {
                // Start over from the first message once more has arrived, as if this attempt never happened.
                if (this.journal) {
                    for (const tid of this.journal) this.wires.delete(tid);
                    this.derived.clear();
                    this.compiler.clear();
                }
                this.waitRel = this.needAt - this.start;
                return NEED_MORE;
            }
            if (!this.failed) this.start = this.cursor; // drop the rest of the message, as Go does
            throw e;
        } finally {
            this.inValue = false;
            this.journal = null;
        }
    }

    /** Finds the complete message at `pos`: sets frameStart/frameEnd, or returns false if it has not all arrived. */
    private frame(pos: number): boolean {
        const d = this.data;
        const end = this.end;
        if (pos >= end) return false;
        const b = d[pos] as number;
        let len = b;
        let head = 1;
        if (b >= 0x80) {
            const n = 256 - b;
            if (n > 8) this.fatal('gob: encoded unsigned integer out of range');
            if (pos + 1 + n > end) return false;
            len = 0;
            for (let i = 1; i <= n; i++) len = len * 256 + (d[pos + i] as number);
            head = 1 + n;
        }
        if (len > this.maxMessageSize) this.fatal(`gob: invalid message length ${len} (limit ${this.maxMessageSize})`);
        if (pos + head + len > end) return false;
        this.frameStart = pos + head;
        this.frameEnd = pos + head + len;
        return true;
    }

    /** Reader callback: a value continues in the next message (after an interface's type definition). */
    private nextMessage(): void {
        if (!this.frame(this.cursor)) {
            this.needAt = this.cursor;
            throw NeedMore.instance;
        }
        const r = this.reader;
        r.pos = this.frameStart;
        r.end = this.cursor = this.frameEnd;
    }

    private fatal(message: string): never {
        this.failed = new GobError(message);
        throw this.failed;
    }

    private wire(id: number): Wire {
        const w = builtinWire(id) ?? this.wires.get(id);
        if (!w) throw new GobError(`gob: unknown type id ${id}`);
        return w;
    }

    private recvType(id: number, r: Reader): void {
        if (id < FIRST_USER_ID || this.wires.has(id)) throw new GobError('gob: duplicate type received');
        if (this.wires.size >= this.maxTypes) throw new GobError(`gob: more than ${this.maxTypes} type definitions`);
        const value = readWireType(r);
        this.wires.set(id, wireFromValue(value));
        if (this.inValue) (this.journal ??= []).push(id);
    }

    /** Go's decodeTypeSequence(true): an interface value's inline definitions (possibly in new messages), then its id. */
    private typeSequence(r: Reader): number {
        for (;;) {
            if (r.pos >= r.end) r.nextMessage();
            const id = readId(r);
            if (id >= 0) return id;
            this.recvType(-id, r);
            // A definition may be followed by a delimited value's byte count: skip it.
            if (r.pos < r.end) r.uint();
        }
    }
}

/** The decoder for wireType itself: built from predefined ids only, so one serves every stream. */
let wireTypeOp: DecOp | undefined;

function readWireType(r: Reader): unknown {
    if (!wireTypeOp) {
        const unexpected = (): never => {
            throw new GobError('gob: unexpected interface in a type definition');
        };
        const compiler = new DecodeCompiler({
            wire: (id) => {
                const w = builtinWire(id);
                if (!w) throw new GobError(`gob: unknown type id ${id}`);
                return w;
            },
            derive: unexpected,
            typeSequence: unexpected,
        });
        wireTypeOp = compiler.cell(wireTypeSchema, T_WIRE_TYPE).op;
    }
    return wireTypeOp(r);
}

function readId(r: Reader): number {
    const id = r.int();
    if (id < -0x8000_0000 || id > 0x7fff_ffff) throw new GobError('gob: type id out of range');
    return id;
}
