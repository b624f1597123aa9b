import {Readable} from 'node:stream';
import express from 'express';
import {type Socket} from 'node:net';
import {InMemoryHttp, requestContext} from './in_memory_http';

async function readAll(stream: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
}

describe('InMemoryHttp', () => {
    it('runs an express app on real request/response objects', async () => {
        const app = express();
        app.use(express.json());
        app.post('/echo', (req, res) => {
            res.set('X-Seen', String(req.headers['x-in'])).json({got: req.body, url: req.url});
        });
        const bridge = new InMemoryHttp(app, (e) => {
            throw e;
        });
        const res = await bridge.exchange({
            method: 'POST',
            url: '/echo?q=1',
            headers: [['Content-Type', 'application/json'], ['X-In', 'a']],
            body: Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]),
            remoteAddress: '10.0.0.1',
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers['x-seen']).toBe('a');
        expect(JSON.parse((await readAll(res)).toString())).toEqual({got: {a: 1}, url: '/echo?q=1'});
    });

    it('gives the handler the exchange context and closes the connection after the response', async () => {
        let socket: Socket | null = null;
        const bridge = new InMemoryHttp((req, res) => {
            socket = req.socket;
            res.end(JSON.stringify(requestContext(req)));
        }, () => undefined);
        const res = await bridge.exchange({method: 'GET', url: '/', headers: [], body: null, remoteAddress: '', context: {request_id: 'r1'}});
        expect(JSON.parse((await readAll(res)).toString())).toEqual({request_id: 'r1'});
        const s = socket as Socket | null;
        if (s && !s.destroyed) await new Promise((r) => s.once('close', r));
        expect(s?.destroyed).toBe(true);
        expect(res.socket?.destroyed ?? true).toBe(true);
    });

    it('answers 500 when a plain handler throws', async () => {
        const errors: unknown[] = [];
        const bridge = new InMemoryHttp(() => {
            throw new Error('boom');
        }, (e) => errors.push(e));
        const res = await bridge.exchange({method: 'GET', url: '/', headers: [], body: null, remoteAddress: ''});
        expect(res.statusCode).toBe(500);
        await readAll(res);
        expect(errors).toHaveLength(1);
    });
});
