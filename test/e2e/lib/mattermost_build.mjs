// Builds the Mattermost server pinned by test/e2e/server/go.mod from the Go module proxy, or finds the cached build.
// The cache lives outside the repository, keyed by the pinned commit and a hash of go.mod + go.sum:
//   ~/.cache/tripwire/mattermost-<commit12>-<modhash8>/{bin/mattermost,i18n,templates,fonts,VERSION}
// (the layout of Mattermost's release tarballs: the server finds i18n/, templates/ and fonts/ next to bin/).
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const wrapperModule = join(here, '..', 'server');
export const serverModule = 'github.com/mattermost/mattermost/server/v8';
const ASSETS = ['i18n', 'templates', 'fonts'];

export class BuildError extends Error {}

function run(cmd, args, opts = {}) {
    const res = spawnSync(cmd, args, {encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...opts});
    if (res.error) throw new BuildError(`${cmd}: ${res.error.message}`);
    if (res.status !== 0) throw new BuildError(`${cmd} ${args.join(' ')} failed (exit ${res.status}):\n${(res.stderr || res.stdout).trim()}`);
    return res.stdout.trim();
}

/** The pinned server version (pseudo-version) and where its build is cached. */
export function pinnedServer() {
    const goMod = readFileSync(join(wrapperModule, 'go.mod'), 'utf8');
    const goSum = readFileSync(join(wrapperModule, 'go.sum'), 'utf8');
    const m = goMod.match(/github\.com\/mattermost\/mattermost\/server\/v8 (v8\.0\.0-\d{14}-([0-9a-f]{12}))/);
    if (!m) throw new BuildError(`${wrapperModule}/go.mod does not pin ${serverModule} to a pseudo-version`);
    const modHash = createHash('sha256').update(goMod).update(goSum).digest('hex').slice(0, 8);
    const root = process.env.TRIPWIRE_MM_CACHE ?? join(homedir(), '.cache', 'tripwire');
    const dir = join(root, `mattermost-${m[2]}-${modHash}`);
    return {pseudoVersion: m[1], commit: m[2], dir, binary: join(dir, 'bin', 'mattermost')};
}

function isComplete(dir) {
    return existsSync(join(dir, 'bin', 'mattermost')) && ASSETS.every((a) => existsSync(join(dir, a))) && existsSync(join(dir, 'VERSION'));
}

/**
 * Returns {dir, binary, version, cached, buildMs}. Builds when the cache is missing (a cold build is about 10 minutes
 * on 2 cores), into a temporary directory renamed into place, so an interrupted build never looks complete.
 */
export function ensureServer({log = console.log} = {}) {
    const pin = pinnedServer();
    if (isComplete(pin.dir)) {
        return {...pin, version: readFileSync(join(pin.dir, 'VERSION'), 'utf8').trim(), cached: true, buildMs: 0};
    }
    run('go', ['version']);
    log(`building Mattermost ${pin.pseudoVersion} from the Go module proxy into ${pin.dir} (cold: about 10 minutes)`);
    const started = Date.now();
    const tmp = `${pin.dir}.tmp-${process.pid}`;
    rmSync(tmp, {recursive: true, force: true});
    mkdirSync(join(tmp, 'bin'), {recursive: true});
    const env = {...process.env, GOFLAGS: '-mod=readonly -buildvcs=false'};
    try {
        run('go', ['mod', 'download', serverModule], {cwd: wrapperModule, env});
        run('go', ['build', '-trimpath', '-o', join(tmp, 'bin', 'mattermost'), `${serverModule}/cmd/mattermost`], {cwd: wrapperModule, env, stdio: ['ignore', 'pipe', 'pipe']});
        const src = run('go', ['list', '-m', '-f', '{{.Dir}}', serverModule], {cwd: wrapperModule, env});
        for (const asset of ASSETS) cpSync(join(src, asset), join(tmp, asset), {recursive: true});
        run('chmod', ['-R', 'u+w', tmp]);
        const said = run(join(tmp, 'bin', 'mattermost'), ['version'], {env: {PATH: process.env.PATH, HOME: tmp}});
        const version = said.match(/^Version: (\S+)/m)?.[1];
        if (!version) throw new BuildError(`the built server did not report its version: ${said.slice(0, 300)}`);
        writeFileSync(join(tmp, 'VERSION'), `${version}\n`);
        rmSync(pin.dir, {recursive: true, force: true});
        renameSync(tmp, pin.dir);
        return {...pin, version, cached: false, buildMs: Date.now() - started};
    } finally {
        rmSync(tmp, {recursive: true, force: true});
    }
}
