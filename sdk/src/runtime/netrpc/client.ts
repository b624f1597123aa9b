import {type Duplex} from 'node:stream';
import {GobDecoder, GobEncoder, GobError, NEED_MORE, type GoType} from '../gob';
import {ERR_SHUTDOWN, ERR_UNEXPECTED_EOF, RpcError} from './errors';
import {RequestHeader, ResponseHeader, type ResponseValue} from './messages';

interface Call {
    /** null: decode the reply by its wire definition alone (GobDecoder.nextDynamic). */
    readonly replyType: GoType | null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly resolve: (reply: any) => void;
    readonly reject: (err: Error) => void;
}

/**
 * A Go net/rpc client over gob (client.go): calls are numbered from 0 and may be outstanding together; replies are
 * matched by sequence number in whatever order they come. Each request (header and argument) is one write.
 */
export class RpcClient {
    private readonly dec = new GobDecoder();
    private readonly enc: GobEncoder;
    private readonly calls = new Map<number, Call>();
    private seq = 0;
    private header: ResponseValue | null = null;
    /** Set once the client can make no more calls: the reason every later call fails with. */
    private shutdown: string | null = null;

    constructor(private readonly stream: Duplex) {
        this.enc = new GobEncoder((chunk) => {
            stream.write(chunk);
        });
        stream.on('data', (chunk: Uint8Array) => {
            if (this.shutdown !== null) return;
            this.dec.push(chunk);
            this.pump();
        });
        stream.on('end', () => this.terminate(ERR_UNEXPECTED_EOF));
        stream.on('close', () => this.terminate(ERR_UNEXPECTED_EOF));
        stream.on('error', (err: Error) => this.terminate(err.message || ERR_UNEXPECTED_EOF));
    }

    /**
     * Calls `serviceMethod` ('Plugin.KVGet') with `arg` encoded as `argType`; resolves with the reply decoded as
     * `replyType` (null: decoded by its wire definition alone, e.g. Mattermost's whole *model.Config).
     * Rejects with RpcError carrying the server's error string (e.g. "rpc: can't find method X"), or
     * with a GobError when the argument does not fit its type or the reply does not fit `replyType`.
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    call(serviceMethod: string, argType: GoType, arg: unknown, replyType: GoType | null): Promise<any> {
        if (this.shutdown !== null) return Promise.reject(new RpcError(this.shutdown));
        const seq = this.seq++;
        return new Promise((resolve, reject) => {
            this.calls.set(seq, {replyType, resolve, reject});
            try {
                this.enc.encodeMany([[RequestHeader, {ServiceMethod: serviceMethod, Seq: seq}], [argType, arg]]);
            } catch (e) {
                this.calls.delete(seq);
                reject(e as Error);
            }
        });
    }

    /** Stops the client: pending and later calls fail with "connection is shut down"; the stream is ended. */
    close(): void {
        if (this.shutdown !== null) return;
        this.terminate(ERR_SHUTDOWN);
    }

    private pump(): void {
        try {
            for (;;) {
                if (!this.header) {
                    const h = this.dec.next(ResponseHeader);
                    if (h === NEED_MORE) return;
                    this.header = h as ResponseValue;
                }
                const h = this.header;
                const seq = Number(h.Seq);
                const call = this.calls.get(seq);
                if (!call || h.Error !== '') {
                    // No one to give it to, or an error reply: its (empty struct) body is read and dropped.
                    if (!this.dec.skip()) return;
                    this.header = null;
                    if (call) {
                        this.calls.delete(seq);
                        call.reject(new RpcError(h.Error));
                    }
                    continue;
                }
                let reply: unknown;
                try {
                    if (call.replyType) {
                        reply = this.dec.next(call.replyType);
                    } else {
                        const dyn = this.dec.nextDynamic();
                        reply = dyn === NEED_MORE ? NEED_MORE : dyn.value;
                    }
                } catch (e) {
                    // Go's client gives up on the whole connection here; the decoder has dropped the bad message, so only this call fails.
                    this.header = null;
                    this.calls.delete(seq);
                    call.reject(new GobError(`reading body ${(e as Error).message}`));
                    continue;
                }
                if (reply === NEED_MORE) return;
                this.header = null;
                this.calls.delete(seq);
                call.resolve(reply);
            }
        } catch (e) {
            // A response header (or an error body) that cannot be read: the stream is unusable.
            this.terminate(e instanceof Error ? e.message : String(e));
        }
    }

    private terminate(reason: string): void {
        if (this.shutdown !== null) return;
        this.shutdown = reason;
        const calls = [...this.calls.values()];
        this.calls.clear();
        for (const call of calls) call.reject(new RpcError(reason));
        if (!this.stream.destroyed && this.stream.writable) this.stream.end();
    }
}
