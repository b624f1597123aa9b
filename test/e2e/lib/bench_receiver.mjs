// The receiver of make bench-e2e: one HTTP server on 127.0.0.1 for the native hook and Tripwire's rules. Unlike
// lib/receiver.mjs it keeps no bodies (tens of thousands of requests): per request the path, the post id (both
// send it in their JSON), whether Tripwire sent it (webhook-id), its attempt, its arrival and its answer.
import {createServer} from 'node:http';
import {setTimeout as sleep} from 'node:timers/promises';

export async function startBenchReceiver() {
    const requests = [];
    const byPath = new Map();
    const byPost = new Map();
    const responders = new Map();
    const server = createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', async () => {
            const at = Date.now();
            let postId = null;
            try {
                postId = JSON.parse(Buffer.concat(chunks).toString('utf8')).post_id ?? null;
            } catch {
                // not JSON
            }
            const path = req.url.split('?')[0];
            const rec = {path, postId, tripwire: Boolean(req.headers['webhook-id']), attempt: Number(req.headers['x-webhook-attempt'] ?? 1), at};
            requests.push(rec);
            for (const key of [path, `${path}|${rec.tripwire}`]) {
                if (!byPath.has(key)) byPath.set(key, []);
                byPath.get(key).push(rec);
            }
            if (postId) {
                if (!byPost.has(postId)) byPost.set(postId, []);
                byPost.get(postId).push(rec);
            }
            const answer = responders.get(path)?.(rec) ?? 200;
            const {status, delayMs = 0} = typeof answer === 'number' ? {status: answer} : answer;
            if (delayMs) await sleep(delayMs);
            rec.status = status;
            res.writeHead(status, {'content-type': 'text/plain'});
            res.end('', () => (rec.answeredAt = Date.now()));
        });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const {port} = server.address();
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        hits: (path) => byPath.get(path) ?? [],
        native: (path) => byPath.get(`${path}|false`) ?? [],
        tripwire: (path) => byPath.get(`${path}|true`) ?? [],
        byPost: (id) => byPost.get(id) ?? [],
        /** `fn(request)` answers a status or {status, delayMs}; default 200 at once. */
        respond(path, fn) {
            responders.set(path, fn);
        },
        close() {
            server.closeAllConnections?.();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}
