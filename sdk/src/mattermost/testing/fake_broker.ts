import {type Duplex} from 'node:stream';
import {type MuxBroker} from '../../runtime/goplugin';
import {readVarint} from '../serve_http/remote_body';
import {socketPair} from '../serve_http/socket_pair';

/**
 * A MuxBroker for tests: dial(id) connects to whatever the "host" side registered for that id with `onDial`,
 * over an in-memory socket pair. Ids nobody registered reject, as a real host's Accept would time out.
 */
export class FakeBroker implements MuxBroker {
    private next = 1;
    private readonly hosts = new Map<number, (hostEnd: Duplex) => void>();
    readonly dialed: number[] = [];

    nextId(): number {
        return this.next++;
    }

    onDial(id: number, host: (hostEnd: Duplex) => void): void {
        this.hosts.set(id, host);
    }

    async dial(id: number): Promise<Duplex> {
        const host = this.hosts.get(id);
        if (!host) throw new Error(`timeout waiting for accept: ${id}`);
        this.dialed.push(id);
        const [pluginEnd, hostEnd] = socketPair();
        host(hostEnd);
        return pluginEnd;
    }

    accept(id: number): Promise<Duplex> {
        return Promise.reject(new Error(`FakeBroker cannot accept ${id}`));
    }
}

/**
 * The host's side of a ServeHTTP request body stream (plugin/io_rpc.go serveIOReader): reads varint length requests
 * and answers each with up to that many bytes of `body`, in pieces of `piece` bytes; closes after a short answer.
 */
export function serveIoReader(stream: Duplex, body: Buffer, piece = 7919): {requests: number[]; closed: Promise<void>} {
    const requests: number[] = [];
    let offset = 0;
    let pending = Buffer.alloc(0);
    const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
    stream.on('error', () => undefined);
    stream.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
            const parsed = readVarint(pending);
            if (!parsed) return;
            pending = pending.subarray(parsed.size);
            requests.push(parsed.value);
            const n = Math.min(parsed.value, body.length - offset);
            for (let i = 0; i < n; i += piece) stream.write(body.subarray(offset + i, offset + Math.min(n, i + piece)));
            offset += n;
            if (n < parsed.value) {
                stream.end();
                return;
            }
        }
    });
    return {requests, closed};
}
