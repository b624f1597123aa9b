// What the shipped executable loads before OnActivate (issue #19: activation <= 300 ms, RSS after activation <= 70 MB):
// the server script is bundled exactly as make dist bundles it (scripts/lib/third_party.mjs's serverBuildOptions) and
// its import graph is read from esbuild's metafile. Start-up is what main.ts imports, statically or in createPlugin's
// `await import(…)` list; the dynamic imports elsewhere (https, dns, express) load with the first request that needs
// them.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const root = join(__dirname, '..', '..', '..');
const ENTRY = 'server/src/main.ts';
/** main.ts's own dynamic imports that wait for their first use. */
const LAZY_FROM_ENTRY = ['server/src/http/app.ts'];

interface Metafile {
    inputs: Record<string, {imports: {path: string; kind: string; external?: boolean}[]}>;
    outputs: Record<string, {inputs: Record<string, {bytesInOutput: number}>}>;
}

let work: string;
let meta: Metafile;

beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tripwire-startup-'));
    const lib = JSON.stringify(join(root, 'scripts/lib/third_party.mjs'));
    const code = `import {build} from 'esbuild'; import {writeFileSync} from 'node:fs'; import {serverBuildOptions} from ${lib};
        const options = await serverBuildOptions({entry: ${JSON.stringify(join(root, ENTRY))}, outfile: ${JSON.stringify(join(work, 'server.cjs'))}, sbomFile: ${JSON.stringify(join(work, 'server.cdx.json'))}});
        const result = await build({...options, metafile: true});
        writeFileSync(${JSON.stringify(join(work, 'meta.json'))}, JSON.stringify(result.metafile));`;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], {cwd: root, encoding: 'utf8', timeout: 120_000});
    if (res.status !== 0) throw new Error(`bundling failed (${res.status}):\n${res.stderr}`);
    meta = JSON.parse(readFileSync(join(work, 'meta.json'), 'utf8')) as Metafile;
}, 120_000);

afterAll(() => rmSync(work, {recursive: true, force: true}));

/** Node built-ins (without `node:`) the start-up graph imports. */
function startupBuiltins(): Set<string> {
    const builtins = new Set<string>();
    const seen = new Set([ENTRY]);
    const queue = [ENTRY];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
        for (const imp of meta.inputs[file]?.imports ?? []) {
            if (imp.kind === 'dynamic-import' && (file !== ENTRY || LAZY_FROM_ENTRY.includes(imp.path))) continue;
            if (imp.external) builtins.add(imp.path.replace(/^node:/, ''));
            else if (!seen.has(imp.path)) {
                seen.add(imp.path);
                queue.push(imp.path);
            }
        }
    }
    return builtins;
}

describe('what the shipped executable loads at start-up', () => {
    test('the graph is read as intended: it holds crypto and net, and the lazy express app is left out', () => {
        const builtins = startupBuiltins();
        expect([...builtins]).toEqual(expect.arrayContaining(['crypto', 'net']));
        expect(Object.keys(meta.inputs).some((f) => f.includes('node_modules/express/'))).toBe(true); // bundled, but lazy
    });

    // http (with its _http_* parts) loads with the first delivery or the first ServeHTTP request (dispatch/http_client.ts,
    // sdk serve_http/in_memory_http.ts). tls alone is about 3 MB of RSS; prom-client's index would load https and zlib (Pushgateway), perf_hooks, v8 and
    // @opentelemetry/api (default metrics) and cluster (its aggregator), none of which Tripwire uses.
    test('no http, tls, https, zlib, dns or the other modules only a later feature needs', () => {
        const builtins = startupBuiltins();
        for (const lazy of ['http', 'tls', 'https', 'http2', 'zlib', 'dns', 'dns/promises', 'cluster', 'child_process', 'perf_hooks', 'v8', 'worker_threads']) {
            expect({lazy, loaded: builtins.has(lazy)}).toEqual({lazy, loaded: false});
        }
    });

    // zod's `z` export is a namespace object of everything, its 60 locales too (350 KB of the 1.8 MB script, ~5 % of
    // the start-up CPU): `import * as z` lets esbuild keep only the schema builders in use.
    test("zod's locales are not in the script (English, its default, is)", () => {
        const bundled = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([f]) => f));
        const locales = bundled.filter((f) => /node_modules\/zod\/v4\/locales\/(?!index\.js$)/.test(f));
        expect(locales.map((f) => f.replace(/^.*\/locales\//, ''))).toEqual(['en.js']);
    });
});
