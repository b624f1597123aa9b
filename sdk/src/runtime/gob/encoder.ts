import {encoderFor} from './encode_ops';
import {asGobError, GobError} from './errors';
import {IFACE_MAP, IFACE_SLICE, lookupInterfaceType} from './registry';
import {base, resolve, wireName, type GoType} from './types';
import type {EncCompiled, EncState} from './ops';
import {GO_TYPE, GoValue} from './values';
import {T_BOOL, T_BYTES, T_COMPLEX, T_FLOAT, T_INT, T_INTERFACE, T_STRING, T_UINT, wireTypeSchema, wireTypeValue} from './wire';
import {Writer} from './writer';

const BASIC_IDS: Record<string, number> = {
    bool: T_BOOL,
    int: T_INT, int8: T_INT, int16: T_INT, int32: T_INT, int64: T_INT,
    uint: T_UINT, uint8: T_UINT, uint16: T_UINT, uint32: T_UINT, uint64: T_UINT, uintptr: T_UINT,
    float32: T_FLOAT, float64: T_FLOAT,
    complex64: T_COMPLEX, complex128: T_COMPLEX,
    string: T_STRING, bytes: T_BYTES, iface: T_INTERFACE,
};

/** What the encoder needs to know about a type it is handed, worked out once per descriptor. */
interface TypeInfo {
    readonly base: ReturnType<typeof base>;
    /** The predefined wire id of a basic type; undefined for types that need a definition. */
    readonly basicId: number | undefined;
    readonly c: EncCompiled;
    /** Written without a singleton delta at top level (a struct, or a pointer to one). */
    readonly structBase: boolean;
    readonly isPtr: boolean;
}

const infos = new WeakMap<GoType, TypeInfo>();

function info(type: GoType): TypeInfo {
    let i = infos.get(type);
    if (!i) {
        const b = base(type);
        i = {base: b, basicId: BASIC_IDS[b.kind], c: encoderFor(type), structBase: b.kind === 'struct', isPtr: resolve(type).kind === 'ptr'};
        infos.set(type, i);
    }
    return i;
}

/** Room kept in front of a value message for its length prefix. */
const HEAD = 9;
const MAX_DEPTH = 1000;

/**
 * One direction of a gob stream. Each type is defined once per encoder (its own id space, from 65), always in
 * separate messages before the value that first needs it, including the concrete types inside interfaces. Every
 * call writes its whole output with a single `write`; a value that does not fit its type throws a GobError and
 * writes nothing.
 */
export class GobEncoder implements EncState {
    /** @internal the value being written (EncState, for the compiled ops) */
    readonly w = new Writer();
    private readonly out = new Writer();
    private readonly defs: EncState;
    private readonly sent = new Map<GoType, number>();
    private readonly journal: GoType[] = [];
    private nextId = 65;
    private depth = 0;

    constructor(private readonly write: (chunk: Uint8Array) => void) {
        const defw = new Writer(128);
        this.defs = {
            w: defw,
            encodeInterface: () => {
                throw new GobError('gob: interface inside a type definition');
            },
            enter: () => {},
            leave: () => {},
        };
    }

    encode(type: GoType, value: unknown): void {
        this.write(this.bytesFor(type, value, null));
    }

    /** Several values in one write, e.g. an RPC header and its body. */
    encodeMany(items: ReadonlyArray<readonly [GoType, unknown]>): void {
        this.write(this.bytesFor(null, undefined, items));
    }

    /** The bytes `encodeMany` would write (the stream's type state advances as if they were written). */
    encodeToBytes(items: ReadonlyArray<readonly [GoType, unknown]>): Buffer {
        return this.bytesFor(null, undefined, items);
    }

    private bytesFor(type: GoType | null, value: unknown, items: ReadonlyArray<readonly [GoType, unknown]> | null): Buffer {
        this.out.reset();
        this.journal.length = 0;
        try {
            if (type) this.encodeValue(type, value);
            for (const [t, v] of items ?? []) this.encodeValue(t, v);
        } catch (e) {
            // Nothing is written, so the definitions made for it were not sent either.
            for (const type of this.journal) this.sent.delete(type);
            throw asGobError(e);
        } finally {
            this.w.shrink();
        }
        const bytes = this.out.take();
        this.out.shrink();
        return bytes;
    }

    private encodeValue(type: GoType, value: unknown): void {
        const w = this.w;
        w.reset(HEAD);
        w.int(this.typeId(type));
        this.depth = 0;
        this.encodeConcrete(type, value);
        const len = w.pos - HEAD;
        this.out.uint(len);
        this.out.ensure(len);
        w.buf.copy(this.out.buf, this.out.pos, HEAD, w.pos);
        this.out.pos += len;
    }

    /** A top-level or interface value: structs as themselves, anything else as a singleton (a zero delta first). */
    private encodeConcrete(type: GoType, value: unknown): void {
        const i = info(type);
        if (!i.structBase) {
            if (value == null && i.isPtr) throw new GobError('gob: cannot encode nil pointer');
            this.w.byte(0);
        }
        i.c.op(this, value);
    }

