import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {listen} from './listener';

describe('plugin listener', () => {
    let dir = '';
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'lis-'))));
    afterEach(() => rmSync(dir, {recursive: true, force: true}));

    it('listens on a unix socket named like go-plugin’s in PLUGIN_UNIX_SOCKET_DIR and removes it on close', async () => {
        const l = await listen({PLUGIN_UNIX_SOCKET_DIR: dir}, 'linux');
        expect(l.network).toBe('unix');
        expect(path.dirname(l.address)).toBe(dir);
        expect(path.basename(l.address)).toMatch(/^plugin\d+$/);
        await new Promise<void>((resolve, reject) => net.connect(l.address, resolve).on('error', reject).end());
        l.close();
        l.close();
        expect(existsSync(l.address)).toBe(false);
    });

    it('refuses socket paths the kernel would truncate, with advice', async () => {
        await expect(listen({PLUGIN_UNIX_SOCKET_DIR: path.join(dir, 'x'.repeat(120))}, 'linux')).rejects.toThrow(/longer than .*PLUGIN_UNIX_SOCKET_DIR/);
    });

    it('uses TCP on 127.0.0.1 within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT on Windows, skipping busy ports', async () => {
        const busy = net.createServer();
        await new Promise<void>((resolve) => busy.listen({host: '127.0.0.1', port: 0}, resolve));
        const port = (busy.address() as net.AddressInfo).port;
        try {
            const l = await listen({PLUGIN_MIN_PORT: String(port), PLUGIN_MAX_PORT: String(port + 20)}, 'win32');
            expect(l.network).toBe('tcp');
            const [host, p] = l.address.split(':');
            expect(host).toBe('127.0.0.1');
            expect(Number(p)).toBeGreaterThan(port);
            expect(Number(p)).toBeLessThanOrEqual(port + 20);
            l.close();
        } finally {
            busy.close();
        }
    });
});
