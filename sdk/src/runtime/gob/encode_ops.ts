import {canGenerate, genStructEncoder} from './codegen';
import {GobError} from './errors';
import {resolve, goTypeName, type GoType, type BasicKind, type StructType} from './types';
import type {GoComplex} from './values';
import type {EncCompiled} from './ops';

const cache = new WeakMap<GoType, EncCompiled>();

/** The compiled encoder for a type, shared by every stream (it holds no type ids). */
export function encoderFor(type: GoType): EncCompiled {
    const known = cache.get(type);
    if (known) return known;
    const r = resolve(type);
    if (r !== type) {
        const c = encoderFor(r);
        cache.set(type, c);
        return c;
    }
    // Registered before compiling the parts so recursive types find it; ops look parts up through the entry.
    const entry: EncCompiled = {
        op: () => {
            throw new GobError('gob: recursive type used before it was compiled');
        },
        isZero: () => false,
        isStruct: r.kind === 'struct',
    };
    cache.set(type, entry);
    try {
        compileInto(r, entry);
    } catch (e) {
        cache.delete(type);
        throw e;
    }
    return entry;
}

const isNil = (v: unknown) => v == null;

function fail(type: GoType, v: unknown): never {
    const got = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    throw new GobError(`gob: cannot encode ${got} as ${goTypeName(type)}`);
}

function compileInto(r: Exclude<GoType, {kind: 'lazy'}>, entry: EncCompiled): void {
    switch (r.kind) {
        case 'struct':
            return compileStruct(r, entry);
        case 'slice': {
            const elem = encoderFor(r.elem);
            entry.op = (s, v) => {
                if (v == null) return s.w.uint(0);
                if (!Array.isArray(v)) fail(r, v);
                s.enter();
                s.w.uint(v.length);
                for (let i = 0; i < v.length; i++) elem.op(s, v[i]);
                s.leave();
            };
            entry.isZero = (v) => v == null || (Array.isArray(v) && v.length === 0);
            return;
        }
        case 'array': {
            const elem = encoderFor(r.elem);
            const len = r.len;
            entry.op = (s, v) => {
                const arr = v ?? new Array<undefined>(len);
                if (!Array.isArray(arr) && !ArrayBuffer.isView(arr)) fail(r, v);
                const items = arr as ArrayLike<unknown>;
                if (items.length !== len) throw new GobError(`gob: array of length ${items.length} for ${goTypeName(r)}`);
                s.enter();
                s.w.uint(len);
                for (let i = 0; i < len; i++) elem.op(s, items[i]);
                s.leave();
            };
            return; // arrays are always sent
        }
        case 'map': {
            const key = encoderFor(r.key);
            const elem = encoderFor(r.elem);
            const stringKeys = resolve(r.key).kind === 'string';
            entry.op = (s, v) => {
                s.enter();
                if (v instanceof Map) {
                    s.w.uint(v.size);
                    for (const [k, e] of v) {
                        key.op(s, k);
                        elem.op(s, e);
                    }
                } else if (stringKeys && typeof v === 'object' && v !== null && !Array.isArray(v)) {
                    const obj = v as Record<string, unknown>;
                    const keys = Object.keys(obj);
                    s.w.uint(keys.length);
                    for (const k of keys) {
                        s.w.string(k);
                        elem.op(s, obj[k]);
                    }
                } else if (v == null) {
                    s.w.uint(0);
                } else {
                    fail(r, v);
                }
                s.leave();
            };
            entry.isZero = isNil; // empty maps are sent: the receiver may want the map
            return;
        }
        case 'ptr': {
            const elem = encoderFor(r.elem);
            const target = resolve(r.elem).kind;
            entry.op = (s, v) => {
                if (v == null) throw new GobError(`gob: cannot encode nil pointer of type ${goTypeName(r)}`);
                elem.op(s, v);
            };
            // A non-nil pointer to a struct or custom-encoded value is always sent; others only when non-zero.
            entry.isZero = target === 'struct' || target === 'external' ? isNil : (v) => v == null || elem.isZero(v);
            return;
        }
        case 'external':
            entry.op = (s, v) => s.w.bytes(r.encode(v ?? r.zero()));
            entry.isZero = r.isZero;
            return;
        case 'iface':
            entry.op = (s, v) => s.encodeInterface(v);
            entry.isZero = isNil;
            return;
        default:
            return compileBasic(r.kind, r, entry);
    }
}

function compileStruct(r: StructType, entry: EncCompiled): void {
    const fields = r.fields.map((f) => ({name: f.name, c: encoderFor(f.type), own: !/^[A-Z]/.test(f.name), zeroKind: zeroKind(f.type)}));
    if (canGenerate(fields.map((f) => f.name))) {
        entry.op = genStructEncoder(fields, (v) => fail(r, v));
        return;
    }
    const n = fields.length;
    entry.op = (s, v) => {
        if (v != null && (typeof v !== 'object' || Array.isArray(v))) fail(r, v);
        const obj = (v ?? {}) as Record<string, unknown>;
        const w = s.w;
        s.enter();
        let last = -1;
        for (let i = 0; i < n; i++) {
            const f = fields[i] as (typeof fields)[number];
            // Names that could be inherited Object properties (only from odd wire definitions) are read as own only.
            const fv = f.own && !Object.prototype.hasOwnProperty.call(obj, f.name) ? undefined : obj[f.name];
            if (f.c.isZero(fv)) continue;
            w.uint(i - last);
            last = i;
            f.c.op(s, fv);
        }
        w.byte(0);
        s.leave();
    };
}

