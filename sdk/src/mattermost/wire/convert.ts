import {GoValue, goTypeOf} from '../../runtime/gob';
import {interfaceTypes} from './model';
import {resolve, type FieldDef, type IfaceUnion, type StructDef, type WireType} from './types';

/**
 * Generic conversion between gob objects (keyed by Go field names) and Mattermost's JSON shapes (keyed by JSON tags),
 * driven by the declarations in model.ts. One converter is compiled per declared type and cached, so a hook pays only
 * for a loop over the fields.
 *
 * JS shapes follow Go's encoding/json with two deliberate exceptions: []byte stays a Uint8Array (base64 is accepted
 * on the way in), and int64 values are JS numbers (exact up to 2^53, which covers millisecond timestamps).
 */

type Conv = (value: unknown) => unknown;
type Obj = Record<string, unknown>;

const toJsCache = new WeakMap<object, Conv>();
const fromJsCache = new WeakMap<object, Conv>();

/** gob value → JS (JSON-shaped) value. */
export function toJs(type: WireType, value: unknown): unknown {
    return toJsConv(type)(value);
}

/** JS (JSON-shaped) value → gob value; absent and null fields are left out, as Go's zero values would be. */
export function fromJs(type: WireType, value: unknown): unknown {
    return fromJsConv(type)(value);
}

export function toJsConv(type: WireType): Conv {
    const key = resolve(type);
    let conv = toJsCache.get(key);
    if (!conv) {
        conv = compileToJs(key);
        toJsCache.set(key, conv);
    }
    return conv;
}

export function fromJsConv(type: WireType): Conv {
    const key = resolve(type);
    let conv = fromJsCache.get(key);
    if (!conv) {
        conv = compileFromJs(key);
        fromJsCache.set(key, conv);
    }
    return conv;
}

function compileToJs(type: Exclude<WireType, {kind: 'lazy'}>): Conv {
    switch (type.kind) {
        case 'string':
        case 'binaryText':
            return (v) => (typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : '');
        case 'bool':
            return (v) => v === true;
        case 'int':
        case 'float':
            return toNumber;
        case 'bytes':
            return (v) => (v instanceof Uint8Array && v.length > 0 ? v : null);
        case 'iface':
            return ifaceToJs;
        case 'ptr': {
            const elem = lazyToJs(type.elem);
            return (v) => (v == null ? null : elem()(v));
        }
        case 'slice': {
            const elem = lazyToJs(type.elem);
            return (v) => (Array.isArray(v) ? v.map((e) => elem()(e)) : []);
        }
        case 'map': {
            // map[string]any (Props): the decoded object is fresh, so it is reused unless a value needs converting.
            if (resolve(type.elem).kind === 'iface') return (v) => (v && typeof v === 'object' ? ifaceToJs(v) : {});
            const elem = lazyToJs(type.elem);
            return (v) => mapValues(v, (e) => elem()(e));
        }
        case 'struct':
            return structToJs(type.def);
    }
}

function compileFromJs(type: Exclude<WireType, {kind: 'lazy'}>): Conv {
    switch (type.kind) {
        case 'string':
            return (v) => (v == null ? undefined : String(v));
        case 'binaryText':
            return (v) => (v == null ? undefined : Buffer.from(String(v), 'utf8'));
        case 'bool':
            return (v) => (v == null ? undefined : v === true);
        case 'int':
            return (v) => (v == null ? undefined : typeof v === 'bigint' ? v : Math.trunc(Number(v)) || 0);
        case 'float':
            return (v) => (v == null ? undefined : Number(v));
        case 'bytes':
            return bytesFromJs;
        case 'iface':
            return ifaceFromJs;
        case 'ptr': {
            const elem = lazyFromJs(type.elem);
            return (v) => (v == null ? undefined : elem()(v));
        }
        case 'slice': {
            const elem = lazyFromJs(type.elem);
            // gob cannot encode nil elements (Go fails with "encodeArray: nil element"), so they are dropped.
            return (v) => (Array.isArray(v) ? v.map((e) => elem()(e)).filter((e) => e !== undefined) : undefined);
        }
        case 'map': {
            const elem = lazyFromJs(type.elem);
            return (v) => (v == null ? undefined : mapValues(v, (e) => elem()(e)));
        }
        case 'struct':
            return structFromJs(type.def);
    }
}

/** Converters of recursive types (CommandResponse.ExtraResponses) are looked up on first use. */
function lazyToJs(type: WireType): () => Conv {
    let conv: Conv | undefined;
    return () => (conv ??= toJsConv(type));
}

function lazyFromJs(type: WireType): () => Conv {
    let conv: Conv | undefined;
    return () => (conv ??= fromJsConv(type));
}

/** Scalar kinds are converted inline in the struct loops (the hot path of every hook); others call their converter. */
const enum Fast {
    None,
    String,
    Bool,
    Number,
}

interface CompiledField {
    go: string;
    json: string;
    omitEmpty: boolean;
    fast: Fast;
    conv: () => Conv;
    union: IfaceUnion | undefined;
}

function compiledFields(def: StructDef, make: (t: WireType) => () => Conv): CompiledField[] {
    return def.fields
        .filter((f): f is FieldDef & {json: string} => f.json !== null)
        .map((f) => {
            const t = resolve(f.type);
            const fast = t.kind === 'string' ? Fast.String : t.kind === 'bool' ? Fast.Bool : t.kind === 'int' || t.kind === 'float' ? Fast.Number : Fast.None;
            return {go: f.go, json: f.json, omitEmpty: f.omitEmpty, fast, conv: make(t), union: t.kind === 'iface' ? t.union : undefined};
        });
}

