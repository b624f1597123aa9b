// An HTTP front for the host page on 127.0.0.1, laid out like make demo's playground (test/conformance/cmd/demo/ui.go):
// test/browser/ at the root (host.html, dist/host.js), the real bundle at /webapp/dist/main.js, the page's context at
// /demo/context.json, and /plugins/* forwarded to a backend running the real plugin (TRIPWIRE_BACKEND). There is no
// built-in fake: without a backend, plugin calls answer 502 with the reason. Used for screenshots of a page whose
// backend lives elsewhere; the browser test itself runs against make demo's playground.
import {createReadStream, existsSync, statSync} from 'node:fs';
import {createServer, request as httpRequest} from 'node:http';
import {dirname, extname, join, normalize} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const types = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json'};

function sendFile(res, base, rel) {
    const file = normalize(join(base, rel));
    if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end('not found');
    res.writeHead(200, {'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store'});
    createReadStream(file).pipe(res);
}

/** @param {{backend?: string, token?: string, context?: object, port?: number}} opts */
export function startFront({backend, token, context = {}, port = 0}) {
    const server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname.startsWith('/plugins/') || url.pathname.startsWith('/api/v4/')) return forward(req, res, url, backend, token);
        if (url.pathname === '/demo/context.json') {
            res.writeHead(200, {'content-type': types['.json']});
            return res.end(JSON.stringify({site_url: `http://127.0.0.1:${server.address().port}`, ...context}));
        }
        if (url.pathname.startsWith('/webapp/dist/')) return sendFile(res, join(root, 'webapp/dist'), url.pathname.slice('/webapp/dist/'.length));
        return sendFile(res, here, url.pathname === '/' ? 'host.html' : url.pathname.slice(1));
    });
    return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({server, url: `http://127.0.0.1:${server.address().port}`})));
}

function forward(req, res, url, backend, token) {
    if (!backend) {
        res.writeHead(502, {'content-type': 'application/json'});
        return res.end(JSON.stringify({error: {code: 'unavailable', message: 'no backend: set TRIPWIRE_BACKEND to a server running the real plugin'}}));
    }
    const target = new URL(url.pathname + url.search, backend);
    const headers = {...req.headers, host: target.host};
    if (token && !headers.authorization) headers.authorization = `Bearer ${token}`;
    const out = httpRequest(target, {method: req.method, headers}, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
    });
    out.on('error', (e) => {
        res.writeHead(502, {'content-type': 'application/json'});
        res.end(JSON.stringify({error: {code: 'unavailable', message: `backend ${backend}: ${e.message}`}}));
    });
    req.pipe(out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const {url} = await startFront({backend: process.env.TRIPWIRE_BACKEND, token: process.env.TRIPWIRE_TOKEN, port: Number(process.env.PORT ?? 0)});
    process.stdout.write(`host page: ${url}/host.html\n`);
}
