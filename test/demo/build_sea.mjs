// The linux-amd64 single-executable Tripwire server (Node SEA), built by scripts/dist.mjs exactly as `make dist` builds
// it, and cached by the hash of its inputs: make demo and make conformance-sea share it, and a second run with the same
// sources costs nothing. Prints the executable's absolute path as the last line of stdout; progress goes to stderr.
//
//   node test/demo/build_sea.mjs            build (or reuse) test-output/demo/sea-<hash>/plugin-linux-amd64
//   TRIPWIRE_DEMO_CACHE=<dir>               where the cache lives (default test-output/demo)
//
// The inputs are what ends up in the executable: the server, common and sdk sources (tests excluded), the lock files, the
// manifest and the packaging script with its helpers. The webapp is not: the tarball dist.mjs also writes is thrown away, so a
// placeholder stands in for the webapp bundle and the demo does not wait for webpack.
import {createHash} from 'node:crypto';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheRoot = process.env.TRIPWIRE_DEMO_CACHE ?? join(root, 'test-output', 'demo');
const EXE = 'plugin-linux-amd64';
const log = (msg) => process.stderr.write(`build_sea: ${msg}\n`);

if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(`the demo runs the linux-amd64 executable; this host is ${process.platform}-${process.arch} (use DEMO_FAST=1)`);
    process.exit(2);
}

function walk(dir, out = []) {
    if (!existsSync(dir)) return out;
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p, out);
        else if (/\.(ts|tsx|js|mjs|cjs|json)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(p);
    }
    return out;
}

const inputs = [
    ...walk(join(root, 'server', 'src')),
    ...walk(join(root, 'common', 'src')),
    ...walk(join(root, 'sdk', 'src')), // @tripwire/sdk is bundled in too (its own workspace since the SDK move)
    ...walk(join(root, 'scripts', 'lib')), // dist.mjs's build options (third_party.mjs, dedupe_packages.mjs)
    ...['scripts/dist.mjs', 'node-runtimes.lock.json', 'plugin.json', 'package-lock.json', 'server/package.json', 'common/package.json', 'sdk/package.json'].map((f) => join(root, f)),
].sort();
const hash = createHash('sha256');
for (const file of inputs) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
}
const digest = hash.digest('hex').slice(0, 16);
const cacheDir = join(cacheRoot, `sea-${digest}`);
const cached = join(cacheDir, EXE);

if (existsSync(cached)) {
    log(`cached: ${relative(root, cached)} (inputs ${digest}: ${inputs.length} files unchanged)`);
} else {
    if (!existsSync(join(root, 'server', 'src', 'manifest.ts'))) {
        log('server/src/manifest.ts is missing: run `make manifest` first');
        process.exit(1);
    }
    const started = Date.now();
    log(`building the SEA (inputs ${digest} changed; about 40 s)...`);
    mkdirSync(cacheRoot, {recursive: true});
    const work = join(cacheRoot, `build-${process.pid}`);
    rmSync(work, {recursive: true, force: true});
    mkdirSync(work, {recursive: true});
    const placeholder = join(work, 'webapp-placeholder.js');
    writeFileSync(placeholder, '// not used: the demo executable is built without the webapp\n');
    const res = spawnSync(process.execPath, [join(root, 'scripts', 'dist.mjs')], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        env: {
            ...process.env,
            PLATFORMS: 'linux-amd64',
            TRIPWIRE_BUILD_DIR: join(work, 'build'),
            TRIPWIRE_DIST_DIR: join(work, 'dist'),
            TRIPWIRE_MANIFEST_PATCH: JSON.stringify({webapp: {bundle_path: relative(root, placeholder)}}),
        },
    });
    if (res.status !== 0) {
        rmSync(work, {recursive: true, force: true});
        log(`scripts/dist.mjs failed (status ${res.status})`);
        process.exit(1);
    }
    const built = join(work, 'build', 'stage', 'tripwire', 'server', 'dist', EXE);
    const staging = join(work, 'sea');
    mkdirSync(staging);
    renameSync(built, join(staging, EXE));
    writeFileSync(join(staging, 'inputs.txt'), inputs.map((f) => relative(root, f)).join('\n') + '\n');
    try {
        renameSync(staging, cacheDir);
    } catch (err) {
        // Another build of the same inputs finished first: theirs is as good as ours.
        if (!existsSync(cached)) throw err;
    }
    rmSync(work, {recursive: true, force: true});
    // Older builds are 100 MiB each: keep only this one.
    for (const entry of readdirSync(cacheRoot)) {
        if (entry.startsWith('sea-') && entry !== `sea-${digest}`) rmSync(join(cacheRoot, entry), {recursive: true, force: true});
    }
    const mib = (statSync(cached).size / (1 << 20)).toFixed(1);
    log(`built ${relative(root, cached)} (${mib} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.stdout.write(`${cached}\n`);
