// The whole plugin side under the real go-plugin client (v1.7.0, as Mattermost pins it): test/yamuxpeer/cmd/pluginhost
// launches the bundled test plugin with Mattermost's handshake and runs its checks; see that file for the list.
import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {buildGoCommand} from '../yamux/testing/go_build';
import {bundleTestPlugin} from './testing/test_plugin';

interface HostReport {
    ok: boolean;
    failures: string[] | null;
    figures: Record<string, number>;
    hostLog: string;
    pluginStdout: string;
}

let hostBin = '';
let pluginJs = '';
beforeAll(() => {
    pluginJs = bundleTestPlugin();
    hostBin = buildGoCommand('pluginhost');
}, 600_000);

it('runs under the real go-plugin host: handshake, Ping, Dispense, calls both ways, logs, graceful Kill', async () => {
    const socketDir = mkdtempSync(path.join(os.tmpdir(), 'gp-'));
    try {
        const {stdout, stderr, code} = await new Promise<{stdout: string; stderr: string; code: number | null}>((resolve) => {
            const child = execFile(
                hostBin,
                ['-node', process.execPath, '-plugin', pluginJs, '-idle', '2s'],
                // TMPDIR: where the plugin creates its socket, so a leftover file would be ours to find.
                {env: {...process.env, TMPDIR: socketDir}, timeout: 60_000, maxBuffer: 64 << 20},
                (err, stdout, stderr) => resolve({stdout, stderr, code: err ? ((err as {code?: number}).code ?? null) : 0}),
            );
            child.stdin?.end();
        });
        let report: HostReport;
        try {
            report = JSON.parse(stdout) as HostReport;
        } catch {
            throw new Error(`pluginhost printed no report (exit ${code}):\n${stdout}\n${stderr}`);
        }
        if (!report.ok) throw new Error(`go-plugin host checks failed:\n- ${(report.failures ?? []).join('\n- ')}\n\nhost log:\n${report.hostLog}`);
        expect(code).toBe(0);
        console.log(`go-plugin host figures: ${JSON.stringify(report.figures)}`);
    } finally {
        rmSync(socketDir, {recursive: true, force: true});
    }
}, 120_000);
