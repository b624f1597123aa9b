// Interop with the real hashicorp/yamux (v0.1.2, as Mattermost pins it) through test/yamuxpeer, in both roles.
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {YamuxSession} from './session';
import {type YamuxStream} from './stream';
import {buildGoCommand} from './testing/go_build';
import {once, pattern, readAll, within} from './testing/streams';

jest.setTimeout(30_000);

let peerBin = '';
beforeAll(() => {
    peerBin = buildGoCommand('yamuxpeer');
}, 600_000);

const MiB = 1 << 20;

interface Peer {
    session: YamuxSession;
    stderr: () => string;
    exit: Promise<number | null>;
    /** Opens a stream, sends `line\n` and `payload`, half-closes, returns everything the Go side sent back. */
    command(line: string, payload?: Buffer): Promise<Buffer>;
    stop(): void;
}

/** Starts test/yamuxpeer dialing a socket we listen on, and runs our side of the session over that connection. */
async function startPeer(goRole: string, tsIsServer: boolean, goArgs: string[], keepAlive: {keepAliveMs: number; keepAliveTimeoutMs: number}): Promise<Peer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yamux-'));
    const sock = path.join(dir, 's');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const connected = once<net.Socket>(server, 'connection', 10_000);
    const peer = spawn(peerBin, ['-role', goRole, '-dial', sock, ...goArgs], {stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    peer.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = new Promise<number | null>((resolve) => peer.on('exit', (code) => resolve(code)));
    const session = new YamuxSession(await connected, {isServer: tsIsServer, ...keepAlive});
    let closeReason = '';
    session.on('close', (err?: Error) => (closeReason = err ? err.message : 'closed without error'));
    // Streams the Go side opens: echo them.
    session.on('stream', (s: YamuxStream) => s.pipe(s));
    return {
        session,
        stderr: () => stderr,
        exit,
        async command(line, payload) {
            if (session.isClosed) throw new Error(`the yamux session is closed (${closeReason}); yamuxpeer stderr:\n${stderr}`);
            const s = await session.open();
            const reply = readAll(s, 20_000);
            s.write(`${line}\n`);
            s.end(payload);
            return reply;
        },
        stop() {
            session.close();
            server.close();
            if (peer.exitCode === null) peer.kill('SIGKILL');
            rmSync(dir, {recursive: true, force: true});
        },
    };
}

describe.each([
    {goRole: 'client', tsIsServer: true},
    {goRole: 'server', tsIsServer: false},
])('against hashicorp/yamux as $goRole', ({goRole, tsIsServer}) => {
    let peer: Peer;
    let session: YamuxSession;
    const command = (line: string, payload?: Buffer) => peer.command(line, payload);

    beforeAll(async () => {
        // Keepalive pings flow both ways all through the heavy tests below (timeouts as in production: 10 s).
        peer = await startPeer(goRole, tsIsServer, ['-keepalive', '100ms'], {keepAliveMs: 100, keepAliveTimeoutMs: 10_000});
        session = peer.session;
    });

    afterAll(() => peer?.stop());

    it('uses its own id parity, as the Go side sees it', async () => {
        const ids = await Promise.all([command('id'), command('id')]);
        const [a, b] = ids.map((b) => Number(b.toString()));
        expect(((a as number) % 2 === 0) === tsIsServer).toBe(true);
        expect(Math.abs((b as number) - (a as number))).toBe(2);
    });

    it('echoes 1 MiB through a stream it opened (half-close, windows both ways)', async () => {
        const data = pattern(MiB, 5);
        expect((await command('echo', data)).equals(data)).toBe(true);
    });

    it('runs 8 concurrent 1 MiB echoes on streams it opened', async () => {
        const replies = await Promise.all(Array.from({length: 8}, (_, i) => command('echo', pattern(MiB, 100 + i))));
        replies.forEach((r, i) => expect(r.equals(pattern(MiB, 100 + i))).toBe(true));
    });

    it('serves 8 concurrent 1 MiB echoes on streams the Go side opens', async () => {
        expect((await command('open 8 1048576')).toString().trim()).toBe('ok');
    });

    it('receives 4 MiB the Go side sends after our half-close', async () => {
        expect((await command('send 4194304 7')).equals(pattern(4 * MiB, 7))).toBe(true);
    });

    it('sends 4 MiB that the Go side counts and hashes', async () => {
        const data = pattern(4 * MiB, 11);
        const want = `${data.length} ${createHash('sha256').update(data).digest('hex')}`;
        expect((await command('sink', data)).toString().trim()).toBe(want);
    });

    it("answers Go's pings, and Go answers ours", async () => {
        expect((await command('ping')).toString()).toMatch(/^ok \d+/);
        expect(await session.ping(2000)).toBeGreaterThanOrEqual(0);
    });

    it('resets a stream it destroys: the Go reader sees "connection reset"', async () => {
        const s = await session.open();
        s.write('reset\nsome data');
        await new Promise((r) => setTimeout(r, 50));
        s.destroy();
        const deadline = Date.now() + 5000;
        while (!/reset stream ended with: connection reset/.test(peer.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(peer.stderr()).toMatch(/reset stream ended with: connection reset/);
        expect((await command('ping')).toString()).toMatch(/^ok/);
    });

    it('stops opening streams after a GoAway from the Go side', async () => {
        const goaway = once(session, 'goaway');
        expect((await command('goaway')).toString().trim()).toBe('ok');
        await goaway;
        await expect(session.open()).rejects.toMatchObject({code: 'ERR_YAMUX_REMOTE_GOAWAY'});
    });

    it('closing the session ends the Go side cleanly', async () => {
        session.close();
        expect(await within(peer.exit, 5000, 'yamuxpeer exit after our close')).toBe(0);
        expect(peer.stderr()).not.toMatch(/\[ERR\]/);
    });
});

describe.each([
    {goRole: 'client', tsIsServer: true},
    {goRole: 'server', tsIsServer: false},
])('keepalive with hashicorp/yamux as $goRole', ({goRole, tsIsServer}) => {
    it("an idle session survives both sides' keepalive pings", async () => {
        // Go pings every 50 ms, and so do we: ~30 round trips each way while idle. The timeouts are generous (5 s) so
        // a loaded machine cannot fail the test; how fast an unanswered ping ends a session is pinned, on a fake
        // clock, in session.test.ts.
        const peer = await startPeer(goRole, tsIsServer, ['-keepalive', '50ms', '-write-timeout', '5s'], {keepAliveMs: 50, keepAliveTimeoutMs: 5000});
        try {
            await new Promise((r) => setTimeout(r, 1500));
            expect(await peer.session.ping()).toBeLessThan(5000);
            expect(peer.session.isClosed).toBe(false);
            expect(peer.stderr()).not.toMatch(/keepalive|session ended/);
            expect((await peer.command('ping')).toString()).toMatch(/^ok/);
        } finally {
            peer.stop();
        }
    });
});
