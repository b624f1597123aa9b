import {Readable, type Duplex} from 'node:stream';
import {readVarint, RemoteBody} from './mattermost/serve_http/remote_body';

/** What an io.Reader parameter takes: bytes, or any stream of them (a Readable, an async generator). */
export type ByteSource = Uint8Array | AsyncIterable<Uint8Array>;

/** A reader the host serves (plugin/io_rpc.go serveIOReader), read on demand: ServeHTTP's body reader, reused. */
export {RemoteBody as RemoteReader};

/**
 * The plugin's side of plugin/io_rpc.go serveIOReader, for an io.Reader the plugin passes to the host (InstallPlugin,
 * UploadData…): the host's remoteIOReader writes each wanted length as a Go varint and reads; we answer with up to
 * that many bytes of `source` and close after a short answer (the source ended), as Go's loop does. Resolves when
 * the stream is done or the host hung up; the source is read only as fast as the host asks, and closed early then.
 */
export async function serveIoReader(source: ByteSource, stream: Duplex): Promise<void> {
    const chunks = (source instanceof Uint8Array ? Readable.from([source]) : source)[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    let held: Uint8Array = new Uint8Array(0);
    let sourceDone = false;
    const take = async (n: number): Promise<Buffer> => {
        const parts: Uint8Array[] = [];
        let have = 0;
        while (have < n) {
            if (held.length === 0) {
                if (sourceDone) break;
                const next = await chunks.next();
                if (next.done === true) {
                    sourceDone = true;
                    break;
                }
                held = next.value;
            }
            const part = held.subarray(0, n - have);
            held = held.subarray(part.length);
            parts.push(part);
            have += part.length;
        }
        return Buffer.concat(parts);
    };
    // false once the host has gone: Go's loop stops there too, quietly.
    const write = (b: Buffer) => new Promise<boolean>((resolve) => (stream.destroyed ? resolve(false) : stream.write(b, (err) => resolve(!err))));
    // Not `for await`: leaving that loop destroys the stream, and the host would read a reset instead of our EOF.
    const iterator = stream.iterator({destroyOnReturn: false}) as AsyncIterator<Buffer>;
    let pending = Buffer.alloc(0);
    try {
        for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
            pending = Buffer.concat([pending, next.value]);
            for (let parsed = readVarint(pending); parsed !== null; parsed = readVarint(pending)) {
                pending = pending.subarray(parsed.size);
                const data = await take(parsed.value);
                if (data.length > 0 && !(await write(data))) return;
                if (data.length < parsed.value) {
                    stream.end();
                    return;
                }
            }
        }
    } finally {
        if (!sourceDone) await chunks.return?.();
    }
}
