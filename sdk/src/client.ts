import {Readable} from 'node:stream';
import {type GoType} from './runtime/gob';
import {type MuxBroker} from './runtime/goplugin';
import {apiMethods, apiRpcExtras, type ApiSignatures} from './generated/api';
import type * as m from './generated/model';
import * as W from './generated/wire';
import {serveIoReader, type ByteSource} from './io_rpc';
import {fromJson, toJson} from './json';
import {sdkGoType, type SdkMethodDef, type SdkWire} from './wire';

export {type ByteSource} from './io_rpc';

/** What the client needs of a net/rpc connection: sdk/src/runtime/netrpc's RpcClient is one. */
export interface RpcCaller {
    call(serviceMethod: string, argType: GoType, arg: unknown, replyType: GoType | null): Promise<unknown>;
}

type Methods = typeof apiMethods;
export type ApiMethod = keyof Methods;

/** The API methods whose RPC structs are their Go signature as it is (all but the five client_rpc.go shapes by hand). */
export type DirectApiMethod = {[K in ApiMethod]: Methods[K] extends {direct: true} ? K : never}[ApiMethod];

/** The methods whose io.Reader parameters travel as MuxBroker streams (the generated `streams`). */
export type StreamApiMethod = {[K in ApiMethod]: Methods[K] extends {streams: object} ? K : never}[ApiMethod];

type StreamIndex<M extends StreamApiMethod> = `${keyof Methods[M]['streams'] & number}`;

/** PluginHTTP's request: plugin.HTTPRequestSubset's fields (Go names, as its JSON has them) and a body to send. */
export type PluginHttpRequest = Partial<Omit<m.PluginHTTPRequestSubset, 'Body'>> & {Body?: ByteSource | null};

/** PluginHTTP's response: http.Response's fields as Mattermost sends them, the body as a stream. */
export type PluginHttpResponse = Omit<m.HttpResponse, 'Body'> & {Body: Readable};

/**
 * Each method's parameters and results as the client takes and gives them: Go's (ApiSignatures), with an io.Reader
 * as bytes or a stream, LoadPluginConfiguration's `dest` as its result, and PluginHTTP's request and response with
 * their bodies.
 */
export type ClientSignatures = {[M in DirectApiMethod]: ApiSignatures[M]} & {
    [M in StreamApiMethod]: {
        params: {[I in keyof ApiSignatures[M]['params']]: I extends StreamIndex<M> ? ByteSource : ApiSignatures[M]['params'][I]};
        results: ApiSignatures[M]['results'];
    };
} & {
    /** The plugin's settings as the server's json.Marshal writes them (null when it has none). */
    LoadPluginConfiguration: {params: []; results: [config: unknown]};
    /** A request to another plugin's ServeHTTP (URL "/<plugin id>/…"); null response as Go's nil. */
    PluginHTTP: {params: [request: PluginHttpRequest]; results: [response: PluginHttpResponse | null]};
};

function fieldsOf(type: SdkWire) {
    if (type.kind !== 'struct') throw new Error('an RPC struct must be a struct');
    return type.def.fields;
}

/**
 * Every method of Mattermost's plugin API, typed from the generated table: `call('GetPost', postId)` resolves with
 * Go's results as a tuple of JSON shapes, e.g. `[post, appError]`: errors are results, as in Go, not exceptions (an
 * RPC failure rejects). int64 values beyond 2^53 come back as bigint and may be passed as bigint. The methods
 * client_rpc.go shapes by hand take the MuxBroker for their streams (InstallPlugin, UploadData,
 * ReceiveSharedChannelAttachmentSyncMsg); `callWire` sends a Z_<M>Args value as it is (Go field names, gob values).
 */
export class PluginApiClient {
    constructor(
        private readonly rpc: RpcCaller,
        private readonly broker?: MuxBroker,
    ) {}

    async call<M extends ApiMethod>(method: M, ...params: ClientSignatures[M]['params']): Promise<ClientSignatures[M]['results']> {
        const results =
            method === 'LoadPluginConfiguration'
                ? [await this.loadPluginConfiguration()]
                : method === 'PluginHTTP'
                  ? [await this.pluginHttp(params[0] as PluginHttpRequest)]
                  : await this.callPositional(method, params as unknown[]);
        return results as ClientSignatures[M]['results'];
    }

    /** One "Plugin.<method>" call with its args struct as gob values; resolves with the returns struct's. */
    async callWire(method: ApiMethod, args: Record<string, unknown>): Promise<Record<string, unknown>> {
        const def: SdkMethodDef = apiMethods[method];
        return (await this.rpc.call(`Plugin.${method}`, sdkGoType(def.args), args, sdkGoType(def.returns))) as Record<string, unknown>;
    }

