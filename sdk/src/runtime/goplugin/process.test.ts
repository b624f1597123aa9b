// The plugin process's own lifecycle, without a Go host: the bundled test plugin run as the host would run it.
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {within} from '../yamux/testing/streams';
import {MATTERMOST_HANDSHAKE} from './handshake';
import {bundleTestPlugin} from './testing/test_plugin';

jest.setTimeout(20_000);

let pluginJs = '';
beforeAll(() => {
    pluginJs = bundleTestPlugin();
}, 120_000);

let dir = '';
const children: ChildProcess[] = [];
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'pp-'))));
afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, {recursive: true, force: true});
});

interface Running {
    child: ChildProcess;
    stdout: () => string;
    stderr: () => string;
    exit: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

function run(env: Record<string, string>): Running {
    const child = spawn(process.execPath, [pluginJs], {env: {PATH: process.env['PATH'] ?? '', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
    children.push(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})));
    return {child, stdout: () => out, stderr: () => err, exit};
}

const cookie = {[MATTERMOST_HANDSHAKE.magicCookieKey]: MATTERMOST_HANDSHAKE.magicCookieValue};

/** Starts the plugin like the host does and returns its socket path from the handshake line. */
async function start(extraEnv: Record<string, string> = {}): Promise<Running & {socket: string}> {
    const r = run({...cookie, PLUGIN_PROTOCOL_VERSIONS: '1', PLUGIN_UNIX_SOCKET_DIR: dir, ...extraEnv});
    const deadline = Date.now() + 10_000;
    while (!r.stdout().includes('\n') && Date.now() < deadline && r.child.exitCode === null) await new Promise((res) => setTimeout(res, 10));
    const line = r.stdout().split('\n')[0] ?? '';
    const m = /^1\|1\|unix\|(.+)\|netrpc\|$/.exec(line);
    if (!m) throw new Error(`no handshake line; stdout=${JSON.stringify(r.stdout())} stderr=${r.stderr()}`);
    return {...r, socket: m[1] as string};
}

const hostLogLines = (stderr: string) =>
    stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);

it('refuses to run by hand: a clear message on stderr, status 1, nothing on stdout', async () => {
    const r = run({});
    expect(await within(r.exit, 10_000, 'plugin exit')).toEqual({code: 1, signal: null});
    expect(r.stderr()).toMatch(/This binary is a plugin.*\n.*\n.*MATTERMOST_PLUGIN/);
    expect(r.stdout()).toBe('');
});

it('prints only the handshake line on stdout, logs hclog JSON on stderr, ignores SIGINT, cleans up on SIGTERM', async () => {
    const r = await start();
    expect(path.dirname(r.socket)).toBe(dir);
    expect(existsSync(r.socket)).toBe(true);
    r.child.kill('SIGINT');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.child.exitCode).toBeNull();
    r.child.kill('SIGTERM');
    await within(r.exit, 5000, 'exit after SIGTERM');
    expect(existsSync(r.socket)).toBe(false);
    expect(r.stdout()).toBe(`1|1|unix|${r.socket}|netrpc|\n`);
    expect(hostLogLines(r.stderr())).toContainEqual(expect.objectContaining({'@level': 'info', '@message': 'test plugin ready', answer: 42}));
});

it('exits with status 1 and removes its socket when no host connects in time', async () => {
    const r = await start({TEST_CONNECT_TIMEOUT_MS: '300'});
    expect((await within(r.exit, 5000, 'exit after the connect timeout')).code).toBe(1);
    expect(existsSync(r.socket)).toBe(false);
    expect(hostLogLines(r.stderr()).some((l) => l['@level'] === 'error' && /no host connected/.test(String(l['@message'])))).toBe(true);
});

it('exits and removes its socket when the host connection drops', async () => {
    const r = await start();
    const conn = net.connect(r.socket);
    await new Promise((res) => conn.once('connect', res));
    await new Promise((res) => setTimeout(res, 100));
    expect(r.child.exitCode).toBeNull();
    conn.destroy();
    expect((await within(r.exit, 5000, 'exit after the host went away')).code).toBe(0);
    expect(existsSync(r.socket)).toBe(false);
});

it('keeps a host connection that arrives before the plugin serves, and serves it then', async () => {
    const r = await start({TEST_SERVE_DELAY_MS: '700'});
    const conn = net.connect(r.socket);
    await new Promise((res) => conn.once('connect', res));
    await new Promise((res) => setTimeout(res, 100));
    // Served only if the waiting connection was handed over: its end then stops the plugin (else: connect timeout).
    conn.destroy();
    expect((await within(r.exit, 5000, 'exit after the host went away')).code).toBe(0);
    expect(existsSync(r.socket)).toBe(false);
});

it('removes its socket and exits on SIGTERM before it serves', async () => {
    const r = await start({TEST_SERVE_DELAY_MS: '5000'});
    r.child.kill('SIGTERM');
    expect((await within(r.exit, 3000, 'exit after SIGTERM')).code).toBe(143);
    expect(existsSync(r.socket)).toBe(false);
});

it('uses the temp dir when PLUGIN_UNIX_SOCKET_DIR is unset, as go-plugin does', async () => {
    const r = await start({PLUGIN_UNIX_SOCKET_DIR: '', TMPDIR: dir});
    expect(path.dirname(r.socket)).toBe(dir);
    r.child.kill('SIGTERM');
    await within(r.exit, 5000, 'exit after SIGTERM');
    expect(existsSync(r.socket)).toBe(false);
});
