import {type Duplex} from 'node:stream';
import {GobDecoder, GobEncoder, GobError, NEED_MORE, type GoType} from '../gob';
import {EmptyStruct, RequestHeader, ResponseHeader, type RequestValue} from './messages';

// Handlers take whatever their argType decodes to; `any` lets them declare it (e.g. `(name: string) => ...`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RpcHandler = (arg: any) => unknown;

interface Method {
    readonly argType: GoType;
    readonly replyType: GoType;
    readonly handler: RpcHandler;
}

/** A request whose header has arrived: its method (or the error Go's server would answer) and sequence number. */
interface Pending {
    readonly header: RequestValue;
    readonly method: Method | undefined;
    readonly error: string;
}

/**
 * A Go net/rpc server over gob (server.go's ServeCodec): each call runs as soon as its body has arrived, calls run
 * concurrently and each reply (header and body in one write) goes out when its handler finishes. A handler that
 * throws or rejects replies with Error = its message and an empty struct body, as Go does for a returned error.
 */
export class RpcServer {
    private readonly methods = new Map<string, Method>();
    private readonly services = new Set<string>();

    register(serviceMethod: string, argType: GoType, replyType: GoType, handler: RpcHandler): void {
        const dot = serviceMethod.lastIndexOf('.');
        if (dot <= 0 || dot === serviceMethod.length - 1) throw new Error(`rpc: bad method name "${serviceMethod}"`);
        if (this.methods.has(serviceMethod)) throw new Error(`rpc: method already registered: ${serviceMethod}`);
        this.methods.set(serviceMethod, {argType, replyType, handler});
        this.services.add(serviceMethod.slice(0, dot));
    }

    /** Serves calls arriving on the stream until it ends, then ends it once every reply has been written. */
    serveConn(stream: Duplex): void {
        new ServerConn(this, stream);
    }

    /** The method for a request, or Go's exact error text for it. */
    lookup(serviceMethod: string): Method | string {
        const dot = serviceMethod.lastIndexOf('.');
        if (dot < 0) return `rpc: service/method request ill-formed: ${serviceMethod}`;
        const method = this.methods.get(serviceMethod);
        if (method) return method;
        return this.services.has(serviceMethod.slice(0, dot))
            ? `rpc: can't find method ${serviceMethod}`
            : `rpc: can't find service ${serviceMethod}`;
    }
}

class ServerConn {
    private readonly dec = new GobDecoder();
    private readonly enc: GobEncoder;
    private pending: Pending | null = null;
    private inflight = 0;
    private reading = true;

    constructor(
        private readonly server: RpcServer,
        private readonly stream: Duplex,
    ) {
        this.enc = new GobEncoder((chunk) => {
            if (!stream.destroyed && stream.writable) stream.write(chunk);
        });
        stream.on('data', (chunk: Uint8Array) => {
            if (!this.reading) return;
            this.dec.push(chunk);
            this.pump();
        });
        stream.on('end', () => this.stopReading());
        // Errors end the connection; without a listener they would crash the process.
        stream.on('error', () => this.stopReading());
    }

    private pump(): void {
        while (this.reading) {
            if (!this.pending) {
                let header: unknown;
                try {
                    header = this.dec.next(RequestHeader);
                } catch {
                    // Go: "rpc: server cannot decode request" ends the connection.
                    this.stopReading();
                    return;
                }
                if (header === NEED_MORE) return;
                const h = header as RequestValue;
                const found = this.server.lookup(h.ServiceMethod);
                this.pending = typeof found === 'string' ? {header: h, method: undefined, error: found} : {header: h, method: found, error: ''};
            }
            const p = this.pending;
            if (!p.method) {
                try {
                    if (!this.dec.skip()) return;
                } catch {
                    this.stopReading();
                    return;
                }
                this.pending = null;
                this.reply(p.header, EmptyStruct, {}, p.error);
                continue;
            }
            let arg: unknown;
            try {
                arg = this.dec.next(p.method.argType);
            } catch (e) {
                // The body did not fit the argument type: reply with the error and read on, as Go does.
                this.pending = null;
                this.reply(p.header, EmptyStruct, {}, (e as Error).message);
                continue;
            }
            if (arg === NEED_MORE) return;
            this.pending = null;
            this.call(p.header, p.method, arg);
        }
    }

    private call(header: RequestValue, method: Method, arg: unknown): void {
        this.inflight++;
        const done = (reply: unknown, error: string) => {
            this.inflight--;
            this.reply(header, method.replyType, reply, error);
            this.maybeEnd();
        };
        let result: unknown;
        try {
            result = method.handler(arg);
        } catch (e) {
            done(undefined, messageOf(e));
            return;
        }
        if (result instanceof Promise) result.then((r) => done(r, ''), (e: unknown) => done(undefined, messageOf(e)));
        else done(result, '');
    }

    private reply(header: RequestValue, replyType: GoType, reply: unknown, error: string): void {
        const head = {ServiceMethod: header.ServiceMethod, Seq: header.Seq, Error: error};
        try {
            if (error !== '') this.enc.encodeMany([[ResponseHeader, head], [EmptyStruct, {}]]);
            else this.enc.encodeMany([[ResponseHeader, head], [replyType, reply]]);
        } catch (e) {
            // The reply did not fit its type; nothing was written, so the caller still gets an answer.
            if (error !== '' || !(e instanceof GobError)) throw e;
            this.enc.encodeMany([[ResponseHeader, {...head, Error: e.message}], [EmptyStruct, {}]]);
        }
    }

    private stopReading(): void {
        this.reading = false;
        this.maybeEnd();
    }

    /** Like Go's ServeCodec: once reading has stopped, close after the last in-flight reply. */
    private maybeEnd(): void {
        if (this.reading || this.inflight > 0) return;
        if (!this.stream.destroyed && this.stream.writable) this.stream.end();
    }
}

function messageOf(e: unknown): string {
    const msg = e instanceof Error ? e.message : String(e);
    // An empty Error would read as success on the Go side.
    return msg === '' ? 'error' : msg;
}
