import {type NodeHandler} from './in_memory_http';

/**
 * A handler made on first use: the first request waits for `make` (say, an `await import()` of an express app),
 * later requests do not. Keeps what only HTTP needs out of activation. A failed `make` answers that request with a
 * 500 and is retried by the next.
 */
export function lazyHandler(make: () => Promise<NodeHandler>): NodeHandler {
    let made: Promise<NodeHandler> | null = null;
    return async (req, res) => {
        made ??= make().catch((err: unknown) => {
            made = null;
            throw err;
        });
        return (await made)(req, res);
    };
}
