import {type Duplex} from 'node:stream';
import {t} from '../../runtime/gob';
import {EmptyStruct, RpcClient} from '../../runtime/netrpc';
import {type GoHeader} from './headers';

const headerType = t.map(t.string, t.slice(t.string));

/**
 * The host's http.ResponseWriter over net/rpc (plugin/http.go httpResponseWriterRPCServer) on the stream dialed to
 * ResponseWriterStream. Go's server runs each call in its own goroutine, so callers await each call before the next.
 */
export class ResponseWriterClient {
    private readonly rpc: RpcClient;
    private flushSupported = true;

    constructor(stream: Duplex) {
        this.rpc = new RpcClient(stream);
    }

    /** The host's current headers (Mattermost's server sets some before the plugin runs). */
    async header(): Promise<GoHeader> {
        const h: unknown = await this.rpc.call('Plugin.Header', EmptyStruct, {}, headerType);
        return (h ?? {}) as GoHeader;
    }

    /** Replaces the host's header map with this one. */
    async syncHeader(header: GoHeader): Promise<void> {
        await this.rpc.call('Plugin.SyncHeader', headerType, header, EmptyStruct);
    }

    async writeHeader(status: number): Promise<void> {
        await this.rpc.call('Plugin.WriteHeader', t.int, status, EmptyStruct);
    }

    async write(chunk: Uint8Array): Promise<void> {
        if (chunk.length > 0) await this.rpc.call('Plugin.Write', t.bytes, chunk, EmptyStruct);
    }

    /** Pushes what was written to the client now. Servers before Flush existed answer "can't find method": then a no-op. */
    async flush(): Promise<void> {
        if (!this.flushSupported) return;
        try {
            await this.rpc.call('Plugin.Flush', EmptyStruct, {}, EmptyStruct);
        } catch (err) {
            if (err instanceof Error && err.message.includes("can't find method")) this.flushSupported = false;
            else throw err;
        }
    }

    close(): void {
        this.rpc.close();
    }
}
