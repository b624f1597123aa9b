import {GobError, t, type GoType} from './runtime/gob';

/**
 * The vocabulary sdk/gen writes the generated wire descriptions in: each Go type gob needs (structs with their
 * fields' Go and JSON names), including time.Time, arrays, complex numbers and other self-encoding types
 * (GobEncoder, BinaryMarshaler, TextMarshaler: big.Int, net.IP, x509.OID), which travel as opaque bytes.
 */

export type SdkIntKind = 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr';

export type SdkShape =
    | {readonly kind: 'string'}
    | {readonly kind: 'bool'}
    | {readonly kind: 'int'; readonly go: SdkIntKind}
    | {readonly kind: 'float'; readonly go: 'float32' | 'float64'}
    | {readonly kind: 'complex'; readonly go: 'complex64' | 'complex128'}
    /** []byte; `raw` for json.RawMessage, whose JSON shape is the JSON it holds. */
    | {readonly kind: 'bytes'; readonly raw?: true}
    /** url.URL: a BinaryMarshaler whose bytes are its String(); a string in JS. */
    | {readonly kind: 'binaryText'; readonly goName: string}
    /** time.Time: a GobEncoder; a GoTime in JS. */
    | {readonly kind: 'time'}
    /** Any other type with its own encoding: its bytes, a Uint8Array in JS. */
    | {readonly kind: 'external'; readonly goName: string; readonly wire: 'gob' | 'binary' | 'text'}
    | {readonly kind: 'iface'}
    | {readonly kind: 'struct'; readonly def: SdkStructDef}
    | {readonly kind: 'slice'; readonly elem: SdkWire}
    | {readonly kind: 'array'; readonly elem: SdkWire; readonly len: number}
    | {readonly kind: 'map'; readonly key: SdkWire; readonly elem: SdkWire}
    | {readonly kind: 'ptr'; readonly elem: SdkWire}
    | {readonly kind: 'lazy'; readonly get: () => SdkWire};

/** A wire type; `T` (type-level only) is the JSON shape of its values. */
export type SdkWire<T = unknown> = SdkShape & {readonly __js?: T};

export interface SdkFieldDef {
    readonly go: string;
    readonly type: SdkWire;
    /** The JSON key, or null for `json:"-"` and for embedded structs encoding/json flattens (gob sends them whole). */
    readonly json: string | null;
    readonly omitEmpty: boolean;
    /** An untagged embedded struct: encoding/json lifts its fields into the outer object. */
    readonly flatten: boolean;
}

export interface SdkStructDef {
    readonly goName: string;
    readonly fields: readonly SdkFieldDef[];
    /** The Go type has its own MarshalJSON, so its JSON is not simply its fields' (model.Bot, model.ChannelMember…). */
    readonly customJson: boolean;
}

/** One API method or hook: its net/rpc argument and return structs (and a hook's ID). */
export interface SdkMethodDef {
    readonly id?: number;
    /** The structs are the Go signature as it is: parameters as fields A, B, C…, results likewise. */
    readonly direct?: boolean;
    /** The Go method is variadic (LogDebug(msg, keyValuePairs...)): its last field is a slice of the rest. */
    readonly variadic?: boolean;
    /**
     * The parameters that are io.Reader / io.Writer in Go, by index: each travels as a MuxBroker id in the Args
     * field at its position (InstallPlugin, UploadData, …, FileWillBeUploaded); the other fields are positional.
     */
    readonly streams?: Readonly<Record<number, 'reader' | 'writer'>>;
    readonly args: SdkWire;
    readonly returns: SdkWire;
}

export type FieldTuple = readonly [go: string, type: SdkWire, json: string | null, omitEmpty?: boolean, flatten?: boolean];

