import type {IncomingMessage} from 'node:http';
import {type Duplex} from 'node:stream';
import {type MuxBroker} from '../../runtime/goplugin';
import type * as m from '../../generated/model';
import {PluginContext, PluginHTTPRequestSubset} from '../../generated/wire';
import {toJson} from '../../json';
import type {Logger} from '../api/types';
import {contentLength, requestHeaderPairs, responseHeaderMap, type GoHeader} from './headers';
import {InMemoryHttp, type NodeHandler} from './in_memory_http';
import {RemoteBody} from './remote_body';
import {ResponseWriterClient} from './response_writer';

const EMPTY = Object.freeze({});

/**
 * Plugin.ServeHTTP (client_rpc.go hooksRPCServer.ServeHTTP): dials the response-writer and request-body streams the
 * host opened for this request, runs the Node handler on real request/response objects (in_memory_http.ts) and
 * relays the response through the response-writer RPC: headers merged over the host's own, status, body chunks as
 * they come, and a Flush whenever the handler has nothing more buffered. Replies only once the response is fully
 * written: after that the host's writer is gone.
 */
export class ServeHttpBridge {
    private readonly http: InMemoryHttp;

    constructor(
        handler: NodeHandler,
        private readonly log: Logger,
    ) {
        this.http = new InMemoryHttp(handler, (err) => log.error('ServeHTTP handler failed', {error: errorText(err)}));
    }

    async serve(broker: MuxBroker, args: Readonly<Record<string, unknown>>): Promise<object> {
        // HTTPRequestSubset (older servers send a whole *http.Request: the same field names, more of them).
        const request = toJson(PluginHTTPRequestSubset, args.Request ?? {}) as m.PluginHTTPRequestSubset;
        const context = toJson(PluginContext, args.Context ?? {}) as m.PluginContext;
        const header = request.Header ?? {};
        const bodyId = Number(args.RequestBodyStream ?? 0);
        const [writerStream, bodyStream] = await Promise.all([
            broker.dial(Number(args.ResponseWriterStream)),
            bodyId !== 0 ? broker.dial(bodyId) : Promise.resolve(null),
        ]);
        const writer = new ResponseWriterClient(writerStream);
        const hostHeader = writer.header().catch(() => ({}) as GoHeader);
        const body = bodyStream ? new RemoteBody(bodyStream) : null;
        let response: IncomingMessage | null = null;
        try {
            response = await this.http.exchange({
                method: request.Method || 'GET',
                url: requestPath(request.URL ?? ''),
                headers: requestHeaderPairs(header, request.Host),
                body: body && expectsBody(request.Method, header) ? body : null,
                remoteAddress: hostOf(request.RemoteAddr),
                context,
            });
            await relay(response, writer, await hostHeader);
        } catch (err) {
            // The URL may hold credentials: the plugin's logger redacts them (RunPluginOptions.redact).
            this.log.error('ServeHTTP failed', {error: errorText(err), url: request.URL ?? ''});
            response?.destroy();
            if (!response) await writer.writeHeader(500).catch(() => undefined);
        } finally {
            body?.destroy();
            writerStream.end();
            writer.close();
            closeQuietly(bodyStream);
        }
        return EMPTY;
    }
}

async function relay(res: IncomingMessage, writer: ResponseWriterClient, hostHeader: GoHeader): Promise<void> {
    await writer.syncHeader({...hostHeader, ...responseHeaderMap(res.rawHeaders)});
    await writer.writeHeader(res.statusCode ?? 200);
    const idle = () => !res.complete && res.readableLength === 0;
    if (idle()) await writer.flush(); // e.g. flushHeaders() before a slow body: the client sees the head now
    for await (const chunk of res) {
        await writer.write(chunk as Buffer);
        if (idle()) await writer.flush();
    }
}

/**
 * Only requests that declare a body get one forwarded: a Content-Length, or a method that normally carries one
 * (Go drops Transfer-Encoding from the header map, so chunked uploads show up without a length).
 */
function expectsBody(method: string, header: GoHeader): boolean {
    const length = contentLength(header);
    if (length >= 0) return length > 0;
    return !['GET', 'HEAD', 'OPTIONS', 'TRACE', 'DELETE', ''].includes(method.toUpperCase());
}

/** The URL as the handler should see it: path and query (Mattermost already removed /plugins/<id>). */
export function requestPath(url: string): string {
    if (url === '') return '/';
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
        const u = new URL(url);
        return u.pathname + u.search;
    }
    return url.startsWith('/') ? url : `/${url}`;
}

/** "10.0.0.1:51234" or "[::1]:51234" → the address alone. */
export function hostOf(remoteAddr: string): string {
    const m6 = /^\[([^\]]+)\](?::\d+)?$/.exec(remoteAddr);
    if (m6) return m6[1] as string;
    const i = remoteAddr.lastIndexOf(':');
    return i > 0 && remoteAddr.indexOf(':') === i ? remoteAddr.slice(0, i) : remoteAddr;
}

function closeQuietly(stream: Duplex | null): void {
    if (stream && !stream.destroyed) stream.destroy();
}

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
