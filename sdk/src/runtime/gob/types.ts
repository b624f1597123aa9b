import {GobError} from './errors';

/**
 * Go type descriptors: what the encoder writes and what the decoder decodes into. Build them once (module constants)
 * with `t`: compiled codecs and the per-stream type ids are cached by descriptor identity.
 */
export type GoType = BasicType | StructType | SliceType | ArrayType | MapType | PtrType | LazyType | ExternalType;

export type IntKind = 'int' | 'int8' | 'int16' | 'int32' | 'int64';
export type UintKind = 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr';
export type BasicKind =
    | 'bool'
    | IntKind
    | UintKind
    | 'float32'
    | 'float64'
    | 'complex64'
    | 'complex128'
    | 'string'
    /** []byte (any []uint8) */
    | 'bytes'
    /** interface{} (also `error`) */
    | 'iface';

export interface BasicType {
    readonly kind: BasicKind;
}

export interface StructField {
    readonly name: string;
    readonly type: GoType;
}

export interface StructType {
    readonly kind: 'struct';
    /** The Go name, e.g. 'model.Post'; informational on the wire (gob matches fields by name). */
    readonly goName: string;
    readonly fields: readonly StructField[];
}

export interface SliceType {
    readonly kind: 'slice';
    readonly elem: GoType;
}

export interface ArrayType {
    readonly kind: 'array';
    readonly elem: GoType;
    readonly len: number;
}

export interface MapType {
    readonly kind: 'map';
    readonly key: GoType;
    readonly elem: GoType;
}

/** A pointer: gob sends the pointee; JS null/undefined is nil. */
export interface PtrType {
    readonly kind: 'ptr';
    readonly elem: GoType;
}

export interface LazyType {
    readonly kind: 'lazy';
    readonly get: () => GoType;
}

/** A type with its own byte encoding: GobEncoder (wire 'gob'), encoding.BinaryMarshaler ('binary'). */
export interface ExternalType {
    readonly kind: 'external';
    readonly goName: string;
    readonly wire: 'gob' | 'binary' | 'text';
    readonly encode: (value: unknown) => Uint8Array;
    readonly decode: (bytes: Uint8Array) => unknown;
    readonly zero: () => unknown;
    /** Zero values are left out of structs, as Go does for fields whose value IsZero. */
    readonly isZero: (value: unknown) => boolean;
}

export type ExternalCodec = Omit<ExternalType, 'kind' | 'goName' | 'wire'>;

const basic = <K extends BasicKind>(kind: K): BasicType => Object.freeze({kind});

const sliceCache = new WeakMap<GoType, SliceType>();
const ptrCache = new WeakMap<GoType, PtrType>();
const mapCache = new WeakMap<GoType, WeakMap<GoType, MapType>>();
const arrayCache = new WeakMap<GoType, Map<number, ArrayType>>();

const bytes = basic('bytes');
const uint8 = basic('uint8');

