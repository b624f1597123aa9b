import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

/** test/gobcheck: the Go program the differential tests talk to (stdlib only, so it builds with an empty module cache). */
export const GOBCHECK_DIR = resolve(__dirname, '../../../../../test/gobcheck');
const BIN = join(GOBCHECK_DIR, 'bin', 'gobcheck');

// Never reach for a toolchain or module download: the helper needs only the installed Go and its standard library.
const GO_ENV: NodeJS.ProcessEnv = {...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '-mod=mod'};
if (!process.env.GOCACHE && !process.env.HOME && !process.env.XDG_CACHE_HOME) GO_ENV.GOCACHE = join(tmpdir(), 'tripwire-go-cache');

/** Build timeout for tests' beforeAll: a clean Go cache compiles the standard library packages it needs. */
export const BUILD_TIMEOUT_MS = 600_000;

const LOCK = join(GOBCHECK_DIR, 'bin', '.building');
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function newestSource(dir: string): number {
    let newest = 0;
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
        if (entry.name === 'bin') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
        else if (/\.go$|^go\.mod$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
    return newest;
}

function upToDate(): boolean {
    try {
        return statSync(BIN).mtimeMs > newestSource(GOBCHECK_DIR);
    } catch {
        return false; // not built yet
    }
}

/** A lock left by a builder that died (killed test run) or that has taken far too long. */
function lockIsStale(): boolean {
    try {
        const age = Date.now() - statSync(LOCK).mtimeMs;
        if (age > BUILD_TIMEOUT_MS) return true;
        const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
        process.kill(pid, 0); // throws if no such process
        return false;
    } catch (e) {
        // No pid file yet (the builder is just starting) is not stale; a dead pid is.
        return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
}

/**
 * Builds the helper unless its binary is newer than every source file; returns the binary's path. Test files run in
 * parallel workers, so one builds while the others wait for it (a lock directory holding the builder's pid).
 */
export function buildGobcheck(): string {
    for (;;) {
        if (upToDate()) return BIN;
        mkdirSync(join(GOBCHECK_DIR, 'bin'), {recursive: true});
        try {
            mkdirSync(LOCK);
            writeFileSync(join(LOCK, 'pid'), String(process.pid));
        } catch {
            if (lockIsStale()) rmSync(LOCK, {recursive: true, force: true});
            else pause(250);
            continue;
        }
        try {
            const res = spawnSync('go', ['build', '-o', BIN, '.'], {cwd: GOBCHECK_DIR, env: GO_ENV, encoding: 'utf8'});
            if (res.error) throw new Error(`go build test/gobcheck: ${res.error.message} (is Go installed?)`);
            if (res.status !== 0) throw new Error(`go build test/gobcheck failed:\n${res.stderr}`);
            return BIN;
        } finally {
            rmSync(LOCK, {recursive: true, force: true});
        }
    }
}

/** Runs a gobcheck command to completion with `input` on stdin; returns stdout, throws on a non-zero exit. */
export function runGobcheck(args: string[], input = ''): string {
    const res = spawnSync(BIN, args, {input, encoding: 'utf8', maxBuffer: 512 << 20});
    if (res.error) throw res.error;
    if (res.status !== 0) throw new Error(`gobcheck ${args.join(' ')} exited ${res.status}:\n${res.stderr}`);
    return res.stdout;
}

/** Starts a long-running gobcheck command (the net/rpc peers), talking over stdin/stdout. */
export function spawnGobcheck(args: string[]): ChildProcessWithoutNullStreams {
    return spawn(BIN, args, {stdio: ['pipe', 'pipe', 'pipe']});
}

export interface HexLine {
    name: string;
    hex: string;
}

export interface CheckResult {
    name: string;
    ok: boolean;
    err?: string;
}

export function parseLines<T>(out: string): T[] {
    return out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as T);
}

/** Sends our encodings to a gobcheck check command and returns the failures (name and Go's complaint). */
export function goCheck(command: string[], lines: Array<{name: string; hex: string}>): string[] {
    const results = parseLines<CheckResult>(runGobcheck(command, lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
    if (results.length !== lines.length) return [`expected ${lines.length} results, got ${results.length}`];
    return results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.err ?? 'failed'}`);
}

/** A small deterministic PRNG (mulberry32), so fuzz failures reproduce from their seed. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let x = a;
        x = Math.imul(x ^ (x >>> 15), x | 1);
        x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
        return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
}
