// The conformance run under Mattermost's real plugin host (sdk/gen/wirecheck `host`): plugin.NewEnvironment
// launches the TypeScript plugin of test/host/plugin.ts; Mattermost's real API RPC server decodes every direct API
// call the plugin makes through PluginApiClient into a recording plugin.API that checks the arguments, and every
// direct hook called through the real hooks RPC client (HooksForPlugin) reaches the plugin's serveHooks handler
// with encoding/json's parameters and returns what Go expects.
import {spawnSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import {join} from 'node:path';
import {parseLines, type CheckResult} from '../src/runtime/gob/test/gobcheck';
import {BUILD_TIMEOUT_MS, buildWirecheck, GEN_DIR, runWirecheck} from './wirecheck';

const BUNDLE = join(GEN_DIR, 'bin', `host-plugin.${process.pid}.js`);

beforeAll(() => {
    buildWirecheck();
    const res = spawnSync('npx', ['esbuild', join(__dirname, 'host', 'plugin.ts'), '--bundle', '--platform=node', '--target=node20', `--outfile=${BUNDLE}`, '--log-level=warning'], {encoding: 'utf8'});
    if (res.status !== 0) throw new Error(`esbuild: ${res.stderr}`);
}, BUILD_TIMEOUT_MS);

afterAll(() => rmSync(BUNDLE, {force: true}));

describe('the SDK under Mattermost’s real plugin host', () => {
    it.each([41, 43])('every API method and hook, seed %i', (seed) => {
        const results = parseLines<CheckResult>(runWirecheck(['host', String(seed), BUNDLE, 'safe']));
        expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.err ?? ''}`)).toEqual([]);
        expect(results.filter((r) => r.name.startsWith('api/'))).toHaveLength(258);
        expect(results.filter((r) => r.name.startsWith('hook/'))).toHaveLength(52);
        const shaped = ['api/InstallPlugin', 'api/LoadPluginConfiguration', 'api/PluginHTTP', 'api/ReceiveSharedChannelAttachmentSyncMsg', 'api/UploadData'];
        const shapedHooks = ['hook/FileWillBeUploaded', 'hook/Implemented', 'hook/OnActivate', 'hook/ServeHTTP', 'hook/ServeMetrics'];
        expect(results.map((r) => r.name)).toEqual(expect.arrayContaining([...shaped, ...shapedHooks]));
        expect(results.map((r) => r.name)).toContain('plugin/did-everything');
    });
});
