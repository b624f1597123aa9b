// make dist: dist/<id>-<version>.tar.gz with plugin.json, one Node single-executable application per platform
// (official Node binaries from the npm registry, pinned in node-runtimes.lock.json), the webapp bundle and assets,
// LICENSE, CHANGELOG.md, THIRD_PARTY_NOTICES.txt and sbom.cdx.json (scripts/lib/third_party.mjs).
// PLATFORMS="linux-amd64 linux-arm64" by default. Output is reproducible: same inputs, same sha256.
import {createHash} from 'node:crypto';
import {spawnSync} from 'node:child_process';
import {chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build as esbuild} from 'esbuild';
import {changelogRefusal} from './lib/changelog.mjs';
import {pinnedNode} from './lib/node_runtime.mjs';
import {bundleSbom, licenceProblems, nodeRuntimeComponents, renderNotices, sbomSchemaErrors, serverBuildOptions} from './lib/third_party.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// TRIPWIRE_MANIFEST_PATCH (JSON merged over plugin.json), TRIPWIRE_BUILD_DIR and TRIPWIRE_DIST_DIR let the e2e suite
// build its conformance bundle (SERVER_ENTRY=server/test/conformance/plugin.ts) without touching build/ and dist/.
// TRIPWIRE_MANIFEST (a plugin.json of its own, e.g. examples/hello's) builds another plugin on @tripwire/sdk: no
// webapp unless its manifest names one, and Tripwire's changelog rule does not apply.
const ownManifest = process.env.TRIPWIRE_MANIFEST;
const manifest = {...JSON.parse(readFileSync(ownManifest ?? join(root, 'plugin.json'), 'utf8')), ...JSON.parse(process.env.TRIPWIRE_MANIFEST_PATCH || '{}')};
const platforms = (process.env.PLATFORMS ?? 'linux-amd64 linux-arm64').split(/[\s,]+/).filter(Boolean);
const build = process.env.TRIPWIRE_BUILD_DIR ?? join(root, 'build');
const distDir = process.env.TRIPWIRE_DIST_DIR ?? join(root, 'dist');
const stage = join(build, 'stage', manifest.id);
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function fail(message) {
    console.error(`make dist: ${message}`);
    process.exit(1);
}

function sh(cmd, args, opts = {}) {
    const res = spawnSync(cmd, args, {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts});
    if (res.error) fail(`${cmd}: ${res.error.message}`);
    if (res.status !== 0) fail(`${cmd} ${args.join(' ')} failed:\n${res.stderr || res.stdout}`);
    return res.stdout;
}

/** The pinned Node binary for a platform (scripts/lib/node_runtime.mjs), or a clear failure. */
function nodeBinary(platform) {
    try {
        return pinnedNode(platform);
    } catch (e) {
        return fail(e.message);
    }
}

// 0. plugin.json's version is released only with its notes for admins.
const refusal = ownManifest ? null : changelogRefusal(manifest.version);
if (refusal) fail(refusal);

const STRIP = {'linux-amd64': 'strip', 'linux-arm64': 'aarch64-linux-gnu-strip'};

function executableName(platform) {
    return `plugin-${platform}${platform.startsWith('windows') ? '.exe' : ''}`;
}

// 1. The server as one CommonJS file (a SEA main script may only require() built-ins), and the SBOM of what esbuild
// put into it.
rmSync(build, {recursive: true, force: true});
mkdirSync(join(stage, 'server', 'dist'), {recursive: true});
const serverJs = join(build, 'server.cjs');
const serverSbomFile = join(build, 'server.cdx.json');
await esbuild(await serverBuildOptions({entry: process.env.SERVER_ENTRY ?? join(root, 'server/src/main.ts'), outfile: serverJs, sbomFile: serverSbomFile}));

