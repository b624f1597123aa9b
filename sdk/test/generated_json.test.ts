// Proof of the generated JSON names and of sdk/src/json.ts against Go's encoding/json: for random values of every
// RPC struct (sdk/gen/wirecheck), our JSON shape of the gob value we decode must equal what encoding/json writes
// for the same Go value: every JSON key, omitempty, embedded structs, time.Time, json.RawMessage, interface values.
import {decodeGob, registerInterfaceType} from '../src/runtime/gob';
import {parseLines, type HexLine} from '../src/runtime/gob/test/gobcheck';
import * as W from '../src/generated/wire';
import {fromJson, toJson} from '../src/json';
import {sdkGoType, type SdkWire} from '../src/wire';
import {diff, jsonText} from './json_diff';
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
            const again = toJson(type, fromJson(type, jsonText(json)));
            diff(type, again, jsonText(json), name, failures, new Set());
        }
        expect(failures.slice(0, 20)).toEqual([]);
    });
});
