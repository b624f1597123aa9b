// Proof of the generated wire descriptions against Go: random values of every net/rpc argument and return struct of
// every API method and hook, built and gob-encoded by Go from the real structs of the pinned server/public module
// (sdk/gen/wirecheck); we decode each by its generated description, encode it again, and Go must decode exactly its
// own gob round trip of the original (reflect.DeepEqual). A field left out, mistyped or misnamed fails.
import {decodeGob, encodeGob, GoTime, goTypeOf, GoValue, registerInterfaceType, t} from '../src/runtime/gob';
import {parseLines, type CheckResult, type HexLine} from '../src/runtime/gob/test/gobcheck';
import {apiMethods, apiMethodsWithoutRpc, apiRpcExtras, hookMethods, hooksWithoutRpc} from '../src/generated';
import * as W from '../src/generated/wire';
import {sdkGoType, type SdkMethodDef, type SdkWire} from '../src/wire';
import {BUILD_TIMEOUT_MS, buildWirecheck, runWirecheck} from './wirecheck';

const SEED = 19;
const PER_STRUCT = 2;

const byName = new Map<string, SdkWire>(
    Object.entries(W as Record<string, unknown>)
        .filter(([name]) => name.startsWith('Z_') || name === 'EMPTY')
        .map(([name, type]) => [name, type as SdkWire]),
);
let goNames: string[] = [];
let values: HexLine[] = [];

beforeAll(() => {
    buildWirecheck();
    for (const [name, type] of W.interfaceTypes) registerInterfaceType(name, sdkGoType(type));
    goNames = runWirecheck(['names']).split('\n').filter((l) => l !== '');
    values = parseLines<HexLine | CheckResult>(runWirecheck(['random', String(SEED), String(PER_STRUCT)])).map((l) => {
        if (!('hex' in l)) throw new Error(`Go could not encode ${l.name}: ${l.err}`);
        return l;
    });
}, BUILD_TIMEOUT_MS);

function typeOf(valueName: string): SdkWire {
    const struct = valueName.slice(0, valueName.indexOf('/'));
    const type = byName.get(struct);
    if (!type) throw new Error(`no generated description for ${struct}`);
    return type;
}

/** What the decoded values held, so the test can show the random values reach the kinds that need care. */
const seen = {time: 0, bigint: 0, goValue: 0, appError: 0, bytes: 0};

function tally(v: unknown, depth = 0): void {
    if (depth > 60 || v == null) return;
    if (v instanceof GoTime) seen.time++;
    else if (typeof v === 'bigint') seen.bigint++;
    else if (v instanceof Uint8Array) seen.bytes++;
    else if (v instanceof GoValue) seen.goValue++;
    else if (typeof v === 'object') {
        if (goTypeOf(v) === '*model.AppError') seen.appError++;
        for (const e of v instanceof Map ? v.values() : Object.values(v)) tally(e, depth + 1);
    }
}

/** Ours: decode Go's bytes by the generated description, encode again. */
function roundTrip(lines: HexLine[]): HexLine[] {
    return lines.map((l) => {
        const type = sdkGoType(typeOf(l.name));
        const value = decodeGob(Buffer.from(l.hex, 'hex'), type);
        tally(value);
        return {name: l.name, hex: Buffer.from(encodeGob(type, value)).toString('hex')};
    });
}

function check(lines: HexLine[]): CheckResult[] {
    const input = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    return parseLines<CheckResult>(runWirecheck(['check-random', String(SEED)], input));
}

const structName = (t: SdkWire) => (t.kind === 'struct' ? t.def.goName : '?');

describe('generated gob descriptions against Go', () => {
    it('cover every argument and return struct of every API method and hook (and PluginHTTPStream)', () => {
        const tables: Array<Record<string, SdkMethodDef>> = [apiMethods, apiRpcExtras, hookMethods];
        const ours = new Set(tables.flatMap((t) => Object.values(t).flatMap((m) => [m.args, m.returns])).filter((t) => t !== W.EMPTY).map(structName));
        expect(Object.keys(apiMethods).length + apiMethodsWithoutRpc.length).toBe(258);
        expect(Object.keys(hookMethods).length + hooksWithoutRpc.length).toBe(52);
        expect([...ours].sort()).toEqual([...goNames].map((n) => `plugin.${n}`).sort());
        expect(goNames.length).toBeGreaterThan(600);
    });

    it('round-trips random values of every struct: Go encodes, we decode and re-encode, Go decodes the same', () => {
        expect(values.length).toBe(goNames.length * PER_STRUCT);
        const failures = check(roundTrip(values)).filter((r) => !r.ok).map((r) => `${r.name}: ${r.err ?? ''}`);
        expect(failures).toEqual([]);
        // time.Time (GobEncoder), int64 beyond 2^53, int64 inside interfaces, *model.AppError errors, []byte.
        for (const count of Object.values(seen)) expect(count).toBeGreaterThan(0);
    });

    it('registers every interface type under the name Go writes, and round-trips a value of each', () => {
        const lines = parseLines<HexLine>(runWirecheck(['registered', String(SEED)]));
        expect(lines.map((l) => l.name).sort()).toEqual(W.interfaceTypes.map(([name]) => name).sort());
        const holder = t.struct('main.holder', [['V', t.iface]]);
        const ours = lines.map((l) => {
            const bytes = Buffer.from(l.hex, 'hex');
            expect(bytes.includes(Buffer.from(l.name))).toBe(true); // the name Go sent for the concrete type
            return {name: l.name, hex: Buffer.from(encodeGob(holder, decodeGob(bytes, holder))).toString('hex')};
        });
        const input = ours.map((l) => JSON.stringify(l)).join('\n') + '\n';
        const failures = parseLines<CheckResult>(runWirecheck(['check-registered', String(SEED)], input)).filter((r) => !r.ok);
        expect(failures).toEqual([]);
    });

    it('notices a value we change (the check itself can fail)', () => {
        const name = values.find((v) => v.name.startsWith('Z_GetPostReturns/'))?.name;
        expect(name).toBeDefined();
        const line = values.find((v) => v.name === name) as HexLine;
        const type = sdkGoType(typeOf(line.name));
        const decoded = decodeGob(Buffer.from(line.hex, 'hex'), type) as {A: {Message?: string} | null};
        decoded.A = {...(decoded.A ?? {}), Message: 'changed by TypeScript'};
        const [result] = check([{name: line.name, hex: Buffer.from(encodeGob(type, decoded)).toString('hex')}]);
        expect(result?.ok).toBe(false);
    });
});
