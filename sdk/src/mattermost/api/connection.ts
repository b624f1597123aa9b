import {type GoType} from '../../runtime/gob';
import {type RpcCaller} from '../../client';

/** The host's API as net/rpc: sdk/src/runtime/netrpc's RpcClient on the stream dialed to APIMuxId. */
export interface ApiRpc extends RpcCaller {
    close(): void;
}

export class NotActivatedError extends Error {
    constructor(method: string) {
        super(`Mattermost API call ${method} before OnActivate connected the API`);
        this.name = 'NotActivatedError';
    }
}

/**
 * The plugin's API connection: unbound until OnActivate dials the host's API broker id, then every call goes over it.
 * It is the RpcCaller of the generated client (PluginApiClient), so the client can be made before activation.
 */
export class ApiConnection implements RpcCaller {
    private rpc: ApiRpc | null = null;

    get connected(): boolean {
        return this.rpc !== null;
    }

    bind(rpc: ApiRpc): void {
        this.rpc?.close();
        this.rpc = rpc;
    }

    close(): void {
        this.rpc?.close();
        this.rpc = null;
    }

    call(serviceMethod: string, argType: GoType, arg: unknown, replyType: GoType | null): Promise<unknown> {
        const rpc = this.rpc;
        if (!rpc) return Promise.reject(new NotActivatedError(serviceMethod.replace(/^Plugin\./, '')));
        return rpc.call(serviceMethod, argType, arg, replyType);
    }
}