// 2. The SEA blobs, made by the linux-x64 node of the pinned version (a blob must match its runtime's version).
// linux-amd64's blob also carries V8's code cache of the script (cachedSeaBlob below), so that executable starts
// without compiling 1.5 MB of JavaScript first. Reproducible: --predictable fixes V8's per-process random seeds (V8
// leaves that flag out of the cache's flag hash, so the runtime still accepts the cache), and the script has the same
// relative name at build and run time, which would otherwise be written into the cache. --no-lazy (everything in the
// cache) cost more than it saved (start-up CPU +10-25 %, the cache 3 MB larger): the cache holds what start-up
// compiles instead, and what start-up runs is kept small (server/test/release/startup_imports.test.ts; the script
// 1.87 -> 1.45 MB): RSS after activation 71.5 -> 64.8 MB and the process's CPU time until activated about -17 %
// (make bench-hooks: plugin_rss_sea_mb, activation_sea_cpu_ms; medians of 3 runs on a loaded machine).
// V8 grows the young generation up to 64 MB semi-spaces under a steady allocation rate (every delivery allocates):
// measured in make bench-e2e, 128 MB of the plugin's ~200 MB RSS was new space holding garbage while the live heap
// was under 20 MB. 2 MB semi-spaces keep RSS near the live heap for a few more (cheap) scavenges: against 4 MB, RSS
// after activation 67.6 against 69.5 MB (make bench-hooks) and the peak of the 10,000-post burst (ha/TestBurst with
// this executable) about 167 against 180 MB, with no difference in post time or CPU beyond the noise of a shared
// machine. 1 MB was no better under the burst (165-190 MB: short-lived objects promoted early); --optimize-for-size
// cut the burst peak to about 115 MB but cost about 30 % more CPU per delivery; --v8-pool-size=1 saved nothing.
// UV_THREADPOOL_SIZE is left alone: libuv starts its pool with the first job (a DNS lookup, an async fs call), and
// none has run by the end of activation (no worker thread then), so it cannot change RSS after activation.
// --expose-gc gives server/src/platform/heap_compaction.ts V8's gc(): the old generation a burst grew is given back
// once mostly free (V8's own memory reducer left it grown; RSS after 10,000 deliveries 122-160 -> 111-113 MB).
// NODE_OPTIONS still applies on top (execArgvExtension's default, "env").
const V8_FLAGS = ['--max-semi-space-size=2', '--expose-gc'];

/** A SEA preparation blob from a sea-config (written into the build directory); returns the blob's path. */
function seaBlob(name, config) {
    writeFileSync(join(build, `${name}.json`), JSON.stringify({output: `${name}.blob`, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, execArgv: V8_FLAGS, ...config}));
    sh(nodeBinary('linux-amd64'), ['--experimental-sea-config', `${name}.json`], {cwd: build});
    return join(build, `${name}.blob`);
}

/**
 * linux-amd64's blob: scripts/lib/sea_loader.cjs as the main script, the server script wrapped as a CommonJS function
 * and V8's code cache of it as assets. The cache is taken once the modules activation loads have loaded
 * (scripts/lib/sea_code_cache.cjs), by the pinned linux-x64 Node under the executable's V8 flags (V8 rejects a cache
 * whose flag hash differs). Against Node's own useCodeCache (the top level only), side by side in make bench-hooks
 * (7 activations each, a loaded machine): the process's CPU until activated 299-315 -> 190 ms, spawn to OnActivate
 * done about 280 -> 200 ms, RSS after activation unchanged (about 66 MB).
 */
function cachedSeaBlob() {
    const wrapped = join(build, 'server.js');
    writeFileSync(wrapped, `(function (exports, require, module, __filename, __dirname) {${readFileSync(serverJs, 'utf8')}\n})`);
    const cache = join(build, 'server.js.cache');
    // Only main.ts knows how to load its modules and stop (SERVER_ENTRY builds the test plugins and examples).
    const topLevelOnly = process.env.SERVER_ENTRY ? ['--top-level'] : [];
    sh(nodeBinary('linux-amd64'), [...V8_FLAGS, '--predictable', join(root, 'scripts/lib/sea_code_cache.cjs'), wrapped, cache, ...topLevelOnly], {cwd: build, env: {PATH: process.env.PATH}});
    copyFileSync(join(root, 'scripts/lib/sea_loader.cjs'), join(build, 'sea_loader.cjs'));
    return seaBlob('server-code-cache', {main: 'sea_loader.cjs', assets: {'server.js': 'server.js', 'server.js.cache': 'server.js.cache'}});
}
// A code cache is valid only for the V8 build that made it, so the other platforms run the server script as their
// main script, compiled at start.
const CODE_CACHE_PLATFORM = 'linux-amd64';
const blobs = {
    cached: platforms.includes(CODE_CACHE_PLATFORM) ? cachedSeaBlob() : null,
    plain: platforms.some((p) => p !== CODE_CACHE_PLATFORM) ? seaBlob('server', {main: basename(serverJs)}) : null,
};

