// The TypeScript plugin of the host conformance run (sdk/gen/wirecheck `host`, host.test.ts): Mattermost's real
// plugin host launches it; in OnActivate it calls every API method through PluginApiClient: the direct ones with
// the JSON-shaped parameters of the arguments the Go side wrote to $SDK_HOST_DIR/calls.jsonl, the hand-shaped ones
// (streams, PluginHTTP, LoadPluginConfiguration) with what shaped.json says. It serves every hook through
// serveHooks, checking the parameters against encoding/json's (or shaped.json) and answering what the Go side
// expects. What it finds wrong goes to $SDK_HOST_DIR/plugin-failures.txt.
import {appendFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {type Readable, type Writable} from 'node:stream';
import {decodeGob, registerInterfaceType} from '../../src/runtime/gob';
import {announce, serveAnnounced} from '../../src/runtime/goplugin';
import {RpcServer} from '../../src/runtime/netrpc';
import type {PluginApiClient, DirectApiMethod, StreamApiMethod} from '../../src/client';
import {requestContext} from '../../src/mattermost/serve_http/in_memory_http';
import {apiMethods} from '../../src/generated/api';
import {hookMethods} from '../../src/generated/hooks';
import type * as m from '../../src/generated/model';
import * as W from '../../src/generated/wire';
import {serveHooks, type HookHandlers} from '../../src/hooks';
import {toJson} from '../../src/json';
import {sdkGoType, type SdkWire} from '../../src/wire';
import {diff} from '../json_diff';

const dir = process.env['SDK_HOST_DIR'] ?? '.';
const lines = <T>(file: string): T[] =>
    readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as T);
const failed = (what: string) => appendFileSync(join(dir, 'plugin-failures.txt'), what + '\n');
const done = (what: string) => appendFileSync(join(dir, 'plugin-done.txt'), what + '\n');
const fieldsOf = (type: SdkWire) => (type.kind === 'struct' ? type.def.fields : []);
const gobOf = (type: SdkWire, hex: string) => decodeGob(Buffer.from(hex, 'hex'), sdkGoType(type)) as Record<string, unknown>;

async function callEveryMethod(client: PluginApiClient): Promise<void> {
    const byArgs = new Map(Object.entries(apiMethods).map(([m, d]) => [(d.args.kind === 'struct' ? d.args.def.goName : '').replace('plugin.', ''), m]));
    for (const {args, hex} of lines<{args: string; hex: string}>('calls.jsonl')) {
        const method = byArgs.get(args) as DirectApiMethod | undefined;
        const def = method && apiMethods[method];
        if (!method || !def || !('direct' in def)) continue;
        const gob = gobOf(def.args, hex);
        const params = fieldsOf(def.args).map((f) => toJson(f.type, gob[f.go]));
        const spread = 'variadic' in def ? [...params.slice(0, -1), ...(params.at(-1) as unknown[])] : params;
        try {
            await (client.call as (m: string, ...p: unknown[]) => Promise<unknown>)(method, ...spread);
            done(`called ${method}`);
        } catch (e) {
            failed(`${method}: ${(e as Error).message}`);
        }
    }
}

function hookHandlers(): {handlers: HookHandlers} {
    const handlers: Record<string, (...params: unknown[]) => unknown> = {};
    for (const {hook, argsJson, returnsHex} of lines<{hook: keyof typeof hookMethods; argsJson?: string; returnsHex: string}>('hooks.jsonl')) {
        const def = hookMethods[hook];
        handlers[hook] = (...params: unknown[]) => {
            if (argsJson !== undefined) {
                const problems: string[] = [];
                diff(def.args, Object.fromEntries(fieldsOf(def.args).map((f, i) => [f.go, params[i]])), JSON.parse(argsJson), hook, problems, new Set());
                for (const p of problems) failed(p);
            }
            done(`checked ${hook}`);
            const ret = gobOf(def.returns, returnsHex);
            return fieldsOf(def.returns).map((f) => toJson(f.type, ret[f.go]));
        };
    }
    return {handlers: handlers as HookHandlers};
}

// shaped.json (sdk/gen/wirecheck/host_shaped.go): bytes come as base64 (encoding/json's []byte).
interface Exchange {
    method: string;
    url: string;
    header: Record<string, string[]>;
    body: string;
    status: number;
    responseHeader: Record<string, string[]>;
    responseBody: string;
}
interface Shaped {
    config: unknown;
    PluginHTTP: Exchange;
    ServeHTTP: Exchange;
    ServeMetrics: Exchange;
    FileWillBeUploaded: {argsJson: string; upload: string; replacement: string; returnsHex: string};
    [stream: string]: unknown;
}
const shaped = JSON.parse(readFileSync(join(dir, 'shaped.json'), 'utf8')) as Shaped;
const bytes = (b64: string) => Buffer.from(b64, 'base64');

async function readAll(r: Readable): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of r) parts.push(c as Buffer);
    return Buffer.concat(parts);
}

function expect(what: string, ok: boolean, detail: () => string): void {
    if (!ok) failed(`${what}: ${detail()}`);
}

