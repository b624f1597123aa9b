import {unlinkSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PluginListener {
    readonly server: net.Server;
    readonly network: 'unix' | 'tcp';
    readonly address: string;
    /** Stops listening and removes the socket file. Synchronous and idempotent, so it is safe in an 'exit' handler. */
    close(): void;
}

type Env = Readonly<Record<string, string | undefined>>;

/** sun_path holds 108 bytes on Linux and 104 on macOS, including the terminating NUL. */
const MAX_SOCKET_PATH = 103;

/**
 * Listens where go-plugin's serverListener would: a unix socket "plugin<random>" in PLUGIN_UNIX_SOCKET_DIR or the temp
 * dir, or on Windows TCP 127.0.0.1 on the first free port in [PLUGIN_MIN_PORT, PLUGIN_MAX_PORT].
 */
export function listen(env: Env, platform: NodeJS.Platform = process.platform): Promise<PluginListener> {
    return platform === 'win32' ? listenTcp(env) : listenUnix(env);
}

async function listenUnix(env: Env): Promise<PluginListener> {
    const dir = env['PLUGIN_UNIX_SOCKET_DIR'] || os.tmpdir();
    let lastErr: unknown;
    for (let attempt = 0; attempt < 10; attempt++) {
        // Not node:crypto: loading it would delay the handshake, and the name needs no secrecy (a taken one is retried).
        const file = path.join(dir, `plugin${1e9 + Math.floor(Math.random() * 9e9)}`);
        if (Buffer.byteLength(file) > MAX_SOCKET_PATH) {
            throw new Error(`unix socket path ${file} is longer than ${MAX_SOCKET_PATH} bytes; set PLUGIN_UNIX_SOCKET_DIR or TMPDIR to a shorter directory`);
        }
        const server = net.createServer();
        try {
            await bind(server, file);
        } catch (e) {
            lastErr = e;
            if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
            throw new Error(`cannot listen on unix socket ${file}: ${(e as Error).message}`);
        }
        let closed = false;
        return {
            server,
            network: 'unix',
            address: file,
            close() {
                if (closed) return;
                closed = true;
                server.close();
                try {
                    unlinkSync(file);
                } catch {
                    // already gone (libuv unlinks it when the server closes)
                }
            },
        };
    }
    throw new Error(`cannot find a free unix socket name in ${dir}: ${(lastErr as Error).message}`);
}

async function listenTcp(env: Env): Promise<PluginListener> {
    const min = Number.parseInt(env['PLUGIN_MIN_PORT'] || '0', 10);
    const max = Number.parseInt(env['PLUGIN_MAX_PORT'] || '0', 10);
    if (!(min >= 0 && max >= min && max <= 65535)) throw new Error(`bad PLUGIN_MIN_PORT/PLUGIN_MAX_PORT: ${min}..${max}`);
    for (let port = min; port <= max; port++) {
        const server = net.createServer();
        try {
            await bind(server, {host: '127.0.0.1', port});
        } catch {
            continue;
        }
        const bound = (server.address() as net.AddressInfo).port;
        let closed = false;
        return {
            server,
            network: 'tcp',
            address: `127.0.0.1:${bound}`,
            close() {
                if (closed) return;
                closed = true;
                server.close();
            },
        };
    }
    throw new Error(`couldn't bind plugin TCP listener on 127.0.0.1 ports ${min}..${max}`);
}

function bind(server: net.Server, where: string | net.ListenOptions): Promise<void> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        const done = () => {
            server.off('error', reject);
            resolve();
        };
        if (typeof where === 'string') server.listen(where, done);
        else server.listen(where, done);
    });
}
