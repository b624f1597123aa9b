import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {PEER_MODULE, REPO_ROOT} from '../../yamux/testing/go_build';

/** Bundles test/yamuxpeer/plugin/test_plugin.ts with esbuild (as `make dist` will bundle the real plugin). */
export function bundleTestPlugin(): string {
    const out = path.join(PEER_MODULE, 'bin', 'test_plugin.js');
    const esbuild = path.join(REPO_ROOT, 'node_modules', '.bin', 'esbuild');
    try {
        execFileSync(esbuild, [path.join(PEER_MODULE, 'plugin', 'test_plugin.ts'), '--bundle', '--platform=node', '--target=node20', `--outfile=${out}`, '--log-level=warning'], {
            cwd: REPO_ROOT,
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 120_000,
        });
    } catch (e) {
        const err = e as Error & {stderr?: Buffer};
        throw new Error(`esbuild could not bundle the test plugin:\n${err.stderr?.toString() ?? err.message}`);
    }
    return out;
}
