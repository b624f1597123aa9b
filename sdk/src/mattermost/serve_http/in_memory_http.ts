import type http from 'node:http';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {type Readable} from 'node:stream';
import {socketPair} from './socket_pair';

/** Any Node request handler: an express app, a router, or a plain function. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface BridgedRequest {
    method: string;
    /** Path and query, as the handler should see them. */
    url: string;
    headers: Array<[string, string]>;
    /** Streamed into the request; null for none. */
    body: Readable | null;
    remoteAddress: string;
    /** Attached to the request for requestContext(req), e.g. Mattermost's plugin.Context. */
    context?: unknown;
}

const contexts = new WeakMap<object, unknown>();

/** The context given with the exchange that produced this request. */
export function requestContext<T = unknown>(req: IncomingMessage): T | undefined {
    return contexts.get(req.socket) as T | undefined;
}

/** Go accepts request headers up to 1 MB; Node's default of 16 KiB would turn some valid requests into 431s. */
const MAX_HEADER_SIZE = 1 << 20;

/**
 * Runs a Node handler on genuine http.IncomingMessage/ServerResponse objects by speaking HTTP/1.1 to Node's own
 * server over an in-memory socket pair, with Node's own client on the other end. Express needs the real classes;
 * this way request and response bodies stream in both directions with backpressure and nothing is buffered whole,
 * using only public node:http APIs ('connection' injection, createConnection). Each request gets its own connection
 * (Connection: close), which node:http tears down when the exchange is over.
 */
export class InMemoryHttp {
    // node:http loads with the first request, not with the plugin: activation never needs it, and a plugin that serves
    // no HTTP never pays for it.
    private started: Promise<{http: typeof http; server: http.Server}> | undefined;

    constructor(
        private readonly handler: NodeHandler,
        private readonly onHandlerError: (err: unknown) => void,
    ) {}

    private start(): Promise<{http: typeof http; server: http.Server}> {
        this.started ??= import('node:http').then(({default: http}) => {
            const server = http.createServer({maxHeaderSize: MAX_HEADER_SIZE, requestTimeout: 0, requireHostHeader: false}, (req, res) => {
                res.sendDate = false; // Mattermost's own server dates the response
                runHandler(this.handler, req, res, this.onHandlerError);
            });
            return {http, server};
        });
        return this.started;
    }

    /** Sends the request; resolves with the response head once the handler has written it (the body streams on). */
    async exchange(request: BridgedRequest): Promise<IncomingMessage> {
        const {http, server} = await this.start();
        return new Promise((resolve, reject) => {
            const [clientEnd, serverEnd] = socketPair(request.remoteAddress);
            if (request.context !== undefined) contexts.set(serverEnd, request.context);
            server.emit('connection', serverEnd);
            let req: http.ClientRequest;
            try {
                req = http.request({
                    method: request.method,
                    path: request.url,
                    headers: request.headers.flat(),
                    setHost: false,
                    maxHeaderSize: MAX_HEADER_SIZE,
                    createConnection: () => clientEnd,
                });
            } catch (err) {
                clientEnd.destroy();
                reject(err);
                return;
            }
            req.on('response', resolve);
            req.on('error', reject);
            if (request.body) {
                request.body.on('error', (err) => req.destroy(err));
                request.body.pipe(req);
            } else {
                req.end();
            }
        });
    }
}

function runHandler(handler: NodeHandler, req: IncomingMessage, res: ServerResponse, onError: (err: unknown) => void): void {
    const fail = (err: unknown) => {
        onError(err);
        if (!res.headersSent) {
            res.statusCode = 500;
            res.end();
        } else {
            res.destroy();
        }
    };
    try {
        const result = handler(req, res);
        if (result instanceof Promise) result.catch(fail);
    } catch (err) {
        fail(err);
    }
}