// 3. One executable per platform: official binary, stripped, blob injected.
const executables = {};
for (const platform of platforms) {
    const out = join(stage, 'server', 'dist', executableName(platform));
    copyFileSync(nodeBinary(platform), out);
    chmodSync(out, 0o755);
    if (STRIP[platform]) sh(STRIP[platform], ['--strip-all', out]);
    const blob = platform === CODE_CACHE_PLATFORM ? blobs.cached : blobs.plain;
    sh(join(root, 'node_modules/.bin/postject'), [out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
    chmodSync(out, 0o755);
    executables[platform] = `server/dist/${executableName(platform)}`;
}

// 4. Smoke test what this host can run: started by hand (no magic cookie) it must explain itself and exit non-zero.
if (platforms.includes('linux-amd64') && process.platform === 'linux' && process.arch === 'x64') {
    const exe = join(stage, 'server', 'dist', executableName('linux-amd64'));
    const res = spawnSync(exe, [], {encoding: 'utf8', timeout: 10_000, env: {PATH: process.env.PATH}});
    const said = `${res.stdout}${res.stderr}`;
    if (res.status === 0 || !/Mattermost/i.test(said)) fail(`smoke test: ${exe} run by hand said ${JSON.stringify(said.slice(0, 300))} (status ${res.status})`);
}

// 5. Manifest listing exactly the built platforms, webapp bundle, assets.
const staged = {...manifest, server: {executables}};
const webappBundle = manifest.webapp ? join(root, manifest.webapp.bundle_path) : null;
if (webappBundle) {
    if (!existsSync(webappBundle)) fail(`${manifest.webapp.bundle_path} is missing: build the webapp first (make webapp-build)`);
    mkdirSync(join(stage, dirname(manifest.webapp.bundle_path)), {recursive: true});
    copyFileSync(webappBundle, join(stage, manifest.webapp.bundle_path));
}
if (!ownManifest) cpSync(join(root, 'assets'), join(stage, 'assets'), {recursive: true});
writeFileSync(join(stage, 'plugin.json'), JSON.stringify(staged, null, 4) + '\n');

// 6. Licence, changelog, third-party notices and the SBOM. The webapp's SBOM is written by webpack next to its
// bundle (webapp/webpack.config.js). A bundle built around another webapp file (the demo's and e2e's test bundles
// patch webapp.bundle_path) without one gets an SBOM whose webapp part is empty.
const epoch = process.env.SOURCE_DATE_EPOCH ?? (sh('git', ['log', '-1', '--format=%ct']).trim() || '0');
const webappSbomFile = webappBundle ? join(dirname(webappBundle), 'cyclonedx', 'bom.json') : '';
const realWebapp = manifest.webapp?.bundle_path === JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')).webapp.bundle_path;
if (!existsSync(webappSbomFile) && realWebapp) fail(`${webappSbomFile} is missing: rebuild the webapp (make webapp-build), whose webpack run writes it`);
const emptySbom = {metadata: {component: {'bom-ref': 'main', name: 'main'}, tools: {components: []}}, components: [], dependencies: []};
const lock = JSON.parse(readFileSync(join(root, 'node-runtimes.lock.json'), 'utf8'));
const sbom = bundleSbom({
    manifest: staged,
    serverSbom: JSON.parse(readFileSync(serverSbomFile, 'utf8')),
    webappSbom: webappSbomFile && existsSync(webappSbomFile) ? JSON.parse(readFileSync(webappSbomFile, 'utf8')) : emptySbom,
    runtimes: nodeRuntimeComponents(lock, platforms, (platform) => join(dirname(nodeBinary(platform)), '..')),
    executables,
    epoch,
});
const sbomErrors = await sbomSchemaErrors(JSON.stringify(sbom));
if (sbomErrors) fail(`sbom.cdx.json is not valid CycloneDX 1.6: ${JSON.stringify(sbomErrors)}`);
const notices = renderNotices(sbom);
const problems = licenceProblems(sbom, notices);
if (problems.length > 0) fail(`third-party licences:\n  ${problems.join('\n  ')}`);
copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
if (!ownManifest) copyFileSync(join(root, 'CHANGELOG.md'), join(stage, 'CHANGELOG.md'));
writeFileSync(join(stage, 'THIRD_PARTY_NOTICES.txt'), notices);
writeFileSync(join(stage, 'sbom.cdx.json'), JSON.stringify(sbom, null, 2) + '\n');

// 7. A reproducible tarball: sorted names, fixed owner and mtime, gzip without a timestamp.
mkdirSync(distDir, {recursive: true});
const tarball = join(distDir, `${manifest.id}-${manifest.version}.tar.gz`);
const tar = spawnSync('tar', ['-C', join(build, 'stage'), '--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${epoch}`, '-cf', '-', manifest.id], {
    maxBuffer: 1 << 30,
});
if (tar.status !== 0) fail(`tar failed: ${tar.stderr}`);
const gz = spawnSync('gzip', ['-6', '-n'], {input: tar.stdout, maxBuffer: 1 << 30});
if (gz.status !== 0) fail(`gzip failed: ${gz.stderr}`);
writeFileSync(tarball, gz.stdout);

const mib = (n) => (n / (1 << 20)).toFixed(1);
for (const platform of platforms) {
    const size = statSync(join(stage, 'server', 'dist', executableName(platform))).size;
    console.log(`  ${executables[platform].padEnd(40)} ${mib(size)} MiB`);
}
console.log(`${tarball.startsWith(root) ? tarball.slice(root.length + 1) : tarball}: ${mib(gz.stdout.length)} MiB, sha256 ${createHash('sha256').update(gz.stdout).digest('hex')}`);