    /** Direct and stream methods: parameter i is field i; a stream parameter's field is the id of its broker stream. */
    private async callPositional(method: ApiMethod, params: unknown[]): Promise<unknown[]> {
        const def: SdkMethodDef = apiMethods[method];
        const fields = fieldsOf(def.args);
        const values: unknown[] = def.variadic ? [...params.slice(0, fields.length - 1), params.slice(fields.length - 1)] : params;
        const args: Record<string, unknown> = {};
        fields.forEach((f, i) => {
            const stream = def.streams?.[i];
            if (stream !== undefined) args[f.go] = this.offerReader(method, values[i] as ByteSource);
            else if (values[i] !== undefined) args[f.go] = fromJson(f.type, values[i]);
        });
        const reply = await this.callWire(method, args);
        return fieldsOf(def.returns).map((f) => toJson(f.type, reply[f.go]));
    }

    /** As Go's apiRPCClient: a broker id the host dials to read `source` (serveIOReader); returns the id. */
    private offerReader(method: string, source: ByteSource): number {
        const broker = this.broker;
        if (!broker) throw new Error(`${method} streams its data over the MuxBroker: construct PluginApiClient with the broker`);
        const id = broker.nextId();
        // Go only logs a failed stream; the call's own reply says whether the host got what it needed.
        broker.accept(id).then(
            (stream) => serveIoReader(source, stream).catch(() => stream.destroy()),
            () => undefined,
        );
        return id;
    }

    /** client_rpc.go LoadPluginConfiguration: the settings come as JSON bytes, unmarshalled on the plugin's side. */
    private async loadPluginConfiguration(): Promise<unknown> {
        const reply = await this.callWire('LoadPluginConfiguration', {});
        const raw = reply['A'];
        if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
        return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
    }

    /** As Go's apiRPCClient.PluginHTTP: the streaming RPC when the server has it (and we have the broker), else the buffered one. */
    private async pluginHttp(request: PluginHttpRequest): Promise<PluginHttpResponse | null> {
        const {Body: body, ...fields} = request;
        const subset = {Method: 'GET', Proto: 'HTTP/1.1', ProtoMajor: 1, ProtoMinor: 1, ...fields};
        if (this.broker) {
            const streamed = await this.pluginHttpStream(this.broker, subset, body ?? null);
            if (streamed !== undefined) return streamed;
        }
        return this.pluginHttpBuffered(subset, body ?? null);
    }

    /**
     * PluginHTTPStream (client_rpc.go pluginHTTPStream): the request body is a reader the host dials, the response
     * body a stream the host dials and writes as it comes. Undefined when the server predates it.
     */
    private async pluginHttpStream(broker: MuxBroker, subset: Record<string, unknown>, body: ByteSource | null): Promise<PluginHttpResponse | undefined> {
        const requestBodyStream = body === null ? 0 : this.offerReader('PluginHTTP', body);
        const responseBodyStream = broker.nextId();
        const responseBody = broker.accept(responseBodyStream);
        responseBody.catch(() => undefined); // unclaimed when the server has no PluginHTTPStream
        const def = apiRpcExtras.PluginHTTPStream;
        let reply: Record<string, unknown>;
        try {
            const args = {ResponseBodyStream: responseBodyStream, Request: fromJson(W.PluginHTTPRequestSubset, subset), RequestBodyStream: requestBodyStream};
            reply = (await this.rpc.call('Plugin.PluginHTTPStream', sdkGoType(def.args), args, sdkGoType(def.returns))) as Record<string, unknown>;
        } catch (err) {
            if (err instanceof Error && err.message === "rpc: can't find method Plugin.PluginHTTPStream") return undefined;
            throw err;
        }
        const stream = await responseBody;
        // The host only writes and then closes; our half closes once the body has been read.
        stream.once('end', () => stream.end());
        const head = toJson(W.HttpResponse, {StatusCode: reply['StatusCode'], Header: reply['Header'], Proto: subset['Proto'], ProtoMajor: subset['ProtoMajor'], ProtoMinor: subset['ProtoMinor']});
        return {...(head as m.HttpResponse), Body: stream};
    }

    /** The buffered PluginHTTP (Z_PluginHTTPArgs: request and whole body in one call), for servers before PluginHTTPStream. */
    private async pluginHttpBuffered(subset: Record<string, unknown>, body: ByteSource | null): Promise<PluginHttpResponse | null> {
        const args: Record<string, unknown> = {Request: fromJson(W.PluginHTTPRequestSubset, subset)};
        if (body !== null) args['RequestBody'] = await readAll(body);
        const reply = await this.callWire('PluginHTTP', args);
        if (reply['Response'] == null) return null;
        const response = toJson(W.HttpResponse, reply['Response']) as m.HttpResponse;
        const bytes = reply['ResponseBody'];
        return {...response, Body: Readable.from(bytes instanceof Uint8Array && bytes.length > 0 ? [Buffer.from(bytes)] : [])};
    }
}

async function readAll(source: ByteSource): Promise<Uint8Array> {
    if (source instanceof Uint8Array) return source;
    const parts: Uint8Array[] = [];
    for await (const chunk of source) parts.push(chunk);
    return Buffer.concat(parts);
}
