import {createHash} from 'node:crypto';
import {RemoteBody} from './mattermost/serve_http/remote_body';
import {socketPair} from './mattermost/serve_http/socket_pair';
import {serveIoReader} from './io_rpc';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function* pieces(b: Buffer, size: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

// The reading side is the ServeHTTP bridge's RemoteBody, which speaks Go's remoteIOReader protocol (io_rpc.go);
// the host run (sdk/test/host.test.ts) checks serveIoReader against Mattermost's own reader.
describe('serveIoReader', () => {
    it.each([0, 10, 65536, 3 * 65536, 1_000_003])('serves %i bytes exactly, from bytes and from a stream of odd pieces, and ends cleanly', async (size) => {
        const body = Buffer.from(Buffer.alloc(size, 0).map((_, i) => (i * 7) % 251));
        for (const source of [body, pieces(body, 7919)]) {
            const [pluginEnd, hostEnd] = socketPair();
            const served = serveIoReader(source, pluginEnd);
            const parts: Buffer[] = [];
            for await (const chunk of new RemoteBody(hostEnd)) parts.push(chunk as Buffer);
            await served;
            expect(sha(Buffer.concat(parts))).toBe(sha(body));
            expect(pluginEnd.writableEnded).toBe(true); // an end, not a reset: Go's reader sees EOF
        }
    });

    it('stops reading the source when the host hangs up early', async () => {
        let pulled = 0;
        let finished = false;
        async function* endless(): AsyncGenerator<Uint8Array> {
            try {
                for (;;) {
                    pulled++;
                    yield Buffer.alloc(1024, 1);
                }
            } finally {
                finished = true;
            }
        }
        const [pluginEnd, hostEnd] = socketPair();
        const served = serveIoReader(endless(), pluginEnd);
        const reader = new RemoteBody(hostEnd);
        for await (const chunk of reader) {
            expect((chunk as Buffer).length).toBeGreaterThan(0);
            break; // destroys the reader, which closes the stream
        }
        await served;
        expect(finished).toBe(true);
        expect(pulled).toBeLessThan(200); // one 64 KiB request, not the endless source
    });
});