function structToJs(def: StructDef): Conv {
    const fields = compiledFields(def, lazyToJs);
    let convs: Conv[] | null = null;
    return (v) => {
        const src = (v && typeof v === 'object' ? v : {}) as Obj;
        const cs = (convs ??= fields.map((f) => f.conv()));
        const out: Obj = {};
        for (let i = 0; i < fields.length; i++) {
            const f = fields[i] as CompiledField;
            const raw = src[f.go];
            if (f.omitEmpty && isEmpty(raw)) continue;
            switch (f.fast) {
                case Fast.String:
                    out[f.json] = typeof raw === 'string' ? raw : '';
                    break;
                case Fast.Bool:
                    out[f.json] = raw === true;
                    break;
                case Fast.Number:
                    out[f.json] = typeof raw === 'number' ? raw : toNumber(raw);
                    break;
                default:
                    out[f.json] = (cs[i] as Conv)(raw);
            }
        }
        return out;
    };
}

function structFromJs(def: StructDef): Conv {
    const fields = compiledFields(def, lazyFromJs);
    return (v) => {
        if (v == null || typeof v !== 'object') return undefined;
        const src = v as Obj;
        const out: Obj = {};
        for (const f of fields) {
            const raw = src[f.json];
            if (raw === undefined) continue;
            const converted = f.union ? unionFromJs(f.union, src, raw) : f.conv()(raw);
            if (converted !== undefined) out[f.go] = converted;
        }
        return out;
    };
}

/** Go's encoding/json omitempty: false, 0, "", nil, and empty slices, maps and strings. */
function isEmpty(v: unknown): boolean {
    if (v == null || v === false || v === 0 || v === 0n || v === '') return true;
    if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
    if (v instanceof GoValue || goTypeOf(v) !== undefined) return false;
    if (typeof v === 'object') {
        for (const _ in v) return false;
        return true;
    }
    return false;
}

function toNumber(v: unknown): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    return 0;
}

function mapValues(v: unknown, conv: Conv): Obj {
    const out: Obj = {};
    if (v && typeof v === 'object') {
        for (const [k, e] of Object.entries(v)) out[k] = conv(e);
    }
    return out;
}

function bytesFromJs(v: unknown): Uint8Array | undefined {
    if (v instanceof Uint8Array) return v.length > 0 ? v : undefined;
    if (typeof v === 'string' && v !== '') return new Uint8Array(Buffer.from(v, 'base64'));
    return undefined;
}

// ---- interface values ---------------------------------------------------------------------------------------

const ifaceTypes = new Map(interfaceTypes);

/**
 * An interface value arrives as plain JS when Go held a JSON-like value (string, bool, float64, map[string]any,
 * []any); a registered struct arrives as an object tagged with its Go name (goTypeOf), anything else as a GoValue.
 * Registered model types become their JSON shape, Go numbers become numbers. Plain containers are copied only when
 * something inside needs converting.
 */
export function ifaceToJs(v: unknown): unknown {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'object' || v instanceof Uint8Array) return v;
    const name = goTypeOf(v);
    if (name !== undefined) return namedToJs(name, v instanceof GoValue ? v.value : v);
    if (!needsConversion(v)) return v;
    if (Array.isArray(v)) return v.map(ifaceToJs);
    return mapValues(v, ifaceToJs);
}

function namedToJs(name: string, value: unknown): unknown {
    const type = ifaceTypes.get(name);
    if (type) return toJs(type, value);
    if (typeof value === 'bigint') return Number(value);
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
        return Array.isArray(value) ? value.map(ifaceToJs) : mapValues(value, ifaceToJs);
    }
    return value;
}

function needsConversion(v: object): boolean {
    for (const e of Array.isArray(v) ? v : Object.values(v)) {
        if (e === null || typeof e !== 'object' || e instanceof Uint8Array) continue;
        if (goTypeOf(e) !== undefined || needsConversion(e)) return true;
    }
    return false;
}

/**
 * A value decoded without a schema (dynamic reply) made JSON-safe: GoValues and tagged objects unwrapped, int64s
 * beyond 2^53 as (rounded) numbers; field names stay Go's.
 */
export function plainToJs(v: unknown): unknown {
    if (v instanceof GoValue) return plainToJs(v.value);
    if (typeof v === 'bigint') return Number(v);
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v ?? null;
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, e]) => [String(k), plainToJs(e)]));
    if (Array.isArray(v)) return v.map(plainToJs);
    return mapValues(v, plainToJs);
}

/** JS → interface value: JSON-like values travel as Go's JSON types (numbers as float64); GoValues as themselves. */
export function ifaceFromJs(v: unknown): unknown {
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || v instanceof GoValue || v instanceof Uint8Array) return v;
    if (goTypeOf(v) !== undefined) return v; // a registered struct as decoded: passes on as that Go type
    if (Array.isArray(v)) return v.map((e) => (e === undefined ? null : ifaceFromJs(e)));
    const out: Obj = {};
    for (const [k, e] of Object.entries(v)) {
        if (e !== undefined) out[k] = ifaceFromJs(e);
    }
    return out;
}

function unionFromJs(union: IfaceUnion, parent: Obj, raw: unknown): unknown {
    if (raw == null) return undefined;
    const goName = union.variants[String(parent[union.by])];
    const type = goName === undefined ? undefined : ifaceTypes.get(goName);
    if (!goName || !type) return ifaceFromJs(raw);
    return new GoValue(goName, fromJs(type, raw));
}

/** Wraps a JS value of a registered model type (e.g. '*model.AppError') for an interface field. */
export function ifaceOf(goName: string, jsValue: unknown): GoValue {
    const type = ifaceTypes.get(goName);
    if (!type) throw new Error(`not a registered interface type: ${goName}`);
    return new GoValue(goName, fromJs(type, jsValue));
}
