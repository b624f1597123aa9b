// Bundle figures for make bench: the default bundle's size, a single-platform bundle's size, and how long the
// shipped executable takes from spawn to go-plugin's handshake line (what Mattermost waits for, 3 s at most).
// Builds both bundles into build-bench/ with scripts/dist.mjs, exactly as make dist does (about a minute).
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const {id, version} = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8'));
const out = join(root, 'build-bench');
const mib = (bytes) => bytes / (1 << 20);

function report(key, value, unit, note = '') {
    console.log(`${key.padEnd(36)} ${value.toFixed(1).padStart(12)} ${unit}${note ? `  (${note})` : ''}`);
    console.log(`##BENCH ${JSON.stringify({key, value: Number(value.toFixed(3))})}`);
}

function bundle(name, platforms) {
    const env = {...process.env, PLATFORMS: platforms, TRIPWIRE_BUILD_DIR: join(out, `build-${name}`), TRIPWIRE_DIST_DIR: join(out, name)};
    const res = spawnSync(process.execPath, [join(root, 'scripts/dist.mjs')], {cwd: root, env, encoding: 'utf8'});
    if (res.status !== 0) throw new Error(`dist (${platforms}) failed:\n${res.stderr}${res.stdout}`);
    return {tarball: join(out, name, `${id}-${version}.tar.gz`), stage: join(out, `build-${name}`, 'stage', id)};
}

/** Spawns the executable as Mattermost does (cookie, protocol version) and times the handshake line. */
function handshakeMs(exe) {
    const socketDir = mkdtempSync(join(tmpdir(), 'tripwire-bench-'));
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(exe, [], {
            env: {MATTERMOST_PLUGIN: 'Securely message teams, anywhere.', PLUGIN_PROTOCOL_VERSIONS: '1', PLUGIN_UNIX_SOCKET_DIR: socketDir, PATH: process.env.PATH},
            stdio: ['ignore', 'pipe', 'ignore'],
        });
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error('no handshake within 10 s'));
        }, 10_000);
        child.stdout.once('data', (chunk) => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            clearTimeout(timer);
            if (!/^1\|1\|unix\|/.test(chunk.toString())) reject(new Error(`unexpected handshake ${chunk}`));
            child.once('exit', () => {
                rmSync(socketDir, {recursive: true, force: true});
                resolve(ms);
            });
            child.kill('SIGTERM');
        });
    });
}

rmSync(out, {recursive: true, force: true});
const both = bundle('default', 'linux-amd64 linux-arm64');
const single = bundle('single', 'linux-amd64');
report('bundle_mib', mib(statSync(both.tarball).size), 'MiB', 'linux-amd64 + linux-arm64; goal <= 80');
report('single_platform_mib', mib(statSync(single.tarball).size), 'MiB', 'linux-amd64; goal <= 40');

const exe = join(single.stage, 'server', 'dist', 'plugin-linux-amd64');
for (let i = 0; i < 3; i++) await handshakeMs(exe); // warm the page cache, as a running server has it
const runs = [];
for (let i = 0; i < 15; i++) runs.push(await handshakeMs(exe));
runs.sort((a, b) => a - b);
report('spawn_to_handshake_ms', runs[Math.floor(runs.length / 2)], 'ms', `median of 15 warm spawns, min ${runs[0].toFixed(1)}, max ${runs.at(-1).toFixed(1)}; goal <= 150`);
rmSync(out, {recursive: true, force: true});
