import {GoTime, GoValue, goTypeOf, withGoType} from './runtime/gob';
import {interfaceTypes} from './generated/wire';
import {type SdkFieldDef, type SdkShape, type SdkStructDef, type SdkWire} from './wire';

/**
 * gob values (objects keyed by Go field names) ↔ Mattermost's JSON shapes (keyed by JSON names), for any generated
 * wire type, following encoding/json: omitempty, `json:"-"`, embedded structs lifted into the outer object,
 * time.Time as RFC 3339 text. The SDK's conventions (the Mattermost layer's shapes are these): []byte stays a
 * Uint8Array (base64 text is accepted on the way in) and 64-bit integers are numbers, bigints beyond 2^53. Types with
 * their own MarshalJSON (SdkStructDef.customJson) are converted by their fields.
 */

type Obj = Record<string, unknown>;

const registered = new Map<string, SdkWire>(interfaceTypes.map(([name, type]) => [name, type]));

function resolve(type: SdkWire): Exclude<SdkWire, {kind: 'lazy'}> {
    let t = type;
    while (t.kind === 'lazy') t = t.get();
    return t;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** gob value → JSON shape. */
export function toJson(type: SdkWire, v: unknown): unknown {
    const t = resolve(type);
    switch (t.kind) {
        case 'string':
        case 'binaryText':
            return typeof v === 'string' ? v : '';
        case 'bool':
            return v === true;
        case 'int':
        case 'float':
            // Beyond 2^53 an int64 stays a bigint: a number would not carry it back exactly.
            return typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v) : typeof v === 'number' ? v : 0;
        case 'complex':
        case 'external':
            return v ?? null;
        case 'bytes':
            if (t.raw) return v instanceof Uint8Array && v.length > 0 ? JSON.parse(Buffer.from(v).toString('utf8')) : null;
            return v instanceof Uint8Array && v.length > 0 ? v : null;
        case 'time':
            return formatTime(v instanceof GoTime ? v : GoTime.ZERO);
        case 'iface':
            return ifaceToJson(v);
        case 'ptr':
            return v == null ? null : toJson(t.elem, v);
        case 'slice':
        case 'array':
            return Array.isArray(v) ? v.map((e) => toJson(t.elem, e)) : [];
        case 'map': {
            if (v == null) return null;
            const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Obj);
            const out: Obj = {};
            for (const [k, e] of entries) out[String(k)] = toJson(t.elem, e);
            return out;
        }
        case 'struct':
            return structToJson(t.def, isObj(v) ? v : {});
    }
}

/** A struct's fields as structToJson walks them, worked out once per declaration (hooks convert on every call). */
interface Plan {
    readonly embedded: readonly SdkFieldDef[];
    readonly fields: ReadonlyArray<{readonly go: string; readonly json: string; readonly omitEmpty: boolean; readonly type: SdkWire; readonly kind: SdkShape['kind']}>;
}

const plans = new WeakMap<SdkStructDef, Plan>();

function planOf(def: SdkStructDef): Plan {
    let plan = plans.get(def);
    if (!plan) {
        plan = {
            embedded: def.fields.filter((f) => f.flatten),
            fields: def.fields
                .filter((f): f is SdkFieldDef & {json: string} => f.json !== null && !f.flatten)
                .map((f) => ({go: f.go, json: f.json, omitEmpty: f.omitEmpty, type: f.type, kind: f.type.kind})),
        };
        plans.set(def, plan);
    }
    return plan;
}

function structToJson(def: SdkStructDef, v: Obj): Obj {
    const plan = planOf(def);
    const out: Obj = {};
    // Embedded fields first: encoding/json lets the outer struct's own fields win a name clash.
    for (const f of plan.embedded) {
        const inner = toJson(f.type, v[f.go]);
        if (isObj(inner)) Object.assign(out, inner);
    }
    for (const f of plan.fields) {
        const raw = v[f.go];
        // Strings and bools inline: the bulk of every model struct.
        const value = f.kind === 'string' ? (typeof raw === 'string' ? raw : '') : f.kind === 'bool' ? raw === true : toJson(f.type, raw);
        if (f.omitEmpty && isEmpty(value)) delete out[f.json];
        else out[f.json] = value;
    }
    return out;
}

/** encoding/json's omitempty: false, 0, "", nil, and empty arrays, maps and byte strings. */
function isEmpty(v: unknown): boolean {
    if (v == null || v === false || v === 0 || v === '') return true;
    if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
    return isObj(v) && !(v instanceof GoTime) && Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).length === 0 && !goTypeOf(v);
}

