// How long loading the SDK takes in a fresh Node process (issue #19: the generated tables are on the start-up
// path). Bundles @tripwire/sdk's entry with esbuild as the shipped executable does (CommonJS, one file), then
// requires it in N fresh processes and prints the best and median time of the require alone.
//   node scripts/sdk_load_time.mjs [N=21] [entry=sdk/src/mattermost/index.ts]
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 21);
const entry = resolve(root, process.argv[3] ?? 'sdk/src/mattermost/index.ts');
const dir = mkdtempSync(join(tmpdir(), 'tripwire-sdk-load-'));
try {
    const outfile = join(dir, 'sdk.cjs');
    await build({entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning'});
    const probe = `const t0 = performance.now(); require(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - t0));`;
    const ms = [];
    for (let i = 0; i < runs; i++) {
        const res = spawnSync(process.execPath, ['-e', probe], {encoding: 'utf8'});
        if (res.status !== 0) throw new Error(`probe failed:\n${res.stderr}`);
        ms.push(Number(res.stdout));
    }
    ms.sort((a, b) => a - b);
    console.log(`SDK load (${runs} fresh processes): best ${ms[0].toFixed(1)} ms, median ${ms[runs >> 1].toFixed(1)} ms`);
} finally {
    rmSync(dir, {recursive: true, force: true});
}
