import {apiMethods, type ApiMethodName} from '../wire/methods';

/** Go's Z_<M>Returns as decoded: result fields A, B, … (absent when zero). */
export type Returns = Readonly<Record<string, unknown>>;

/**
 * Sends one API call ("Plugin.<method>") with its Z_<M>Args value and resolves with the decoded Z_<M>Returns: by the
 * declared type, or with `dynamic` by the host's own type definitions (see MethodDef.dynamicReply).
 */
export interface ApiTransport {
    call(method: ApiMethodName, args: Record<string, unknown>, dynamic?: boolean): Promise<Returns>;
    close(): void;
}

export class NotActivatedError extends Error {
    constructor(method: string) {
        super(`Mattermost API call ${method} before OnActivate connected the API`);
        this.name = 'NotActivatedError';
    }
}

const LETTERS = 'ABCDEFGHIJ';

/**
 * The plugin's API connection: unbound until OnActivate dials the host's API broker id, then every call goes over it.
 * Arguments are positional gob values, sent as the generated struct's fields A, B, C….
 */
export class ApiConnection {
    private transport: ApiTransport | null = null;

    get connected(): boolean {
        return this.transport !== null;
    }

    bind(transport: ApiTransport): void {
        this.transport?.close();
        this.transport = transport;
    }

    close(): void {
        this.transport?.close();
        this.transport = null;
    }

    call(method: ApiMethodName, ...args: unknown[]): Promise<Returns> {
        return this.send(method, args, false);
    }

    /** As call, with the reply decoded whole by the host's type definitions (MethodDef.dynamicReply). */
    callDynamic(method: ApiMethodName, ...args: unknown[]): Promise<Returns> {
        return this.send(method, args, true);
    }

    private send(method: ApiMethodName, args: unknown[], dynamic: boolean): Promise<Returns> {
        const transport = this.transport;
        if (!transport) return Promise.reject(new NotActivatedError(method));
        const def = apiMethods[method].args;
        const struct: Record<string, unknown> = {};
        args.forEach((arg, i) => {
            if (arg !== undefined && i < def.fields.length) struct[LETTERS[i] as string] = arg;
        });
        return transport.call(method, struct, dynamic);
    }
}