/** The inline zero test a generated struct encoder can use for a field type (see codegen.ts), if any. */
function zeroKind(type: GoType): string | undefined {
    const r = resolve(type);
    switch (r.kind) {
        case 'string':
        case 'bool':
            return r.kind;
        case 'float32':
        case 'float64':
            return 'float';
        case 'struct':
        case 'array':
            return 'never';
        case 'map':
        case 'iface':
            return 'nil';
        case 'slice':
            return 'slice';
        case 'ptr': {
            // A non-nil pointer to something always sent (struct, array, custom encoding) is sent too.
            const inner = resolve(r.elem).kind === 'external' ? 'never' : zeroKind(r.elem);
            return inner === 'never' ? 'nil' : inner;
        }
        default:
            return /^u?int/.test(r.kind) ? 'int' : undefined;
    }
}

const INT_RANGES: Partial<Record<BasicKind, [number, number]>> = {
    int8: [-0x80, 0x7f],
    int16: [-0x8000, 0x7fff],
    int32: [-0x8000_0000, 0x7fff_ffff],
    uint8: [0, 0xff],
    uint16: [0, 0xffff],
    uint32: [0, 0xffff_ffff],
};
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

function compileBasic(kind: BasicKind, type: GoType, entry: EncCompiled): void {
    const range = INT_RANGES[kind];
    switch (kind) {
        case 'bool':
            entry.op = (s, v) => {
                if (v != null && typeof v !== 'boolean') fail(type, v);
                s.w.uint(v ? 1 : 0);
            };
            entry.isZero = (v) => !v;
            return;
        case 'string':
            entry.op = (s, v) => {
                if (v == null) return s.w.uint(0);
                if (typeof v !== 'string') fail(type, v);
                s.w.string(v);
            };
            entry.isZero = (v) => v == null || v === '';
            return;
        case 'bytes':
            entry.op = (s, v) => {
                if (v == null) return s.w.uint(0);
                if (!(v instanceof Uint8Array)) fail(type, v);
                s.w.bytes(v);
            };
            entry.isZero = (v) => v == null || (v instanceof Uint8Array && v.length === 0);
            return;
        case 'float32':
        case 'float64': {
            const f32 = kind === 'float32';
            entry.op = (s, v) => {
                if (v != null && typeof v !== 'number') fail(type, v);
                const x = (v ?? 0) as number;
                s.w.float(f32 ? Math.fround(x) : x);
            };
            entry.isZero = (v) => v == null || v === 0;
            return;
        }
        case 'complex64':
        case 'complex128': {
            const f32 = kind === 'complex64';
            entry.op = (s, v) => {
                const c = (v ?? {real: 0, imag: 0}) as GoComplex;
                if (typeof c !== 'object' || typeof c.real !== 'number' || typeof c.imag !== 'number') fail(type, v);
                s.w.float(f32 ? Math.fround(c.real) : c.real);
                s.w.float(f32 ? Math.fround(c.imag) : c.imag);
            };
            entry.isZero = (v) => v == null || ((v as GoComplex).real === 0 && (v as GoComplex).imag === 0);
            return;
        }
    }
    const signed = kind.startsWith('int');
    entry.isZero = (v) => v == null || v === 0 || v === 0n;
    if (range) {
        const [min, max] = range;
        entry.op = (s, v) => {
            const x = typeof v === 'bigint' ? Number(v) : ((v ?? 0) as number);
            if (typeof x !== 'number') fail(type, v);
            if (!Number.isInteger(x) || x < min || x > max) {
                throw new GobError(`gob: value ${String(v)} out of range for ${kind}`);
            }
            if (signed) s.w.int(x);
            else s.w.uint(x);
        };
        return;
    }
    // 64-bit kinds: numbers (any integer) or bigints.
    entry.op = (s, v) => {
        if (typeof v === 'bigint') {
            if (signed ? v < I64_MIN || v > I64_MAX : v < 0n || v > U64_MAX) throw new GobError(`gob: value ${v} out of range for ${kind}`);
            if (signed) s.w.intBig(v);
            else s.w.uintBig(v);
            return;
        }
        const x = (v ?? 0) as number;
        if (typeof x !== 'number') fail(type, v);
        if (!Number.isInteger(x) || (signed ? x < -(2 ** 63) || x >= 2 ** 63 : x < 0 || x >= 2 ** 64)) {
            throw new GobError(`gob: value ${String(v)} out of range for ${kind}`);
        }
        if (signed) s.w.int(x);
        else s.w.uint(x);
    };
}
