// The TypeScript plugin of the host conformance run (sdk/gen/wirecheck `host`, host.test.ts): Mattermost's real
// plugin host launches it; in OnActivate it calls every direct API method through PluginApiClient with the
// JSON-shaped parameters of the arguments the Go side wrote to $SDK_HOST_DIR/calls.jsonl, and it serves every
// direct hook through serveHooks, checking the parameters against encoding/json's and answering the Returns value
// the Go side expects. What it finds wrong goes to $SDK_HOST_DIR/plugin-failures.txt.
import {appendFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {decodeGob, registerInterfaceType, t} from '../../src/runtime/gob';
import {announce, serveAnnounced} from '../../src/runtime/goplugin';
import {EmptyStruct, RpcClient, RpcServer} from '../../src/runtime/netrpc';
import {PluginApiClient, type DirectApiMethod} from '../../src/client';
import {apiMethods} from '../../src/generated/api';
import {hookMethods} from '../../src/generated/hooks';
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

function hookHandlers(): {names: string[]; handlers: HookHandlers} {
    const handlers: Record<string, (...params: unknown[]) => unknown> = {};
    const names: string[] = [];
    for (const {hook, argsJson, returnsHex} of lines<{hook: keyof typeof hookMethods; argsJson?: string; returnsHex: string}>('hooks.jsonl')) {
        const def = hookMethods[hook];
        names.push(hook);
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
    return {names, handlers: handlers as HookHandlers};
}

async function main(): Promise<void> {
    const announced = await announce();
    for (const [name, type] of W.interfaceTypes) registerInterfaceType(name, sdkGoType(type));
    const {names, handlers} = hookHandlers();
    const served = serveAnnounced(announced, {
        plugins: {
            hooks: (broker) => {
                const rpc = new RpcServer();
                rpc.register('Plugin.Implemented', EmptyStruct, t.slice(t.string), () => ['OnActivate', ...names]);
                const onActivate = hookMethods.OnActivate;
                rpc.register('Plugin.OnActivate', sdkGoType(onActivate.args), sdkGoType(onActivate.returns), async (args: {APIMuxId: number; DriverMuxId: number}) => {
                    const [api, driver] = await Promise.all([broker.dial(Number(args.APIMuxId)), broker.dial(Number(args.DriverMuxId))]);
                    driver.on('error', () => undefined);
                    driver.resume();
                    await callEveryMethod(new PluginApiClient(new RpcClient(api)));
                    return {};
                });
                serveHooks(rpc, handlers);
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
