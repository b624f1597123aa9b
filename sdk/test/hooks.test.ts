// Hooks served from the generated table, end to end over Go net/rpc: sdk/gen/wirecheck calls every direct hook as
// Mattermost's hooks RPC client does ("Plugin.<Hook>" with the real Z_<Hook>Args of server/public); each handler
// must receive the parameters encoding/json writes for Go's value, and answers results that Go must decode into
// exactly the Z_<Hook>Returns value it expects.
import {once} from 'node:events';
import {Duplex} from 'node:stream';
import {decodeGob, registerInterfaceType} from '../src/runtime/gob';
import {parseLines, type CheckResult, type HexLine} from '../src/runtime/gob/test/gobcheck';
import {RpcServer} from '../src/runtime/netrpc';
import {hookMethods} from '../src/generated/hooks';
import * as W from '../src/generated/wire';
import {serveHooks, type DirectHook, type HookHandlers} from '../src/hooks';
import {toJson} from '../src/json';
import {sdkGoType, type SdkWire} from '../src/wire';
import {diff} from './json_diff';
import {BUILD_TIMEOUT_MS, buildWirecheck, runWirecheck, spawnWirecheck} from './wirecheck';

const SEED = 31;

let gobs = new Map<string, string>();
let jsons = new Map<string, string>();

beforeAll(() => {
    buildWirecheck();
    for (const [name, type] of W.interfaceTypes) registerInterfaceType(name, sdkGoType(type));
    gobs = new Map(parseLines<HexLine>(runWirecheck(['random', String(SEED), '1', 'safe'])).map((l) => [l.name, l.hex]));
    jsons = new Map(parseLines<{name: string; json?: string}>(runWirecheck(['json', String(SEED), '1', 'safe'])).map((l) => [l.name, l.json ?? '']));
}, BUILD_TIMEOUT_MS);

const structName = (type: SdkWire) => (type.kind === 'struct' ? type.def.goName.replace('plugin.', '') : '?');
const fieldsOf = (type: SdkWire) => (type.kind === 'struct' ? type.def.fields : []);

describe('serveHooks over net/rpc against the real RPC structs', () => {
    it('every direct hook reaches its handler with its parameters intact, and Go receives its results intact', async () => {
        const hooks = Object.entries(hookMethods).filter(([, d]) => 'direct' in d && d.direct).map(([h]) => h as DirectHook);
        expect(hooks.length).toBe(47);
        const failures: string[] = [];
        const reached = new Set<string>();
        const handlers: Record<string, (...params: unknown[]) => unknown> = {};
        for (const hook of hooks) {
            const def = hookMethods[hook];
            handlers[hook] = (...params: unknown[]) => {
                reached.add(hook);
                const text = jsons.get(`${structName(def.args)}/0`) ?? '';
                if (text !== '') {
                    const ours = Object.fromEntries(fieldsOf(def.args).map((f, i) => [f.go, params[i]]));
                    diff(def.args, ours, JSON.parse(text), hook, failures, new Set());
                }
                // Value 0 of the Returns struct, in our JSON shapes (exact: bigints stay bigints).
                const gob = decodeGob(Buffer.from(gobs.get(`${structName(def.returns)}/0`) ?? '', 'hex'), sdkGoType(def.returns)) as Record<string, unknown>;
                return fieldsOf(def.returns).map((f) => toJson(f.type, gob[f.go]));
            };
        }
        const server = new RpcServer();
        serveHooks(server, handlers as HookHandlers);
        const proc = spawnWirecheck(['call-hooks', String(SEED), 'safe']);
        let stderr = '';
        proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        server.serveConn(Duplex.from({readable: proc.stdout, writable: proc.stdin}));
        const [code] = (await once(proc, 'exit')) as [number];
        const results = parseLines<CheckResult>(stderr);
        expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.err ?? ''}`)).toEqual([]);
        expect(results.map((r) => r.name).sort()).toEqual([...hooks].sort());
        expect([...reached].sort()).toEqual([...hooks].sort());
        expect(failures.slice(0, 10)).toEqual([]);
        expect(code).toBe(0);
    });

    it('types a handler by the hook: MessageHasBeenPosted gets (context, post)', () => {
        const seen: string[] = [];
        const handlers: HookHandlers = {
            MessageHasBeenPosted: (c, post) => void seen.push(`${c?.SessionId ?? ''}:${post?.message ?? ''}`),
            MessageWillBePosted: (_c, post) => [post, ''],
        };
        const registered: string[] = [];
        serveHooks({register: (name) => void registered.push(name)}, handlers);
        // OnActivate is served without a handler too: it connects the API and runs OnConfigurationChange, as in Go.
        expect(registered.sort()).toEqual(['Plugin.Implemented', 'Plugin.MessageHasBeenPosted', 'Plugin.MessageWillBePosted', 'Plugin.OnActivate']);
    });

    it('types the hand-shaped hooks: OnActivate gets the API client, FileWillBeUploaded a Readable and a Writable, ServeHTTP a Node handler', async () => {
        const handlers: HookHandlers = {
            OnActivate: async (api) => void (await api.call('GetServerVersion')),
            FileWillBeUploaded: async (_c, info, file, output) => {
                for await (const chunk of file) output.write(chunk as Buffer);
                return [info, ''];
            },
            ServeHTTP: (_req, res) => void res.end('ok'),
        };
        const registered = new Map<string, (arg: Record<string, unknown>) => unknown>();
        serveHooks({register: (name, _a, _r, handler) => void registered.set(name, handler)}, handlers);
        expect([...registered.keys()].sort()).toEqual(['Plugin.FileWillBeUploaded', 'Plugin.Implemented', 'Plugin.OnActivate', 'Plugin.ServeHTTP']);
        expect(await registered.get('Plugin.Implemented')?.({})).toEqual(['OnActivate', 'FileWillBeUploaded', 'ServeHTTP']);
        // Without the broker the streams cannot be dialed: the call fails (net/rpc answers the host with the error).
        await expect(Promise.resolve().then(() => registered.get('Plugin.OnActivate')?.({APIMuxId: 1, DriverMuxId: 2}))).rejects.toThrow('pass serveHooks the broker');
    });
});
