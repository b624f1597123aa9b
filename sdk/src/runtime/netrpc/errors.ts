/** A net/rpc call failed: the server's error string (as Go's rpc.ServerError), or the connection went away. */
export class RpcError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'RpcError';
    }
}

/** Go's rpc.ErrShutdown text: the client was closed. */
export const ERR_SHUTDOWN = 'connection is shut down';
/** What Go's client reports for calls pending when the server hangs up. */
export const ERR_UNEXPECTED_EOF = 'unexpected EOF';
