// The typed client over the generated table, end to end over Go's net/rpc: sdk/gen/wirecheck serves every API
// method as Mattermost's API RPC server declares it (service "Plugin", the real Z_<M>Args/Z_<M>Returns structs of
// server/public) and fails a call whose decoded arguments differ from the value the test took its JSON-shaped
// parameters from; its reply is compared with encoding/json's JSON of the Go value it sent.
import {once} from 'node:events';
import {Duplex} from 'node:stream';
import {decodeGob, registerInterfaceType} from '../src/runtime/gob';
import {parseLines, type HexLine} from '../src/runtime/gob/test/gobcheck';
import {RpcClient} from '../src/runtime/netrpc';
import {type MuxBroker} from '../src/runtime/goplugin';
import {PluginApiClient, type DirectApiMethod} from '../src/client';
import {apiMethods} from '../src/generated/api';
import * as W from '../src/generated/wire';
import {toJson} from '../src/json';
import {sdkGoType, type SdkWire} from '../src/wire';
import {diff} from './json_diff';
import {BUILD_TIMEOUT_MS, buildWirecheck, runWirecheck, spawnWirecheck} from './wirecheck';

const SEED = 29;

let args = new Map<string, string>();
let replies = new Map<string, string>();

beforeAll(() => {
    buildWirecheck();
    for (const [name, type] of W.interfaceTypes) registerInterfaceType(name, sdkGoType(type));
    args = new Map(parseLines<HexLine>(runWirecheck(['random', String(SEED), '1', 'safe'])).map((l) => [l.name, l.hex]));
    replies = new Map(parseLines<{name: string; json?: string}>(runWirecheck(['json', String(SEED), '1', 'safe'])).map((l) => [l.name, l.json ?? '']));
}, BUILD_TIMEOUT_MS);

function structOf(type: SdkWire) {
    if (type.kind !== 'struct') throw new Error('not a struct');
    return type.def;
}

/** The JSON-shaped parameters of value 0 of a method's Args struct (what a plugin author would pass). */
function paramsOf(method: DirectApiMethod): unknown[] {
    const def = apiMethods[method];
    const name = structOf(def.args).goName.replace('plugin.', '');
    const hex = args.get(`${name}/0`);
    if (hex === undefined) throw new Error(`no value for ${name}`);
    const gob = decodeGob(Buffer.from(hex, 'hex'), sdkGoType(def.args)) as Record<string, unknown>;
    const params = structOf(def.args).fields.map((f) => toJson(f.type, gob[f.go]));
    return 'variadic' in def && def.variadic ? [...params.slice(0, -1), ...(params.at(-1) as unknown[])] : params;
}

