import type {IncomingMessage, ServerResponse} from 'node:http';

import {type Logger} from '../ports';

export interface Scrapable {
    readonly contentType: string;
    scrape(): Promise<string>;
}

/**
 * The ServeMetrics hook's handler: GET (or HEAD) of any path under /plugins/<id>/metrics answers the Prometheus text
 * exposition; other methods get 405. A failed scrape is a 500 with no detail (the listener has no authentication).
 */
export function metricsHandler(metrics: Scrapable, log: Pick<Logger, 'error'>): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
    return async (req, res) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
            res.writeHead(405, {Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8'}).end('method not allowed\n');
            return;
        }
        try {
            const body = await metrics.scrape();
            res.writeHead(200, {'Content-Type': metrics.contentType, 'Cache-Control': 'no-store'});
            res.end(req.method === 'HEAD' ? undefined : body);
        } catch (err) {
            log.error('metrics scrape failed', {error: err instanceof Error ? err.message : String(err)});
            res.writeHead(500, {'Content-Type': 'text/plain; charset=utf-8'}).end('metrics unavailable\n');
        }
    };
}
