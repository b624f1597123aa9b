import {type Duplex} from 'node:stream';
import {t} from '../../runtime/gob';
import {EmptyStruct, RpcServer} from '../../runtime/netrpc';

export type WriterCall = ['Header'] | ['SyncHeader', Record<string, string[]>] | ['WriteHeader', number] | ['Write', Buffer] | ['Flush'];

/**
 * The host's httpResponseWriterRPCServer (plugin/http.go) for tests: records every call in order and keeps the
 * response as Go's writer would (headers replaced by SyncHeader, status, body).
 */
export class FakeResponseWriter {
    readonly calls: WriterCall[] = [];
    header: Record<string, string[]>;
    status = 0;
    body = Buffer.alloc(0);
    readonly closed: Promise<void>;
    private closeStream!: () => void;

    constructor(initialHeader: Record<string, string[]> = {}, opts: {withFlush?: boolean} = {}) {
        this.header = initialHeader;
        this.closed = new Promise((resolve) => (this.closeStream = resolve));
        const rpc = new RpcServer();
        const headerType = t.map(t.string, t.slice(t.string));
        rpc.register('Plugin.Header', EmptyStruct, headerType, () => {
            this.calls.push(['Header']);
            return this.header;
        });
        rpc.register('Plugin.SyncHeader', headerType, EmptyStruct, (h: Record<string, string[]>) => {
            this.calls.push(['SyncHeader', h]);
            this.header = {...h};
            return {};
        });
        rpc.register('Plugin.WriteHeader', t.int, EmptyStruct, (code: number) => {
            this.calls.push(['WriteHeader', code]);
            if (code < 100 || code > 999) throw new Error('invalid http status code');
            if (this.status === 0) this.status = code;
            return {};
        });
        rpc.register('Plugin.Write', t.bytes, EmptyStruct, (b: Uint8Array) => {
            this.calls.push(['Write', Buffer.from(b)]);
            if (this.status === 0) this.status = 200;
            this.body = Buffer.concat([this.body, b]);
            return {};
        });
        if (opts.withFlush !== false) {
            rpc.register('Plugin.Flush', EmptyStruct, EmptyStruct, () => {
                this.calls.push(['Flush']);
                return {};
            });
        }
        this.rpc = rpc;
    }

    private readonly rpc: RpcServer;

    serve(stream: Duplex): void {
        stream.on('close', () => this.closeStream());
        stream.on('error', () => undefined);
        this.rpc.serveConn(stream);
    }

    names(): string[] {
        return this.calls.map((c) => c[0]);
    }
}
