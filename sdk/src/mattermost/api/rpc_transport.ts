import {type Duplex} from 'node:stream';
import {RpcClient} from '../../runtime/netrpc';
import {apiMethods, goStruct, type ApiMethodName, type MethodDef} from '../wire';
import {type ApiTransport, type Returns} from './connection';

/** API calls as net/rpc calls on the stream dialed to the host's APIMuxId. */
export class RpcApiTransport implements ApiTransport {
    private readonly client: RpcClient;

    constructor(stream: Duplex) {
        this.client = new RpcClient(stream);
    }

    call(method: ApiMethodName, args: Record<string, unknown>, dynamic = false): Promise<Returns> {
        const def: MethodDef = apiMethods[method];
        return this.client.call(`Plugin.${method}`, goStruct(def.args), args, dynamic ? null : goStruct(def.returns)) as Promise<Returns>;
    }

    close(): void {
        this.client.close();
    }
}
