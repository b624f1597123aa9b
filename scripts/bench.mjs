// Runs every benchmark and collects its figures. A benchmark is any `server/bench/*.bench.ts` (bundled with esbuild
// and run with node) or a command in EXTRA below; it prints human lines and, for each figure, one line
// `##BENCH {"key":"name","value":123}`. All figures end up in bench-results/latest.json (numbers only).
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildSync} from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // optional substring filter
const figures = {};

function run(label, cmd, args, opts = {}) {
    console.log(`\n== ${label}`);
    const res = spawnSync(cmd, args, {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, ...opts});
    for (const line of (res.stdout ?? '').split('\n')) {
        if (line.startsWith('##BENCH ')) {
            const {key, value} = JSON.parse(line.slice(8));
            if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${label}: figure ${key} is not a number`);
            figures[key] = value;
        } else if (line) {
            console.log(line);
        }
    }
    if (res.status !== 0) throw new Error(`${label} failed with status ${res.status}`);
}

const benchDir = join(root, 'server/bench');
const outDir = mkdtempSync(join(tmpdir(), 'tripwire-bench-'));
const entries = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort();
for (const file of entries) {
    const outfile = join(outDir, file.replace(/\.ts$/, '.js'));
    buildSync({entryPoints: [join(benchDir, file)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning'});
    run(file, process.execPath, ['--expose-gc', outfile]);
}

// Benchmarks that are not TypeScript files (e.g. the Go conformance host); each is a make target printing ##BENCH lines.
const EXTRA = (process.env.TRIPWIRE_BENCH_EXTRA ?? '').split(/\s+/).filter(Boolean);
for (const target of EXTRA.filter((t) => !only || t.includes(only))) {
    run(`make ${target}`, 'make', ['--no-print-directory', target]);
}

if (Object.keys(figures).length === 0) {
    console.error('no benchmark printed a figure');
    process.exit(1);
}
mkdirSync(join(root, 'bench-results'), {recursive: true});
const latest = join(root, 'bench-results/latest.json');
// A filtered run (`node scripts/bench.mjs match`) updates its own figures and keeps the others.
const kept = only && existsSync(latest) ? JSON.parse(readFileSync(latest, 'utf8')) : {};
writeFileSync(latest, JSON.stringify({...kept, ...figures}, null, 2) + '\n');
console.log('\nfigures:');
for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(36)} ${value}`);
console.log('written to bench-results/latest.json');