/** The type builders. Composite builders return the same object for the same arguments, so `t.slice(t.string)` can be repeated freely. */
export const coreTypes = {
    bool: basic('bool'),
    int: basic('int'),
    int8: basic('int8'),
    int16: basic('int16'),
    int32: basic('int32'),
    int64: basic('int64'),
    uint: basic('uint'),
    uint8,
    uint16: basic('uint16'),
    uint32: basic('uint32'),
    uint64: basic('uint64'),
    uintptr: basic('uintptr'),
    float32: basic('float32'),
    float64: basic('float64'),
    complex64: basic('complex64'),
    complex128: basic('complex128'),
    string: basic('string'),
    bytes,
    iface: basic('iface'),

    struct(goName: string, fields: ReadonlyArray<readonly [fieldName: string, type: GoType]>): StructType {
        const seen = new Set<string>();
        for (const [name] of fields) {
            if (name === '' || seen.has(name)) throw new GobError(`gob: struct ${goName}: empty or repeated field name "${name}"`);
            seen.add(name);
        }
        return Object.freeze({kind: 'struct', goName, fields: Object.freeze(fields.map(([name, type]) => Object.freeze({name, type})))});
    },

    /** []uint8 is gob's byte string, so `t.slice(t.uint8)` is `t.bytes`. */
    slice(elem: GoType): GoType {
        if (elem === uint8) return bytes;
        let s = sliceCache.get(elem);
        if (!s) sliceCache.set(elem, (s = Object.freeze({kind: 'slice', elem})));
        return s;
    },

    array(elem: GoType, len: number): ArrayType {
        if (!Number.isSafeInteger(len) || len < 0) throw new GobError(`gob: bad array length ${len}`);
        let byLen = arrayCache.get(elem);
        if (!byLen) arrayCache.set(elem, (byLen = new Map()));
        let a = byLen.get(len);
        if (!a) byLen.set(len, (a = Object.freeze({kind: 'array', elem, len})));
        return a;
    },

    map(key: GoType, elem: GoType): MapType {
        let byElem = mapCache.get(key);
        if (!byElem) mapCache.set(key, (byElem = new WeakMap()));
        let m = byElem.get(elem);
        if (!m) byElem.set(elem, (m = Object.freeze({kind: 'map', key, elem})));
        return m;
    },

    ptr(elem: GoType): PtrType {
        let p = ptrCache.get(elem);
        if (!p) ptrCache.set(elem, (p = Object.freeze({kind: 'ptr', elem})));
        return p;
    },

    /** A forward reference, for recursive types: `const node = t.struct('main.Node', [['Next', t.ptr(t.lazy(() => node))]])`. */
    lazy(get: () => GoType): LazyType {
        return Object.freeze({kind: 'lazy', get});
    },

    /** A type with its own encoding (Go GobEncoder or BinaryMarshaler); see `t.time` and `t.url`. */
    external(goName: string, wire: 'gob' | 'binary', codec: ExternalCodec): ExternalType {
        return Object.freeze({kind: 'external', goName, wire, ...codec});
    },
};

/** Follows lazy references; a lazy that loops onto itself is an error. */
export function resolve(type: GoType): Exclude<GoType, LazyType> {
    let cur = type;
    for (let hops = 0; cur.kind === 'lazy'; hops++) {
        if (hops > 100) throw new GobError('gob: lazy type refers to itself');
        cur = cur.get();
    }
    return cur;
}

/** Strips pointers and lazies: the type whose values travel on the wire. */
export function base(type: GoType): Exclude<GoType, LazyType | PtrType> {
    let cur = resolve(type);
    for (let hops = 0; cur.kind === 'ptr'; hops++) {
        if (hops > 100) throw new GobError('gob: recursive pointer type');
        cur = resolve(cur.elem);
    }
    return cur;
}

/** Go's reflect String() of a type, e.g. 'map[string]interface {}'; the name gob registers unnamed types under. */
export function goTypeName(type: GoType, depth = 0): string {
    if (depth > 50) return '...';
    const r = resolve(type);
    switch (r.kind) {
        case 'struct':
        case 'external':
            return r.goName;
        case 'bytes':
            return '[]uint8';
        case 'iface':
            return 'interface {}';
        case 'slice':
            return '[]' + goTypeName(r.elem, depth + 1);
        case 'array':
            return `[${r.len}]` + goTypeName(r.elem, depth + 1);
        case 'map':
            return `map[${goTypeName(r.key, depth + 1)}]${goTypeName(r.elem, depth + 1)}`;
        case 'ptr':
            return '*' + goTypeName(r.elem, depth + 1);
        default:
            return r.kind;
    }
}

/** The informational CommonType.Name Go sends: a named type's bare name ('Post'), '' for unnamed composites. */
export function wireName(type: StructType | ExternalType): string {
    const dot = type.goName.lastIndexOf('.');
    return dot < 0 ? type.goName : type.goName.slice(dot + 1);
}
