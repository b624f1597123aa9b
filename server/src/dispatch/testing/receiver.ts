import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {performance} from 'node:perf_hooks';

import {selfSignedCert, selfSignedKey} from './self_signed';

export interface ReceivedRequest {
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
    /** performance.now() when the request's headers arrived. */
    arrivedAt: number;
}

export type ReceiverHandler = (req: ReceivedRequest, res: http.ServerResponse, index: number) => void;

/**
 * A real HTTP(S) server on 127.0.0.1 for tests and benchmarks: records every request and answers through a
 * handler that can be swapped between steps. Close it in afterEach/afterAll.
 */
export class TestReceiver {
    readonly requests: ReceivedRequest[] = [];
    handler: ReceiverHandler = (_req, res) => res.end();
    private server: http.Server | https.Server | undefined;

    static async start(options: {tls?: boolean; handler?: ReceiverHandler} = {}): Promise<TestReceiver> {
        const r = new TestReceiver();
        if (options.handler) r.handler = options.handler;
        await r.listen(options.tls ?? false);
        return r;
    }

    get url(): string {
        const {port} = this.server!.address() as AddressInfo;
        return `${this.server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`;
    }

    get port(): number {
        return (this.server!.address() as AddressInfo).port;
    }

    /** Resolves when `count` requests have arrived (or rejects after `timeoutMs`). */
    async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
        const until = Date.now() + timeoutMs;
        while (this.requests.length < count) {
            if (Date.now() > until) throw new Error(`expected ${count} requests, got ${this.requests.length}`);
            await new Promise((r) => setTimeout(r, 5));
        }
        return this.requests;
    }

    async close(): Promise<void> {
        const server = this.server;
        if (!server) return;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    private async listen(tls: boolean): Promise<void> {
        const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
            const arrivedAt = performance.now();
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => {
                const received = {method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), arrivedAt};
                const index = this.requests.push(received) - 1;
                this.handler(received, res, index);
            });
        };
        this.server = tls ? https.createServer({cert: selfSignedCert, key: selfSignedKey}, onRequest) : http.createServer(onRequest);
        this.server.keepAliveTimeout = 60_000;
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    }
}

/** Answers with a status, optional JSON body and headers. */
export function reply(status: number, body?: unknown, headers: Record<string, string> = {}): ReceiverHandler {
    return (_req, res) => {
        const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, {...(body !== undefined && typeof body !== 'string' && {'content-type': 'application/json'}), ...headers});
        res.end(text);
    };
}