export const x = {
    string: {kind: 'string'} as SdkWire<string>,
    bool: {kind: 'bool'} as SdkWire<boolean>,
    bytes: {kind: 'bytes'} as SdkWire<Uint8Array | null>,
    rawJson: {kind: 'bytes', raw: true} as SdkWire<unknown>,
    iface: {kind: 'iface'} as SdkWire<unknown>,
    /** JSON shapes say string (RFC 3339, as encoding/json writes it); gob values are GoTime. */
    time: {kind: 'time'} as SdkWire<string>,
    url: {kind: 'binaryText', goName: 'url.URL'} as SdkWire<string>,
    int: (go: SdkIntKind): SdkWire<number> => ({kind: 'int', go}),
    float: (go: 'float32' | 'float64'): SdkWire<number> => ({kind: 'float', go}),
    complex: (go: 'complex64' | 'complex128'): SdkWire => ({kind: 'complex', go}),
    external: (goName: string, wire: 'gob' | 'binary' | 'text'): SdkWire => ({kind: 'external', goName, wire}),
    ptr: (elem: SdkWire): SdkWire => ({kind: 'ptr', elem}),
    slice: (elem: SdkWire): SdkWire => ({kind: 'slice', elem}),
    array: (elem: SdkWire, len: number): SdkWire => ({kind: 'array', elem, len}),
    map: (key: SdkWire, elem: SdkWire): SdkWire => ({kind: 'map', key, elem}),
    lazy: (get: () => SdkWire): SdkWire => ({kind: 'lazy', get}),
    /**
     * A struct; `fields` may be a function, called on first use of the fields, so that loading the generated
     * descriptions of ~840 structs costs a closure each, not their field tables (start-up time, issue #19).
     */
    struct: <T = unknown>(goName: string, fields: readonly FieldTuple[] | (() => readonly FieldTuple[]), customJson = false): SdkWire<T> => ({
        kind: 'struct',
        def: typeof fields === 'function' ? new LazyStructDef(goName, customJson, fields) : {goName, customJson, fields: fields.map(fieldDef)},
    }),
};

function fieldDef([go, type, json, omitEmpty = false, flatten = false]: FieldTuple): SdkFieldDef {
    return {go, type, json, omitEmpty, flatten};
}

/** Fields built on first read; a class, as an object literal with a getter per struct is slower to create. */
class LazyStructDef implements SdkStructDef {
    readonly #tuples: () => readonly FieldTuple[];
    #fields: readonly SdkFieldDef[] | undefined;
    constructor(
        readonly goName: string,
        readonly customJson: boolean,
        tuples: () => readonly FieldTuple[],
    ) {
        this.#tuples = tuples;
    }
    get fields(): readonly SdkFieldDef[] {
        return (this.#fields ??= this.#tuples().map(fieldDef));
    }
}

const cache = new WeakMap<object, GoType>();
const externals = new Map<string, GoType>();

/** The gob runtime's descriptor of a wire type; one per declaration (the runtime caches codecs by identity). */
export function sdkGoType(type: SdkWire): GoType {
    let g = cache.get(type);
    if (!g) {
        g = build(type);
        cache.set(type, g);
    }
    return g;
}

function build(type: SdkWire): GoType {
    switch (type.kind) {
        case 'string':
            return t.string;
        case 'bool':
            return t.bool;
        case 'int':
        case 'float':
        case 'complex':
            return t[type.go];
        case 'bytes':
            return t.bytes;
        case 'binaryText':
            return t.url;
        case 'time':
            return t.time;
        case 'external':
            return opaque(type.goName, type.wire);
        case 'iface':
            return t.iface;
        case 'struct':
            return t.struct(
                type.def.goName,
                type.def.fields.map((f) => [f.go, sdkGoType(f.type)] as const),
            );
        case 'slice':
            return t.slice(sdkGoType(type.elem));
        case 'array':
            return t.array(sdkGoType(type.elem), type.len);
        case 'map':
            return t.map(sdkGoType(type.key), sdkGoType(type.elem));
        case 'ptr':
            return t.ptr(sdkGoType(type.elem));
        case 'lazy': {
            const get = type.get;
            return t.lazy(() => sdkGoType(get()));
        }
    }
}

/**
 * A self-encoding type kept as its bytes. Go leaves such a field out when the Go value is zero, which for these
 * types (big.Int, net.IP, x509.OID) is exactly when there are no bytes to carry.
 */
function opaque(goName: string, wire: 'gob' | 'binary' | 'text'): GoType {
    let g = externals.get(goName);
    if (!g) {
        // The runtime describes all three wires (wire.ts) though its builder's signature names only two.
        g = t.external(goName, wire as 'gob' | 'binary', {
            encode: (v) => {
                if (!(v instanceof Uint8Array)) throw new GobError(`gob: ${goName} value must be a Uint8Array`);
                return v;
            },
            decode: (b) => Uint8Array.from(b),
            zero: () => new Uint8Array(0),
            isZero: (v) => v == null || (v instanceof Uint8Array && v.length === 0),
        });
        externals.set(goName, g);
    }
    return g;
}