/** An interface value: plain JSON values as they are; registered Go types by their declaration. */
export function ifaceToJson(v: unknown): unknown {
    if (v == null) return null;
    if (v instanceof GoValue) {
        const type = registered.get(v.goType);
        return type ? toJson(type, v.value) : ifaceToJson(v.value);
    }
    if (Array.isArray(v)) return v.map(ifaceToJson);
    if (isObj(v)) {
        const name = goTypeOf(v);
        const type = name === undefined ? undefined : registered.get(name);
        if (type) return toJson(type, v);
        const out: Obj = {};
        for (const [k, e] of Object.entries(v)) out[k] = ifaceToJson(e);
        return out;
    }
    return v;
}

/** JSON shape → gob value (absent and null fields are Go's zero values, left out). */
export function fromJson(type: SdkWire, v: unknown): unknown {
    const t = resolve(type);
    if (v == null) return t.kind === 'struct' ? {} : null;
    switch (t.kind) {
        case 'bytes':
            if (t.raw) return Buffer.from(JSON.stringify(v), 'utf8');
            return typeof v === 'string' ? Buffer.from(v, 'base64') : v;
        case 'time':
            return typeof v === 'string' ? parseTime(v) : v;
        case 'iface':
            return ifaceFromJson(v);
        case 'ptr':
            return fromJson(t.elem, v);
        case 'slice':
        case 'array':
            return Array.isArray(v) ? v.map((e) => fromJson(t.elem, e)) : v;
        case 'map': {
            if (!isObj(v)) return v;
            const out: Obj = {};
            for (const [k, e] of Object.entries(v)) out[k] = fromJson(t.elem, e);
            const key = resolve(t.key);
            if (key.kind === 'string') return out;
            // Non-string keys: JSON object keys are their text.
            return new Map(Object.entries(out).map(([k, e]) => [key.kind === 'bool' ? k === 'true' : Number(k), e]));
        }
        case 'struct': {
            if (!isObj(v)) return v;
            const out: Obj = {};
            for (const f of t.def.fields) {
                if (f.flatten) out[f.go] = fromJson(f.type, v);
                else if (f.json !== null && v[f.json] !== undefined) out[f.go] = fromJson(f.type, v[f.json]);
            }
            return out;
        }
        default:
            return v;
    }
}

/** A JSON object sent in an interface travels as map[string]interface {} (what Go's encoding/json gives too). */
function ifaceFromJson(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(ifaceFromJson);
    if (isObj(v) && !goTypeOf(v) && !(v instanceof GoValue) && !(v instanceof GoTime)) {
        const out: Obj = {};
        for (const [k, e] of Object.entries(v)) out[k] = ifaceFromJson(e);
        return out;
    }
    return v;
}

/** Tags a JSON-shaped object as a registered Go type for an interface field, e.g. ('*model.AppError', {...}). */
export function asInterface(goName: string, json: Obj): Obj {
    const type = registered.get(goName);
    if (!type) throw new Error(`${goName} is not a type plugin's init() registers`);
    return withGoType(goName, fromJson(type, json) as Obj);
}

/** Go's time.RFC3339Nano, as encoding/json writes a time.Time. */
export function formatTime(t: GoTime): string {
    const offset = t.zoneOffsetSeconds ?? 0;
    const iso = new Date((t.unixSeconds + offset) * 1000).toISOString();
    const frac = t.nanos === 0 ? '' : '.' + String(t.nanos).padStart(9, '0').replace(/0+$/, '');
    let zone = 'Z';
    if (t.zoneOffsetSeconds !== null) {
        const abs = Math.abs(offset);
        zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 3600)).padStart(2, '0')}:${String(Math.floor(abs / 60) % 60).padStart(2, '0')}`;
    }
    return iso.slice(0, 19) + frac + zone;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function parseTime(s: string): GoTime {
    const m = RFC3339.exec(s);
    if (!m) throw new Error(`not an RFC 3339 time: ${s}`);
    const [, y, mo, d, h, mi, sec, frac = '', zone] = m;
    const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) / 1000;
    // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
    const date = new Date(local * 1000);
    date.setUTCFullYear(Number(y));
    const offset = zone === 'Z' ? null : (zone?.startsWith('-') ? -1 : 1) * (Number(zone?.slice(1, 3)) * 3600 + Number(zone?.slice(4, 6)) * 60);
    return new GoTime(date.getTime() / 1000 - (offset ?? 0), Number(frac.padEnd(9, '0')), offset);
}
