// Proof of the generated JSON names and of sdk/src/json.ts against Go's encoding/json: for random values of every
// RPC struct (sdk/gen/wirecheck), our JSON shape of the gob value we decode must equal what encoding/json writes
// for the same Go value: every JSON key, omitempty, embedded structs, time.Time, json.RawMessage, interface values.
import {decodeGob, registerInterfaceType} from '../../server/src/runtime/gob';
import {parseLines, type HexLine} from '../../server/src/runtime/gob/test/gobcheck';
import * as W from '../src/generated/wire';
import {fromJson, toJson} from '../src/json';
import {sdkGoType, type SdkStructDef, type SdkWire} from '../src/wire';
import {BUILD_TIMEOUT_MS, buildWirecheck, runWirecheck} from './wirecheck';

const SEED = 23;
const PER_STRUCT = 2;

interface JsonLine {
    name: string;
    json?: string;
    err?: string;
}

const byName = new Map<string, SdkWire>(
    Object.entries(W as Record<string, unknown>)
        .filter(([name]) => name.startsWith('Z_'))
        .map(([name, type]) => [name, type as SdkWire]),
);
let gobs = new Map<string, string>();
let jsons: JsonLine[] = [];

beforeAll(() => {
    buildWirecheck();
    for (const [name, type] of W.interfaceTypes) registerInterfaceType(name, sdkGoType(type));
    gobs = new Map(parseLines<HexLine>(runWirecheck(['random', String(SEED), String(PER_STRUCT)])).map((l) => [l.name, l.hex]));
    jsons = parseLines<JsonLine>(runWirecheck(['json', String(SEED), String(PER_STRUCT)]));
}, BUILD_TIMEOUT_MS);

function typeOf(valueName: string): SdkWire {
    const type = byName.get(valueName.slice(0, valueName.indexOf('/')));
    if (!type) throw new Error(`no generated description for ${valueName}`);
    return type;
}

function resolve(type: SdkWire): Exclude<SdkWire, {kind: 'lazy' | 'ptr'}> {
    let t = type;
    while (t.kind === 'lazy' || t.kind === 'ptr') t = t.kind === 'lazy' ? t.get() : t.elem;
    return t;
}

/** JSON key → field type, with embedded structs' fields lifted (the outer struct's own fields win). */
function jsonFields(def: SdkStructDef, out = new Map<string, SdkWire>()): Map<string, SdkWire> {
    for (const f of def.fields) {
        const inner = resolve(f.type);
        if (f.flatten && inner.kind === 'struct') jsonFields(inner.def, out);
    }
    for (const f of def.fields) if (f.json !== null && !f.flatten) out.set(f.json, f.type);
    return out;
}

const emptyish = (v: unknown) => v == null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** Compares our JSON shape with encoding/json's, led by the type; returns the paths that differ. */
function diff(type: SdkWire, ours: unknown, go: unknown, path: string, out: string[], skipped: Set<string>): void {
    const t = resolve(type);
    // A nil and an empty slice or map are one thing to gob, so they may differ only in that.
    if (emptyish(ours) && emptyish(go) && (t.kind === 'slice' || t.kind === 'array' || t.kind === 'map' || ours == null || go == null)) return;
    if (ours === null && go === null) return;
    switch (t.kind) {
        case 'struct': {
            if (t.def.customJson) {
                skipped.add(t.def.goName);
                return;
            }
            const fields = jsonFields(t.def);
            const o = (ours ?? {}) as Record<string, unknown>;
            const g = (go ?? {}) as Record<string, unknown>;
            for (const key of new Set([...Object.keys(o), ...Object.keys(g)])) {
                const ft = fields.get(key);
                if (!ft) out.push(`${path}.${key}: not a field of ${t.def.goName}`);
                else diff(ft, o[key], g[key], `${path}.${key}`, out, skipped);
            }
            return;
        }
        case 'slice':
        case 'array': {
            const o = (ours ?? []) as unknown[];
            const g = (go ?? []) as unknown[];
            if (!Array.isArray(o) || !Array.isArray(g) || o.length !== g.length) out.push(`${path}: ${JSON.stringify(o)} vs ${JSON.stringify(g)}`);
            else o.forEach((e, i) => diff(t.elem, e, g[i], `${path}[${i}]`, out, skipped));
            return;
        }
        case 'map': {
            const o = (ours ?? {}) as Record<string, unknown>;
            const g = (go ?? {}) as Record<string, unknown>;
            const keys = new Set([...Object.keys(o), ...Object.keys(g)]);
            for (const k of keys) diff(t.elem, o[k], g[k], `${path}[${k}]`, out, skipped);
            return;
        }
        case 'bytes':
            if (t.raw) return expectSame(ours, go, path, out);
            return expectSame(ours instanceof Uint8Array ? Buffer.from(ours).toString('base64') : ours, go, path, out);
        case 'float':
            if (t.go === 'float32' && typeof go === 'number' && Math.fround(go) === ours) return;
            return expectSame(ours, go, path, out);
        case 'external':
            skipped.add(t.goName); // big.Int and x509.OID have their own JSON; we keep their gob bytes
            return;
        default:
            return expectSame(ours, go, path, out);
    }
}

