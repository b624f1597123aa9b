// A type-led comparison of our JSON shapes with encoding/json's output, for the SDK's differential tests.
import {type SdkStructDef, type SdkWire} from '../src/wire';

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
export function diff(type: SdkWire, ours: unknown, go: unknown, path: string, out: string[], skipped: Set<string>): void {
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
        typeof x === 'bigint'
            ? Number(x)
            : x && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Uint8Array)
              ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
              : x,
    );
}

/** JSON text of a JSON shape: bytes as base64 (as encoding/json writes them), bigints as (rounded) numbers. */
export function jsonText(v: unknown): unknown {
    return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : typeof x === 'bigint' ? Number(x) : x)));
}

function expectSame(ours: unknown, go: unknown, path: string, out: string[]): void {
    const a = canonical(ours);
    const b = canonical(go);
    if (a !== b) out.push(`${path}: ${a} vs ${b}`);
}