    /** @internal EncState: an interface value inside the value being encoded. */
    encodeInterface(value: unknown): void {
        const w = this.w;
        if (value == null) {
            w.uint(0);
            return;
        }
        const c = classify(value);
        const name = c.name;
        const type = c.type;
        const concrete = c === SCRATCH ? SCRATCH.value : value;
        if (concrete == null && info(type).isPtr) throw new GobError(`gob: cannot encode nil pointer of type ${name} inside interface`);
        w.string(name);
        w.int(this.typeId(type));
        const at = w.reserveLength();
        this.encodeConcrete(type, concrete);
        w.fillLength(at);
    }

    /** @internal EncState: nesting bookkeeping (cyclic JS values end as a GobError). */
    enter(): void {
        if (++this.depth > MAX_DEPTH) throw new GobError('gob: value nested too deeply (a cycle?)');
    }

    /** @internal */
    leave(): void {
        this.depth--;
    }

    /** The wire id of a type, sending its definition (and its parts') first if this stream has not seen it. */
    private typeId(type: GoType): number {
        const {base: b, basicId} = info(type);
        if (basicId !== undefined) return basicId;
        const known = this.sent.get(b);
        if (known !== undefined) return known;
        const id = this.nextId++;
        this.sent.set(b, id);
        this.journal.push(b);
        let def: Record<string, unknown>;
        switch (b.kind) {
            case 'struct':
                def = wireTypeValue('struct', wireName(b), id, {fields: b.fields.map((f) => ({Name: f.name, Id: this.typeId(f.type)}))});
                break;
            case 'slice':
                def = wireTypeValue('slice', '', id, {elem: this.typeId(b.elem)});
                break;
            case 'array':
                def = wireTypeValue('array', '', id, {elem: this.typeId(b.elem), len: b.len});
                break;
            case 'map':
                def = wireTypeValue('map', '', id, {key: this.typeId(b.key), elem: this.typeId(b.elem)});
                break;
            case 'external':
                def = wireTypeValue(b.wire, wireName(b), id, {});
                break;
            default:
                throw new GobError(`gob: cannot define type ${b.kind}`);
        }
        const dw = this.defs.w;
        dw.reset();
        dw.int(-id);
        encoderFor(wireTypeSchema).op(this.defs, def);
        this.out.uint(dw.pos);
        this.out.raw(dw.buf.subarray(0, dw.pos));
        return id;
    }
}

interface Concrete {
    name: string;
    type: GoType;
    value: unknown;
}

const fixed = (name: string): Concrete => {
    const reg = lookupInterfaceType(name);
    if (!reg) throw new Error(`gob: ${name} is not registered`);
    return {name, type: reg.type, value: undefined};
};
const STRING = fixed('string');
const BOOL = fixed('bool');
const FLOAT64 = fixed('float64');
const INT64 = fixed('int64');
const BYTES = fixed('[]uint8');
const SLICE: Concrete = {name: '[]interface {}', type: IFACE_SLICE, value: undefined};
const MAP: Concrete = {name: 'map[string]interface {}', type: IFACE_MAP, value: undefined};
/** Reused for values that carry their own name (GoValue, tagged structs); `value` is the one to encode. */
const SCRATCH: Concrete = {name: '', type: IFACE_MAP, value: undefined};

/**
 * The Go name and type a JS value takes inside an interface{} (see index.ts for the rules). The fixed results
 * encode the value itself; SCRATCH says which value to encode (a GoValue's inner one).
 */
function classify(value: unknown): Concrete {
    switch (typeof value) {
        case 'string':
            return STRING;
        case 'boolean':
            return BOOL;
        case 'number':
            return FLOAT64;
        case 'bigint':
            return INT64;
        case 'object': {
            if (value instanceof GoValue) {
                const type = lookupInterfaceType(value.goType)?.type ?? value.type;
                if (!type) throw new GobError(`gob: type not registered for interface: ${value.goType}`);
                SCRATCH.name = value.goType;
                SCRATCH.type = type;
                SCRATCH.value = value.value;
                return SCRATCH;
            }
            if (value instanceof Uint8Array) return BYTES;
            if (Array.isArray(value)) return SLICE;
            const tag = (value as {[GO_TYPE]?: unknown})[GO_TYPE];
            if (typeof tag === 'string') {
                const reg = lookupInterfaceType(tag);
                if (!reg) throw new GobError(`gob: type not registered for interface: ${tag}`);
                SCRATCH.name = tag;
                SCRATCH.type = reg.type;
                SCRATCH.value = value;
                return SCRATCH;
            }
            const proto = Object.getPrototypeOf(value) as unknown;
            if (proto === Object.prototype || proto === null) return MAP;
            throw new GobError(`gob: type not registered for interface: ${(value as object).constructor?.name ?? 'object'} (wrap it in a GoValue)`);
        }
        default:
            throw new GobError(`gob: cannot encode a ${typeof value} inside an interface`);
    }
}
