import {gzipSync} from 'node:zlib';

import request from 'supertest';

import {ApiError, clientErrorOf} from './errors';
import {as, createWorld, type World} from './testing/world';

describe('clientErrorOf', () => {
    it('passes ApiErrors through and maps typed body-parser errors', () => {
        const own = new ApiError('conflict', 'x');
        expect(clientErrorOf(own)).toBe(own);
        expect(clientErrorOf(Object.assign(new Error('big'), {type: 'entity.too.large', status: 413, expose: true}))?.code).toBe('payload_too_large');
        expect(clientErrorOf(Object.assign(new Error('bad'), {type: 'entity.parse.failed', status: 400, expose: true}))?.code).toBe('invalid_input');
    });

    it('maps untyped client errors of express (http-errors: status 4xx, expose) to invalid_input', () => {
        expect(clientErrorOf(Object.assign(new Error('incorrect header check'), {status: 400, expose: true}))?.status).toBe(400);
        expect(clientErrorOf(Object.assign(new Error('too big'), {status: 413, expose: true}))?.code).toBe('payload_too_large');
    });

    it('leaves everything else to the 500 path: our own bugs and the dependencies’ errors are not the client’s fault', () => {
        expect(clientErrorOf(new Error('boom'))).toBeUndefined();
        expect(clientErrorOf(Object.assign(new Error('app.channel.get.existing.app_error'), {statusCode: 404}))).toBeUndefined();
        expect(clientErrorOf(Object.assign(new Error('upstream'), {status: 404}))).toBeUndefined();
        expect(clientErrorOf(Object.assign(new Error('server'), {status: 500, expose: false}))).toBeUndefined();
        expect(clientErrorOf('text')).toBeUndefined();
        expect(clientErrorOf(null)).toBeUndefined();
    });
});

describe('requests that do not decode (found by make fuzz-api)', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
    });
    afterEach(() => w.close());

    it.each([
        ['gzip', Buffer.from('{"name": "not gzipped"}')],
        ['deflate', Buffer.from('{}')],
        ['br', Buffer.from('{}')],
        ['gzip', gzipSync(Buffer.from('{"name": ')).subarray(0, 12)],
    ])('Content-Encoding: %s that does not inflate answers 400 with the error body, on the API and on an inbound URL', async (encoding, body) => {
        for (const [path, who] of [
            ['/api/v1/rules', as('chanadmin')],
            ['/in/not-a-token', {}],
        ] as const) {
            const res = await request(w.app).post(path).set(who).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(body);
            expect(res.status).toBe(400);
            expect(res.body).toEqual({error: {code: 'invalid_input', message: expect.any(String)}});
        }
    });

    it('a path parameter whose %-escapes do not decode answers 400 with the error body', async () => {
        for (const [method, path, who] of [
            ['get', '/api/v1/rules/%E0%A4%A', as('chanadmin')],
            ['post', '/in/%E0%A4%A', {}],
        ] as const) {
            const res = await request(w.app)[method](path).set(who);
            expect(res.status).toBe(400);
            expect(res.body).toEqual({error: {code: 'invalid_input', message: 'the path is not valid (bad %-escape)'}});
        }
    });
});
