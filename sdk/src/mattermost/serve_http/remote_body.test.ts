import {createHash} from 'node:crypto';
import {serveIoReader} from '../testing/fake_broker';
import {putVarint, RemoteBody} from './remote_body';
import {socketPair} from './socket_pair';

describe('putVarint', () => {
    it('writes Go binary.PutVarint bytes', () => {
        expect([...putVarint(32768)]).toEqual([0x80, 0x80, 0x04]);
        expect([...putVarint(1)]).toEqual([0x02]);
        expect([...putVarint(-1)]).toEqual([0x01]);
        expect([...putVarint(65536)]).toEqual([0x80, 0x80, 0x08]);
    });
});

describe('RemoteBody', () => {
    it('pulls the whole body from the host, including an exact multiple of the request size', async () => {
        for (const size of [0, 10, 65536, 3 * 65536, 1_000_003]) {
            const body = Buffer.from(Buffer.alloc(size, 0).map((_, i) => i % 251));
            const [pluginEnd, hostEnd] = socketPair();
            const host = serveIoReader(hostEnd, body);
            const reader = new RemoteBody(pluginEnd);
            const hash = createHash('sha256');
            let n = 0;
            for await (const chunk of reader) {
                hash.update(chunk as Buffer);
                n += (chunk as Buffer).length;
            }
            expect(n).toBe(size);
            expect(hash.digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
            await host.closed;
        }
    });

    it('asks for more only as the reader consumes', async () => {
        const body = Buffer.alloc(1 << 20, 1);
        const [pluginEnd, hostEnd] = socketPair();
        const host = serveIoReader(hostEnd, body);
        const reader = new RemoteBody(pluginEnd);
        reader.pause();
        reader.read(0); // start: one request
        await new Promise((r) => setTimeout(r, 20));
        expect(host.requests.length).toBeLessThanOrEqual(2);
        reader.destroy();
        await host.closed;
    });
});
