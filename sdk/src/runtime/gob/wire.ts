import {GobError} from './errors';
import {coreTypes as t, type GoType, type StructType} from './types';

/** gob's predefined type ids (encoding/gob/type.go). User types start at 64. */
export const T_BOOL = 1;
export const T_INT = 2;
export const T_UINT = 3;
export const T_FLOAT = 4;
export const T_BYTES = 5;
export const T_STRING = 6;
export const T_COMPLEX = 7;
export const T_INTERFACE = 8;
export const T_WIRE_TYPE = 16;
export const FIRST_USER_ID = 64;

/** A type definition as received: what gob's wireType describes, with ids for the component types. */
export type Wire =
    | {readonly kind: 'basic'; readonly id: number}
    | {readonly kind: 'struct'; readonly name: string; readonly fields: ReadonlyArray<{readonly name: string; readonly id: number}>}
    | {readonly kind: 'slice'; readonly name: string; readonly elem: number}
    | {readonly kind: 'array'; readonly name: string; readonly elem: number; readonly len: number}
    | {readonly kind: 'map'; readonly name: string; readonly key: number; readonly elem: number}
    | {readonly kind: 'external'; readonly name: string; readonly wire: 'gob' | 'binary' | 'text'}
    | {readonly kind: 'invalid'};

// The wireType structs, exactly as Go declares them; decoded and encoded with the ordinary machinery.
const commonType = t.struct('gob.CommonType', [['Name', t.string], ['Id', t.int]]);
const arrayType = t.struct('gob.arrayType', [['CommonType', commonType], ['Elem', t.int], ['Len', t.int]]);
const sliceType = t.struct('gob.sliceType', [['CommonType', commonType], ['Elem', t.int]]);
const fieldType = t.struct('gob.fieldType', [['Name', t.string], ['Id', t.int]]);
const structType = t.struct('gob.structType', [['CommonType', commonType], ['Field', t.slice(fieldType)]]);
const mapType = t.struct('gob.mapType', [['CommonType', commonType], ['Key', t.int], ['Elem', t.int]]);
const gobEncoderType = t.struct('gob.gobEncoderType', [['CommonType', commonType]]);
export const wireTypeSchema: StructType = t.struct('gob.wireType', [
    ['ArrayT', t.ptr(arrayType)],
    ['SliceT', t.ptr(sliceType)],
    ['StructT', t.ptr(structType)],
    ['MapT', t.ptr(mapType)],
    ['GobEncoderT', t.ptr(gobEncoderType)],
    ['BinaryMarshalerT', t.ptr(gobEncoderType)],
    ['TextMarshalerT', t.ptr(gobEncoderType)],
]);

const builtinWires = new Map<number, Wire>();
const builtinTypes = new Map<number, GoType>();
const basics: Array<[number, GoType]> = [
    [T_BOOL, t.bool], [T_INT, t.int64], [T_UINT, t.uint64], [T_FLOAT, t.float64],
    [T_BYTES, t.bytes], [T_STRING, t.string], [T_COMPLEX, t.complex128], [T_INTERFACE, t.iface],
];
for (const [id, type] of basics) {
    builtinWires.set(id, {kind: 'basic', id});
    builtinTypes.set(id, type);
}
const structWire = (id: number, type: StructType, ids: number[]) => {
    builtinWires.set(id, {kind: 'struct', name: type.goName.slice(4), fields: type.fields.map((f, i) => ({name: f.name, id: ids[i] as number}))});
    builtinTypes.set(id, type);
};
structWire(16, wireTypeSchema, [17, 19, 20, 23, 24, 24, 24]);
structWire(17, arrayType, [18, T_INT, T_INT]);
structWire(18, commonType, [T_STRING, T_INT]);
structWire(19, sliceType, [18, T_INT]);
structWire(20, structType, [18, 22]);
structWire(21, fieldType, [T_STRING, T_INT]);
builtinWires.set(22, {kind: 'slice', name: '', elem: 21});
builtinTypes.set(22, t.slice(fieldType));
structWire(23, mapType, [18, T_INT, T_INT]);
structWire(24, gobEncoderType, [18]);

export function builtinWire(id: number): Wire | undefined {
    return builtinWires.get(id);
}

/** The JS shape of a decoded wireType value. */
interface WireTypeValue {
    ArrayT: {CommonType: {Name: string}; Elem: unknown; Len: unknown} | null;
    SliceT: {CommonType: {Name: string}; Elem: unknown} | null;
    StructT: {CommonType: {Name: string}; Field: Array<{Name: string; Id: unknown}>} | null;
    MapT: {CommonType: {Name: string}; Key: unknown; Elem: unknown} | null;
    GobEncoderT: {CommonType: {Name: string}} | null;
    BinaryMarshalerT: {CommonType: {Name: string}} | null;
    TextMarshalerT: {CommonType: {Name: string}} | null;
}

const MAX_FIELDS = 10_000;

function id(v: unknown): number {
    // Ids are Go int32s; anything else cannot name a type.
    if (typeof v !== 'number' || v < 0 || v > 0x7fff_ffff) throw new GobError(`gob: bad type id ${String(v)}`);
    return v;
}

