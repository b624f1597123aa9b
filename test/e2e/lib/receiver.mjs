// A webhook receiver for the end-to-end scenarios: an HTTP server on a loopback address and a free port, which
// records every request byte for byte (method, path, headers, raw body, arrival time) and answers with whatever the
// scenario's responder says. Each scenario starts its own and closes it in `finally`; nothing outlives the run
// (the server is in this process).
import {createServer} from 'node:http';
import {setTimeout as sleep} from 'node:timers/promises';

/** A JSON answer for a responder. */
export const json = (value, status = 200, headers = {}) => ({status, headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(value)});

/**
 * Starts a receiver on `host` (127.0.0.1 unless told; any 127/8 address works on Linux). Returns
 * {url, host, port, requests, respond(fn), waitFor(filter, count, timeoutMs, what), close()}. A responder gets the
 * recorded request and every request so far, and returns {status, headers, body} (default: 200, empty body).
 */
export async function startReceiver({host = '127.0.0.1'} = {}) {
    const requests = [];
    let responder = () => ({status: 200, body: ''});
    const server = createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', async () => {
            const body = Buffer.concat(chunks);
            const rec = {method: req.method, path: req.url, headers: {...req.headers}, rawHeaders: req.rawHeaders, body, text: body.toString('utf8'), at: Date.now()};
            requests.push(rec);
            let answer;
            try {
                answer = (await responder(rec, requests)) ?? {};
            } catch (err) {
                answer = {status: 500, body: `receiver responder failed: ${err.message}`};
            }
            rec.answered = answer.status ?? 200;
            res.writeHead(answer.status ?? 200, answer.headers ?? {});
            res.end(answer.body ?? '');
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, resolve);
    });
    const {port} = server.address();
    return {
        host,
        port,
        url: `http://${host}:${port}`,
        requests,
        respond(fn) {
            responder = fn;
        },
        /** Waits until at least `count` recorded requests pass `filter`; returns them. */
        async waitFor(filter = () => true, count = 1, timeoutMs = 15_000, what = 'requests') {
            const started = Date.now();
            while (Date.now() - started < timeoutMs) {
                const hits = requests.filter(filter);
                if (hits.length >= count) return hits;
                await sleep(20);
            }
            const seen = requests.map((r) => `${r.method} ${r.path} [${r.headers['user-agent'] ?? ''}${r.headers['webhook-id'] ? `, webhook-id ${r.headers['webhook-id']}` : ''}] -> ${r.answered ?? '?'}`);
            throw new Error(`receiver ${host}:${port}: expected ${count} ${what} within ${timeoutMs / 1000} s, got ${requests.filter(filter).length}; all requests: ${JSON.stringify(seen)}`);
        },
        close() {
            server.closeAllConnections?.();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}

/** Runs `fn` with a fresh receiver, closed whatever happens. */
export async function withReceiver(options, fn) {
    const receiver = await startReceiver(options);
    try {
        return await fn(receiver);
    } finally {
        await receiver.close();
    }
}