/** JSON text with object keys sorted (encoding/json sorts map keys; interface values hold maps). */
function canonical(v: unknown): string {
    return JSON.stringify(v ?? null, (_k, x: unknown) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
    );
}

function expectSame(ours: unknown, go: unknown, path: string, out: string[]): void {
    const a = canonical(ours);
    const b = canonical(go);
    if (a !== b) out.push(`${path}: ${a} vs ${b}`);
}

describe('generated JSON shapes against encoding/json', () => {
    it('give every random value of every RPC struct the JSON encoding/json writes', () => {
        const refused = jsons.filter((l) => l.json === undefined);
        // GroupSyncable's MarshalJSON refuses unknown types; http.Response has a func field: Go writes no JSON for them.
        expect(refused.length).toBeLessThan(jsons.length / 50);
        const failures: string[] = [];
        const skipped = new Set<string>();
        for (const l of jsons) {
            if (l.json === undefined) continue;
            const type = typeOf(l.name);
            const hex = gobs.get(l.name);
            if (hex === undefined) throw new Error(`no gob value ${l.name}`);
            diff(type, toJson(type, decodeGob(Buffer.from(hex, 'hex'), sdkGoType(type))), JSON.parse(l.json), l.name, failures, skipped);
        }
        expect(failures.slice(0, 20)).toEqual([]);
        // Left to their own MarshalJSON (compared no further): only these.
        const ownJson = ['big.Int', 'model.Bot', 'model.ChannelMember', 'model.ChannelMemberWithTeamData', 'model.GroupSyncable', 'model.PluginPropertyOption', 'x509.OID'];
        expect([...skipped].filter((n) => !ownJson.includes(n))).toEqual([]);
        expect(jsons.length - refused.length).toBeGreaterThan(1200);
    });

    it('notices a JSON key that differs from Go (the comparison itself can fail)', () => {
        const line = jsons.find((l) => l.name.startsWith('Z_GetPostReturns/') && l.json?.includes('"message"'));
        expect(line).toBeDefined();
        const {name, json = ''} = line as JsonLine;
        const type = typeOf(name);
        const ours = toJson(type, decodeGob(Buffer.from(gobs.get(name) ?? '', 'hex'), sdkGoType(type))) as {A: Record<string, unknown>};
        const {message, ...rest} = ours.A;
        const failures: string[] = [];
        diff(type, {...ours, A: {...rest, msg: message}}, JSON.parse(json), name, failures, new Set());
        expect(failures.some((f) => f.endsWith('.A.msg: not a field of model.Post'))).toBe(true);
    });

    it('reads JSON back into the same gob value (fromJson inverts toJson)', () => {
        const failures: string[] = [];
        for (const [name, hex] of gobs) {
            const type = typeOf(name);
            const json = toJson(type, decodeGob(Buffer.from(hex, 'hex'), sdkGoType(type)));
            const again = toJson(type, fromJson(type, JSON.parse(JSON.stringify(json, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)))));
            diff(type, again, JSON.parse(JSON.stringify(json, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))), name, failures, new Set());
        }
        expect(failures.slice(0, 20)).toEqual([]);
    });
});
