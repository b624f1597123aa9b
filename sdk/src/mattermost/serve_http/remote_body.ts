import {Readable, type Duplex} from 'node:stream';

/** How much to ask the host for at a time (the host copies through a 32 KiB buffer). */
const REQUEST_SIZE = 64 * 1024;

/**
 * The request body of a ServeHTTP call, read from the host's body stream (plugin/io_rpc.go serveIOReader): we write
 * a length as Go's binary.PutVarint, the host answers with up to that many bytes and closes the stream once it
 * delivered fewer (EOF or error). The next length is asked for only when Node wants more data, so a slow handler
 * slows the upload down instead of buffering it.
 */
export class RemoteBody extends Readable {
    private outstanding = 0;
    private ended = false;

    constructor(private readonly stream: Duplex) {
        super();
        stream.on('data', (chunk: Buffer) => {
            this.outstanding -= chunk.length;
            if (!this.push(chunk)) stream.pause();
        });
        stream.on('end', () => this.finish());
        stream.on('close', () => this.finish());
        stream.on('error', (err) => this.destroy(err));
    }

    override _read(): void {
        this.stream.resume();
        if (this.outstanding <= 0 && !this.ended) {
            this.outstanding = REQUEST_SIZE;
            this.stream.write(putVarint(REQUEST_SIZE));
        }
    }

    override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
        this.stream.destroy();
        callback(err);
    }

    private finish(): void {
        if (this.ended) return;
        this.ended = true;
        this.push(null);
        // Our half stays open until the host closed its half; closing both ends the yamux stream cleanly.
        this.stream.end();
    }
}

/** Go's binary.PutVarint: zig-zag, then unsigned LEB128. */
export function putVarint(n: number): Buffer {
    let u = n >= 0 ? n * 2 : -n * 2 - 1;
    const bytes: number[] = [];
    while (u >= 0x80) {
        bytes.push((u % 0x80) | 0x80);
        u = Math.floor(u / 0x80);
    }
    bytes.push(u);
    return Buffer.from(bytes);
}

/** Go's binary.ReadVarint over a buffer: the value and its size, or null while incomplete. */
export function readVarint(buf: Buffer): {value: number; size: number} | null {
    let u = 0;
    let scale = 1;
    for (let i = 0; i < buf.length && i < 10; i++) {
        const b = buf[i] as number;
        u += (b & 0x7f) * scale;
        scale *= 128;
        if (b < 0x80) return {value: u % 2 === 0 ? u / 2 : -(u + 1) / 2, size: i + 1};
    }
    return null;
}