describe('PluginApiClient over net/rpc against the real RPC structs', () => {
    it('calls every direct API method with JSON-shaped parameters; Go receives them intact and the results come back as encoding/json writes them', async () => {
        const proc = spawnWirecheck(['serve', String(SEED), 'safe']);
        let stderr = '';
        proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const rpc = new RpcClient(Duplex.from({readable: proc.stdout, writable: proc.stdin}));
        const client = new PluginApiClient(rpc);
        const methods = Object.entries(apiMethods).filter(([, d]) => 'direct' in d && d.direct).map(([m]) => m as DirectApiMethod);
        expect(methods.length).toBe(253);
        const failures: string[] = [];
        for (const method of methods) {
            const def = apiMethods[method];
            try {
                const results = await (client.call as (m: string, ...p: unknown[]) => Promise<unknown[]>)(method, ...paramsOf(method));
                const returnsName = structOf(def.returns).goName.replace('plugin.', '');
                const text = replies.get(`${returnsName}/0`) ?? '';
                const goJson = text === '' ? null : (JSON.parse(text) as Record<string, unknown> | null);
                if (goJson === null) continue; // encoding/json refuses this reply (a custom MarshalJSON); gob carried it all the same
                const ours = Object.fromEntries(structOf(def.returns).fields.map((f, i) => [f.go, results[i]]));
                diff(def.returns, ours, goJson, method, failures, new Set());
            } catch (e) {
                failures.push(`${method}: ${(e as Error).message.slice(0, 400)}`);
            }
        }
        rpc.call('Plugin.Nope', sdkGoType(W.EMPTY), {}, null).catch(() => undefined);
        proc.stdin.end();
        await once(proc, 'exit');
        expect(failures.slice(0, 10)).toEqual([]);
        expect(stderr).toBe('');
    });

    it('PluginHTTP falls back to the buffered RPC when the server has no PluginHTTPStream (as Go’s client): Go receives the request and body intact', async () => {
        const proc = spawnWirecheck(['serve', String(SEED), 'safe']);
        let stderr = '';
        proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const rpc = new RpcClient(Duplex.from({readable: proc.stdout, writable: proc.stdin}));
        // The streams the streaming attempt offers are never dialed by this server.
        let ids = 0;
        const broker: MuxBroker = {nextId: () => ++ids, accept: () => new Promise<never>(() => undefined), dial: () => Promise.reject(new Error('no dial'))};
        const client = new PluginApiClient(rpc, broker);
        const gob = decodeGob(Buffer.from(args.get('Z_PluginHTTPArgs/0') ?? '', 'hex'), sdkGoType(W.Z_PluginHTTPArgs)) as Record<string, unknown>;
        const request = toJson(W.PluginHTTPRequestSubset, gob['Request']) as Record<string, unknown>;
        const body = gob['RequestBody'] instanceof Uint8Array && gob['RequestBody'].length > 0 ? gob['RequestBody'] : null;
        const [response] = await client.call('PluginHTTP', {...request, Body: body});
        expect(ids).toBe(body === null ? 1 : 2); // it tried the streaming RPC first
        // What Go answered (encoding/json refuses an http.Response: its Request has a func field).
        const sent = decodeGob(Buffer.from(args.get('Z_PluginHTTPReturns/0') ?? '', 'hex'), sdkGoType(W.Z_PluginHTTPReturns)) as {Response?: Record<string, unknown>; ResponseBody?: Uint8Array};
        expect(sent.Response).toBeDefined();
        expect(response).toEqual({...(toJson(W.HttpResponse, sent.Response) as object), Body: expect.anything()});
        const chunks: Buffer[] = [];
        for await (const c of response?.Body ?? []) chunks.push(c as Buffer);
        expect(Buffer.concat(chunks).equals(Buffer.from(sent.ResponseBody ?? []))).toBe(true);
        proc.stdin.end();
        await once(proc, 'exit');
        expect(stderr).toBe('');
    });

    it('a stream method needs the broker: InstallPlugin without one fails before anything is sent', async () => {
        const calls: string[] = [];
        const client = new PluginApiClient({call: async (m) => void calls.push(m)});
        await expect(client.call('InstallPlugin', new Uint8Array([1, 2, 3]), true)).rejects.toThrow('construct PluginApiClient with the broker');
        expect(calls).toEqual([]);
    });

    it('gives typed results: GetPost resolves with [post, appError]', async () => {
        const proc = spawnWirecheck(['serve', String(SEED), 'safe']);
        const client = new PluginApiClient(new RpcClient(Duplex.from({readable: proc.stdout, writable: proc.stdin})));
        const [postId] = paramsOf('GetPost') as [string];
        const [post, appError] = await client.call('GetPost', postId);
        const goJson = JSON.parse(replies.get('Z_GetPostReturns/0') ?? 'null') as {A: {message?: string} | null; B: {id: string} | null};
        expect(post?.message ?? null).toBe(goJson.A?.message ?? null);
        expect(appError?.id ?? null).toBe(goJson.B?.id ?? null);
        await expect(client.call('GetPost', 'not the id Go expects')).rejects.toThrow('Z_GetPostArgs not as sent');
        proc.stdin.end();
        await once(proc, 'exit');
    });
});