/** Converts a decoded wireType into a Wire, in the order Go's decoder looks at the members. */
export function wireFromValue(value: unknown): Wire {
    const w = value as WireTypeValue;
    if (w.ArrayT) {
        const len = w.ArrayT.Len;
        if (typeof len !== 'number' || len < 0) throw new GobError(`gob: bad array length ${String(len)}`);
        return {kind: 'array', name: w.ArrayT.CommonType.Name, elem: id(w.ArrayT.Elem), len};
    }
    if (w.MapT) return {kind: 'map', name: w.MapT.CommonType.Name, key: id(w.MapT.Key), elem: id(w.MapT.Elem)};
    if (w.SliceT) return {kind: 'slice', name: w.SliceT.CommonType.Name, elem: id(w.SliceT.Elem)};
    if (w.StructT) {
        if (w.StructT.Field.length > MAX_FIELDS) throw new GobError(`gob: struct with ${w.StructT.Field.length} fields`);
        return {kind: 'struct', name: w.StructT.CommonType.Name, fields: w.StructT.Field.map((f) => ({name: f.Name, id: id(f.Id)}))};
    }
    if (w.GobEncoderT) return {kind: 'external', name: w.GobEncoderT.CommonType.Name, wire: 'gob'};
    if (w.BinaryMarshalerT) return {kind: 'external', name: w.BinaryMarshalerT.CommonType.Name, wire: 'binary'};
    if (w.TextMarshalerT) return {kind: 'external', name: w.TextMarshalerT.CommonType.Name, wire: 'text'};
    return {kind: 'invalid'};
}

const common = (name: string, typeId: number) => ({Name: name, Id: typeId});

/** The wireType value describing a type we send. */
export function wireTypeValue(kind: 'struct' | 'slice' | 'array' | 'map' | 'gob' | 'binary' | 'text', name: string, typeId: number, parts: {
    fields?: Array<{Name: string; Id: number}>;
    elem?: number;
    key?: number;
    len?: number;
}): Record<string, unknown> {
    switch (kind) {
        case 'struct':
            return {StructT: {CommonType: common(name, typeId), Field: parts.fields ?? []}};
        case 'slice':
            return {SliceT: {CommonType: common(name, typeId), Elem: parts.elem}};
        case 'array':
            return {ArrayT: {CommonType: common(name, typeId), Elem: parts.elem, Len: parts.len}};
        case 'map':
            return {MapT: {CommonType: common(name, typeId), Key: parts.key, Elem: parts.elem}};
        case 'gob':
            return {GobEncoderT: {CommonType: common(name, typeId)}};
        case 'binary':
            return {BinaryMarshalerT: {CommonType: common(name, typeId)}};
        case 'text':
            return {TextMarshalerT: {CommonType: common(name, typeId)}};
    }
}

/** Raw bytes for a GobEncoder/BinaryMarshaler type we have no codec for (dynamic decoding). */
export function rawExternal(name: string, wire: 'gob' | 'binary' | 'text'): GoType {
    return t.external(name, wire === 'text' ? 'binary' : wire, {
        encode: (v) => {
            if (!(v instanceof Uint8Array)) throw new GobError(`gob: ${name} value must be a Uint8Array`);
            return v;
        },
        decode: (b) => b,
        zero: () => new Uint8Array(0),
        isZero: (v) => v == null || (v instanceof Uint8Array && v.length === 0),
    });
}

/**
 * The GoType a stream's wire definition stands for, for dynamic decoding: ints become int64, uints uint64, floats
 * float64. Struct- and array-typed fields become pointers, since the wire cannot tell a nil pointer from a value
 * and an absent field is most likely nil (this also keeps recursive types finite).
 */
export function deriveType(typeId: number, wires: (id: number) => Wire | undefined, memo: Map<number, GoType>): GoType {
    const builtin = builtinTypes.get(typeId);
    if (builtin) return builtin;
    const known = memo.get(typeId);
    if (known) return known;
    const wire = wires(typeId);
    if (!wire) throw new GobError(`gob: unknown type id ${typeId}`);
    // Recursive references resolve through a lazy once the definition is complete.
    memo.set(typeId, t.lazy(() => memo.get(typeId) as GoType));
    try {
        const type = deriveWire(wire, typeId, (id) => deriveType(id, wires, memo), wires);
        memo.set(typeId, type);
        return type;
    } catch (e) {
        memo.delete(typeId);
        throw e;
    }
}

function deriveWire(wire: Wire, typeId: number, sub: (id: number) => GoType, wires: (id: number) => Wire | undefined): GoType {
    switch (wire.kind) {
        case 'struct':
            return t.struct(
                wire.name,
                wire.fields.map((f) => {
                    const fw = wires(f.id);
                    const boxed = fw !== undefined && (fw.kind === 'struct' || fw.kind === 'array');
                    return [f.name, boxed ? t.ptr(sub(f.id)) : sub(f.id)] as const;
                }),
            );
        case 'slice':
            return t.slice(sub(wire.elem));
        case 'array':
            return t.array(sub(wire.elem), wire.len);
        case 'map':
            return t.map(sub(wire.key), sub(wire.elem));
        case 'external':
            return rawExternal(wire.name, wire.wire);
        default:
            throw new GobError(`gob: type id ${typeId} has an invalid definition`);
    }
}
