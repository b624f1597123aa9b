// The pinned official Node runtimes (node-runtimes.lock.json): downloaded once from the npm registry into a cache,
// verified against the lock's integrity, unpacked. make dist injects them into the single-executable apps; the hook
// benchmark runs the Node plugin on the same runtime Tripwire ships with.
import {createHash} from 'node:crypto';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'node-runtimes.lock.json'), 'utf8'));
const cache = process.env.TRIPWIRE_NODE_CACHE ?? join(homedir(), '.cache', 'tripwire', 'node-sea');

export const nodeVersion = lock.version;
export const pinnedPlatforms = Object.keys(lock.packages);

function run(cmd, args) {
    const res = spawnSync(cmd, args, {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
    if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${res.stderr || res.stdout}`);
}

const integrityOf = (file) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

/** The path of the pinned node binary for `platform` (e.g. linux-amd64), fetching and checking it on first use. */
export function pinnedNode(platform) {
    const pin = lock.packages[platform];
    if (!pin) throw new Error(`no pinned Node binary for ${platform}; supported: ${pinnedPlatforms.join(', ')}`);
    const dir = join(cache, `${pin.package}-${lock.version}`);
    const tgz = join(dir, `${pin.package}-${lock.version}.tgz`);
    if (!existsSync(tgz)) {
        mkdirSync(dir, {recursive: true});
        run('npm', ['pack', `${pin.package}@${lock.version}`, '--pack-destination', dir, '--silent']);
    }
    const got = integrityOf(tgz);
    if (got !== pin.integrity) {
        rmSync(tgz);
        throw new Error(`${pin.package}@${lock.version}: integrity ${got} does not match the lock (${pin.integrity})`);
    }
    const bin = join(dir, 'package', 'bin', platform.startsWith('windows') ? 'node.exe' : 'node');
    if (!existsSync(bin)) run('tar', ['xzf', tgz, '-C', dir]);
    return bin;
}

/** This machine's platform in the lock's naming, e.g. linux-amd64. */
export function hostPlatform() {
    const arch = {x64: 'amd64', arm64: 'arm64'}[process.arch] ?? process.arch;
    return `${process.platform === 'win32' ? 'windows' : process.platform}-${arch}`;
}

// Run directly: print the pinned node binary for this machine (make bench-hooks uses it).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
    try {
        console.log(pinnedNode(hostPlatform()));
    } catch (e) {
        console.error(`node_runtime: ${e.message}`);
        process.exit(1);
    }
}
