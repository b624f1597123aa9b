import {createHash} from 'node:crypto';
import {once} from 'node:events';
import express from 'express';
import {type Logger} from '../api/types';
import {FakeBroker, serveIoReader} from '../testing/fake_broker';
import {FakeResponseWriter} from '../testing/fake_response_writer';
import {registerPluginTypes} from '../register_types';
import {hostOf, requestPath, ServeHttpBridge} from './serve_http';

registerPluginTypes();

const logged: unknown[] = [];
const log: Logger = {debug: () => undefined, info: () => undefined, warn: () => undefined, error: (...a) => logged.push(a)};

function app(): express.Express {
    const a = express();
    a.post('/upload', async (req, res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of req) {
            bytes += (chunk as Buffer).length;
            hash.update(chunk as Buffer);
        }
        res.json({bytes, sha256: hash.digest('hex'), user: req.get('Mattermost-User-Id') ?? '', ip: req.socket.remoteAddress});
    });
    a.get('/stream', async (req, res) => {
        res.type('application/octet-stream');
        const chunks = Number(req.query.chunks);
        for (let i = 0; i < chunks; i++) {
            if (!res.write(Buffer.alloc(Number(req.query.size), i))) await once(res, 'drain');
            await new Promise((r) => setTimeout(r, 15));
        }
        res.end();
    });
    a.get('/ctx', (req, res) => res.set('x-custom', 'v').status(201).send(req.url));
    return a;
}

/** One ServeHTTP call as Mattermost makes it: ids for the writer and body streams, the request, the context. */
async function serve(method: string, url: string, header: Record<string, string[]>, body: Buffer | null, writer = new FakeResponseWriter({'X-Host': ['mm']})) {
    const broker = new FakeBroker();
    const rwId = broker.nextId();
    broker.onDial(rwId, (s) => writer.serve(s));
    let bodyHost: ReturnType<typeof serveIoReader> | null = null;
    const bodyId = body ? broker.nextId() : 0;
    if (body) broker.onDial(bodyId, (s) => (bodyHost = serveIoReader(s, body)));
    const bridge = new ServeHttpBridge(app(), log);
    const reply = await bridge.serve(broker, {
        ResponseWriterStream: rwId,
        RequestBodyStream: bodyId,
        Request: {Method: method, URL: url, Header: header, Host: 'mm.example.com', RemoteAddr: '10.1.2.3:5555', RequestURI: `/plugins/x${url}`},
        Context: {RequestId: 'r1', SessionId: 's1'},
    });
    return {reply, writer, broker, bodyHost: bodyHost as ReturnType<typeof serveIoReader> | null};
}

describe('ServeHttpBridge', () => {
    it('streams a 1 MiB upload into express and relays the JSON answer with merged, canonical headers', async () => {
        const body = Buffer.from(Buffer.alloc(1 << 20).map((_, i) => (i * 7) % 256));
        const {reply, writer, bodyHost} = await serve('POST', '/upload', {'Content-Length': [String(body.length)], 'Mattermost-User-Id': ['u1']}, body);
        expect(reply).toEqual({});
        expect(writer.status).toBe(200);
        expect(JSON.parse(writer.body.toString())).toEqual({
            bytes: body.length,
            sha256: createHash('sha256').update(body).digest('hex'),
            user: 'u1',
            ip: '10.1.2.3',
        });
        expect(writer.header['X-Host']).toEqual(['mm']);
        expect(writer.header['Content-Type']).toEqual(['application/json; charset=utf-8']);
        expect(writer.header).not.toHaveProperty('Connection');
        expect(writer.names().slice(0, 3)).toEqual(['Header', 'SyncHeader', 'WriteHeader']);
        expect(bodyHost?.requests.length).toBeGreaterThan(1);
        await writer.closed;
        await bodyHost?.closed;
    });

    it('flushes each chunk of a slow streamed response as it comes', async () => {
        const {writer} = await serve('GET', '/stream?chunks=3&size=1000', {}, null);
        expect(writer.body.length).toBe(3000);
        expect([...writer.body.subarray(0, 1000)].every((b) => b === 0)).toBe(true);
        expect([...writer.body.subarray(2000)].every((b) => b === 2)).toBe(true);
        const afterWrites = writer.calls.map((c, i) => (c[0] === 'Write' ? writer.calls[i + 1]?.[0] : null)).filter(Boolean);
        expect(afterWrites.filter((n) => n === 'Flush').length).toBeGreaterThanOrEqual(2);
        expect(writer.header['Transfer-Encoding']).toBeUndefined();
    });

    it('works with hosts that have no Flush and closes an unread body', async () => {
        const writer = new FakeResponseWriter({}, {withFlush: false});
        const {bodyHost} = await serve('POST', '/nope', {'Content-Length': ['5']}, Buffer.from('hello'), writer);
        expect(writer.status).toBe(404);
        await bodyHost?.closed;
        const slow = await serve('GET', '/stream?chunks=2&size=10', {}, null, new FakeResponseWriter({}, {withFlush: false}));
        expect(slow.writer.body.length).toBe(20);
    });

    it('passes status and handler headers through', async () => {
        const {writer} = await serve('GET', '/ctx?a=1', {}, null);
        expect(writer.status).toBe(201);
        expect(writer.body.toString()).toBe('/ctx?a=1');
        expect(writer.header['X-Custom']).toEqual(['v']);
    });
});

describe('request helpers', () => {
    it('keeps path and query and strips absolute forms', () => {
        expect(requestPath('/a/b?c=1')).toBe('/a/b?c=1');
        expect(requestPath('http://h/a?x')).toBe('/a?x');
        expect(requestPath('')).toBe('/');
    });
    it('takes the address out of RemoteAddr', () => {
        expect(hostOf('10.0.0.1:80')).toBe('10.0.0.1');
        expect(hostOf('[::1]:80')).toBe('::1');
        expect(hostOf('::1')).toBe('::1');
    });
});
