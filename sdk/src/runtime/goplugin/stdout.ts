import {type Writable} from 'node:stream';

const MAX_BACKLOG = 1024 * 1024;

type WriteCallback = (err?: Error | null) => void;

/**
 * After the handshake line the host reads stdout only to throw it away (and a line over 64 KiB would block the
 * pipe), so, as go-plugin does for Go plugins, later stdout writes (console.log included) are sent to the host's
 * stdout yamux stream instead, which Mattermost logs with source=plugin_stdout. Before the host connects they are
 * dropped. Returns a function that restores the real stdout.write.
 */
export function redirectStdout(target: () => Writable | null, stdout: NodeJS.WriteStream = process.stdout): () => void {
    const original = stdout.write;
    const write = (chunk: unknown, encodingOrCb?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean => {
        const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
        const out = target();
        // console.log ignores backpressure: drop output rather than buffer without bound when the host lags.
        if (out === null || out.destroyed || out.writableEnded || out.writableLength > MAX_BACKLOG) {
            if (done) process.nextTick(done);
            return true;
        }
        const data = typeof chunk === 'string' ? Buffer.from(chunk, typeof encodingOrCb === 'string' ? encodingOrCb : 'utf8') : (chunk as Uint8Array);
        return out.write(data, done);
    };
    stdout.write = write as typeof stdout.write;
    return () => {
        stdout.write = original;
    };
}
