import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';

/** The repository root (this file is sdk/src/runtime/yamux/testing/go_build.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../../../../..');
export const PEER_MODULE = path.join(REPO_ROOT, 'test/yamuxpeer');

/**
 * Builds a command of the test/yamuxpeer Go module into test/yamuxpeer/bin/ and returns its path. Go's build cache
 * makes repeat builds take about a second; the first may download modules from the Go module proxy.
 */
export function buildGoCommand(name: string): string {
    const out = path.join(PEER_MODULE, 'bin', name);
    try {
        execFileSync('go', ['build', '-o', out, `./cmd/${name}`], {cwd: PEER_MODULE, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000});
    } catch (e) {
        const err = e as NodeJS.ErrnoException & {stderr?: Buffer};
        if (err.code === 'ENOENT') throw new Error('the Go toolchain (`go`) is not on PATH: the yamux/go-plugin interop tests need Go >= 1.24');
        throw new Error(`go build ./cmd/${name} failed in ${PEER_MODULE}:\n${err.stderr?.toString() ?? err.message}`);
    }
    if (!existsSync(out)) throw new Error(`go build did not produce ${out}`);
    return out;
}