/** The five methods client_rpc.go shapes by hand, each checked by the Go side (host_shaped.go) and here. */
async function callShapedMethods(client: PluginApiClient): Promise<void> {
    for (const method of ['InstallPlugin', 'UploadData', 'ReceiveSharedChannelAttachmentSyncMsg'] as const satisfies readonly StreamApiMethod[]) {
        const spec = shaped[method] as {argsHex: string; data: string; returnsHex: string};
        const def = apiMethods[method];
        const gob = gobOf(def.args, spec.argsHex);
        const params = fieldsOf(def.args).map((f, i) => (i in def.streams ? chunked(bytes(spec.data)) : toJson(f.type, gob[f.go])));
        const results = await (client.call as (m: string, ...p: unknown[]) => Promise<unknown[]>)(method, ...params);
        const ret = gobOf(def.returns, spec.returnsHex);
        const want = fieldsOf(def.returns).map((f) => toJson(f.type, ret[f.go]));
        expect(method, isDeepStrictEqual(results, want), () => `results ${JSON.stringify(results)}`);
        done(`called ${method}`);
    }
    const [config] = await client.call('LoadPluginConfiguration');
    expect('LoadPluginConfiguration', isDeepStrictEqual(config, shaped.config), () => JSON.stringify(config));
    done('called LoadPluginConfiguration');

    const ex = shaped.PluginHTTP;
    const [response] = await client.call('PluginHTTP', {Method: ex.method, URL: ex.url, RequestURI: ex.url, Header: ex.header, Body: chunked(bytes(ex.body))});
    expect('PluginHTTP', response !== null && response.StatusCode === ex.status, () => `status ${response?.StatusCode}`);
    expect('PluginHTTP', isDeepStrictEqual(response?.Header, ex.responseHeader), () => JSON.stringify(response?.Header));
    const body = response ? await readAll(response.Body) : Buffer.alloc(0);
    expect('PluginHTTP', body.equals(bytes(ex.responseBody)), () => `body of ${body.length} bytes`);
    done('called PluginHTTP');
}

/** A stream in pieces of odd sizes, so the host's varint-sized reads cut across them. */
async function* chunked(b: Buffer): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < b.length; i += 7919) yield b.subarray(i, i + 7919);
}

/** ServeHTTP and ServeMetrics: the request as the host sent it; answers the exchange's response. */
function httpHandler(name: 'ServeHTTP' | 'ServeMetrics') {
    const ex = shaped[name];
    return async (req: IncomingMessage, res: ServerResponse) => {
        const body = await readAll(req);
        expect(name, req.method === ex.method && req.url === ex.url, () => `${req.method} ${req.url}`);
        expect(name, body.equals(bytes(ex.body)), () => `body of ${body.length} bytes`);
        for (const [k, v] of Object.entries(ex.header)) expect(name, req.headers[k.toLowerCase()] === v.join(', '), () => `header ${k}: ${String(req.headers[k.toLowerCase()])}`);
        const c = requestContext<{session_id?: string}>(req);
        expect(name, c !== undefined, () => 'no plugin.Context');
        for (const [k, v] of Object.entries(ex.responseHeader)) res.setHeader(k, v);
        res.statusCode = ex.status;
        res.end(bytes(ex.responseBody));
        done(`checked ${name}`);
    };
}

async function fileWillBeUploaded(c: unknown, info: unknown, file: Readable, output: Writable): Promise<[m.FileInfo | null, string]> {
    const spec = shaped.FileWillBeUploaded;
    const def = hookMethods.FileWillBeUploaded;
    const problems: string[] = [];
    // The stream ids are the host's to choose: only the hook's own parameters are compared.
    const {A, B} = JSON.parse(spec.argsJson) as {A: unknown; B: unknown};
    diff(def.args, {A: c, B: info}, {A, B}, 'FileWillBeUploaded', problems, new Set());
    for (const p of problems) failed(p);
    const upload = await readAll(file);
    expect('FileWillBeUploaded', upload.equals(bytes(spec.upload)), () => `upload of ${upload.length} bytes`);
    output.write(bytes(spec.replacement));
    done('checked FileWillBeUploaded');
    const ret = gobOf(def.returns, spec.returnsHex);
    return fieldsOf(def.returns).map((f) => toJson(f.type, ret[f.go])) as [m.FileInfo | null, string];
}

async function main(): Promise<void> {
    const announced = await announce();
    for (const [name, type] of W.interfaceTypes) registerInterfaceType(name, sdkGoType(type));
    const {handlers} = hookHandlers();
    const served = serveAnnounced(announced, {
        plugins: {
            hooks: (broker) => {
                const rpc = new RpcServer();
                serveHooks(
                    rpc,
                    {
                        ...handlers,
                        OnActivate: async (client) => {
                            await callEveryMethod(client);
                            await callShapedMethods(client).catch((e: unknown) => failed(`shaped methods: ${e instanceof Error ? e.stack : String(e)}`));
                            done('checked OnActivate');
                        },
                        ServeHTTP: httpHandler('ServeHTTP'),
                        ServeMetrics: httpHandler('ServeMetrics'),
                        FileWillBeUploaded: fileWillBeUploaded,
                    },
                    {broker},
                );
                return rpc;
            },
        },
    });
    await served.done;
}

main().catch((err: unknown) => {
    failed(`plugin failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
});
