/**
 * The vocabulary every wire struct is declared in: a Go type (for gob) plus, per struct field, its Go name and its
 * JSON tag (for Mattermost's JSON shapes). Plain data, so the declarations stay readable and the gob schema, the JSON
 * converters and the TypeScript types of the JSON shapes all derive from one declaration.
 */

export type IntKind = 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64';

export type WireShape =
    | {readonly kind: 'string'}
    | {readonly kind: 'bool'}
    | {readonly kind: 'int'; readonly go: IntKind}
    | {readonly kind: 'float'; readonly go: 'float32' | 'float64'}
    | {readonly kind: 'bytes'}
    /** A Go value implementing encoding.BinaryMarshaler as text (url.URL): bytes on the wire, a string in JS. */
    | {readonly kind: 'binaryText'; readonly goName: string}
    /** interface{} / error: concrete values travel with their registered Go name. */
    | {readonly kind: 'iface'; readonly union?: IfaceUnion}
    | {readonly kind: 'struct'; readonly def: StructDef}
    | {readonly kind: 'slice'; readonly elem: WireType}
    | {readonly kind: 'map'; readonly key: WireType; readonly elem: WireType}
    | {readonly kind: 'ptr'; readonly elem: WireType}
    | {readonly kind: 'lazy'; readonly get: () => WireType};

/** A wire type; `T` (type-level only) is the JS shape toJs produces for it. */
export type WireType<T = unknown> = WireShape & {readonly __js?: T};

/** The JS shape of a wire type. */
export type Js<W> = W extends WireType<infer T> ? T : never;

/**
 * An interface field whose concrete Go type is chosen by a sibling JSON field (AutocompleteArg.Data by its `type`):
 * `variants` maps that sibling's value to the registered Go name.
 */
export interface IfaceUnion {
    readonly by: string;
    readonly variants: Readonly<Record<string, string>>;
}

export interface FieldDef {
    readonly go: string;
    readonly type: WireType;
    /** The JSON key, or null for `json:"-"` (gob only). */
    readonly json: string | null;
    readonly omitEmpty: boolean;
}

export interface StructDef {
    readonly goName: string;
    readonly fields: readonly FieldDef[];
}

/** `[type, jsonTag]` where jsonTag is Go's tag text: `'name'`, `'name,omitempty'` or `'-'`. */
export type FieldSpec = readonly [WireType<unknown>, string];

type TagOf<S> = S extends readonly [unknown, infer G extends string] ? G : never;
type NameOf<G extends string> = G extends `${infer N},${string}` ? N : G;
type Omits<G extends string> = G extends `${string},omitempty` ? true : false;
type Required_<F> = {
    [K in keyof F as TagOf<F[K]> extends '-' ? never : Omits<TagOf<F[K]>> extends true ? never : NameOf<TagOf<F[K]>>]: F[K] extends readonly [infer W, string] ? Js<W> : never;
};
type Optional_<F> = {
    [K in keyof F as TagOf<F[K]> extends '-' ? never : Omits<TagOf<F[K]>> extends true ? NameOf<TagOf<F[K]>> : never]?: F[K] extends readonly [infer W, string] ? Js<W> : never;
};
type Flatten<T> = {[K in keyof T]: T[K]};
/** A struct's JS shape: fields with omitempty are optional, `json:"-"` fields absent, as in Go's encoding/json. */
export type StructJs<F> = Flatten<Required_<F> & Optional_<F>>;

export function struct<const F extends Readonly<Record<string, FieldSpec>>>(goName: string, fields: F): WireType<StructJs<F>> {
    return {kind: 'struct', def: structDef(goName, fields)};
}

export function structDef(goName: string, fields: Readonly<Record<string, FieldSpec>>): StructDef {
    return {
        goName,
        fields: Object.entries(fields).map(([go, [type, tag]]) => {
            const [name = '', ...opts] = tag.split(',');
            return {go, type, json: name === '-' ? null : name || go, omitEmpty: opts.includes('omitempty')};
        }),
    };
}

const int = (go: IntKind): WireType<number> => ({kind: 'int', go});
const stringType: WireType<string> = {kind: 'string'};
const ifaceType: WireType<unknown> = {kind: 'iface'};

export const w = {
    string: stringType,
    bool: {kind: 'bool'} as WireType<boolean>,
    int: int('int'),
    int64: int('int64'),
    int32: int('int32'),
    uint32: int('uint32'),
    uint64: int('uint64'),
    float64: {kind: 'float', go: 'float64'} as WireType<number>,
    /** []byte: a Uint8Array in JS, null when nil (gob cannot tell nil from empty). */
    bytes: {kind: 'bytes'} as WireType<Uint8Array | null>,
    iface: ifaceType,
    /** Go's `error`: an interface holding *plugin.ErrorString or *model.AppError. */
    error: {kind: 'iface'} as WireType<unknown>,
    binaryText: (goName: string): WireType<string> => ({kind: 'binaryText', goName}),
    union: (by: string, variants: Record<string, string>): WireType<unknown> => ({kind: 'iface', union: {by, variants}}),
    slice: <T>(elem: WireType<T>): WireType<T[]> => ({kind: 'slice', elem}),
    map: <T>(key: WireType<string>, elem: WireType<T>): WireType<Record<string, T>> => ({kind: 'map', key, elem}),
    ptr: <T>(elem: WireType<T>): WireType<T | null> => ({kind: 'ptr', elem}),
    lazy: <T>(get: () => WireType<T>): WireType<T> => ({kind: 'lazy', get}),
    /** map[string]any: Post.Props and friends. */
    stringInterface: {kind: 'map', key: stringType, elem: ifaceType} as WireType<Record<string, unknown>>,
    /** map[string]string: StringMap. */
    stringMap: {kind: 'map', key: stringType, elem: stringType} as WireType<Record<string, string>>,
};

export function resolve(type: WireType): Exclude<WireShape, {kind: 'lazy'}> {
    let t: WireShape = type;
    while (t.kind === 'lazy') t = t.get();
    return t;
}

/** The input form of a JS shape: every field optional, recursively (absent = Go's zero value). */
export type Draft<T> = T extends Uint8Array ? T : T extends Array<infer E> ? Array<Draft<E>> : T extends object ? {[K in keyof T]?: Draft<T[K]> | null} : T;
