export type YamuxErrorCode =
    | 'ERR_YAMUX_SESSION_CLOSED'
    | 'ERR_YAMUX_REMOTE_GOAWAY'
    | 'ERR_YAMUX_STREAMS_EXHAUSTED'
    | 'ERR_YAMUX_PROTOCOL'
    | 'ERR_YAMUX_KEEPALIVE_TIMEOUT'
    | 'ERR_YAMUX_WINDOW_EXCEEDED'
    | 'ECONNRESET';

export class YamuxError extends Error {
    constructor(
        readonly code: YamuxErrorCode,
        message: string,
    ) {
        super(message);
        this.name = 'YamuxError';
    }
}
