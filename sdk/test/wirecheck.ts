import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {mkdirSync, renameSync} from 'node:fs';
import {join, resolve} from 'node:path';

/** sdk/gen/wirecheck: Go's encoding/gob over the real RPC structs of the pinned server/public module. */
export const GEN_DIR = resolve(__dirname, '../gen');
const BIN = join(GEN_DIR, 'bin', 'wirecheck');

// The installed Go, and the modules sdk/gen/go.sum pins (fetched once into the module cache if missing).
const GO_ENV: NodeJS.ProcessEnv = {...process.env, GOTOOLCHAIN: 'local', GOWORK: 'off'};

/** A clean Go cache compiles the server/public model package (a minute or more on a shared machine). */
export const BUILD_TIMEOUT_MS = 600_000;

/**
 * Builds the checker (Go's build cache makes a rebuild of unchanged sources cheap); returns its path. Test files
 * run in parallel workers: each builds to its own file and renames it into place, so none runs a half-written one.
 */
export function buildWirecheck(): string {
    mkdirSync(join(GEN_DIR, 'bin'), {recursive: true});
    const tmp = `${BIN}.${process.pid}`;
    const res = spawnSync('go', ['build', '-o', tmp, './wirecheck'], {cwd: GEN_DIR, env: GO_ENV, encoding: 'utf8'});
    if (res.error) throw new Error(`go build sdk/gen/wirecheck: ${res.error.message} (is Go installed?)`);
    if (res.status !== 0) throw new Error(`go build sdk/gen/wirecheck failed:\n${res.stderr}`);
    renameSync(tmp, BIN);
    return BIN;
}

export function runWirecheck(args: string[], input = ''): string {
    const res = spawnSync(BIN, args, {input, encoding: 'utf8', maxBuffer: 1 << 30});
    if (res.error) throw res.error;
    if (res.status !== 0) throw new Error(`wirecheck ${args.join(' ')} exited ${res.status}:\n${res.stderr}`);
    return res.stdout;
}

/** Starts a long-running wirecheck command (serve), talking net/rpc over stdin/stdout. */
export function spawnWirecheck(args: string[]): ChildProcessWithoutNullStreams {
    return spawn(BIN, args, {stdio: ['pipe', 'pipe', 'pipe']});
}
