import net from 'node:net';

import {sendRequest, type SendOptions} from './http_client';
import type {PreparedRequest} from './payload/build_request';
import {SsrfGuard, type Resolver} from './ssrf/guard';
import {reply, TestReceiver} from './testing/receiver';

const guard = (allow: string[] = ['127.0.0.1'], resolve?: Resolver) => new SsrfGuard({allowlist: () => allow, ownAddresses: () => [], ...(resolve && {resolve})});
const options = (overrides: Partial<SendOptions> = {}): SendOptions => ({
    guard: guard(),
    timeoutMs: 2000,
    maxResponseBytes: 1 << 20,
    followRedirects: false,
    insecureTls: false,
    sensitiveHeaders: [],
    ...overrides,
});
const request = (url: string, overrides: Partial<PreparedRequest> = {}): PreparedRequest => ({
    method: 'POST',
    url: new URL(url),
    headers: {'content-type': 'application/json', authorization: 'Bearer secret-token'},
    body: Buffer.from('{"a":1}'),
    ...overrides,
});

describe('sendRequest against a real local receiver', () => {
    let receiver: TestReceiver;
    const extra: Array<{close(): unknown}> = [];
    beforeEach(async () => (receiver = await TestReceiver.start()));
    afterEach(async () => {
        await receiver.close();
        for (const s of extra.splice(0)) await new Promise((r) => (s as net.Server).close(r));
    });

    it.each([200, 201, 204, 400, 404, 410, 429, 500, 503])('returns status %s with headers and body', async (status) => {
        receiver.handler = reply(status, status === 204 ? undefined : {text: `s${status}`}, {'retry-after': '3'});
        const res = await sendRequest(request(`${receiver.url}/hook?x=1`), options());
        expect(res).toMatchObject({kind: 'response', status, truncated: false});
        if (res.kind !== 'response') return;
        expect(res.headers['retry-after']).toBe('3');
        expect(res.body.toString()).toBe(status === 204 ? '' : JSON.stringify({text: `s${status}`}));
        const [got] = receiver.requests;
        expect(got).toMatchObject({method: 'POST', url: '/hook?x=1'});
        expect(got!.body.toString()).toBe('{"a":1}');
        expect(got!.headers['content-length']).toBe('7');
    });

    it('times out a receiver that never answers', async () => {
        receiver.handler = () => undefined;
        const started = Date.now();
        const res = await sendRequest(request(receiver.url), options({timeoutMs: 300}));
        expect(res).toMatchObject({kind: 'error', errorClass: 'timeout'});
        expect(Date.now() - started).toBeLessThan(2000);
    });

    it('times out a body that trickles forever', async () => {
        receiver.handler = (_req, res) => {
            res.writeHead(200);
            res.write('{');
        };
        expect(await sendRequest(request(receiver.url), options({timeoutMs: 300}))).toMatchObject({kind: 'error', errorClass: 'timeout'});
    });

    it('reports a refused connection', async () => {
        const server = net.createServer();
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        const {port} = server.address() as net.AddressInfo;
        await new Promise((r) => server.close(r));
        expect(await sendRequest(request(`http://127.0.0.1:${port}/`), options())).toMatchObject({kind: 'error', errorClass: 'connection_refused'});
    });

    it('reports a reset connection', async () => {
        receiver.handler = () => void (receiver as unknown as {server: {closeAllConnections(): void}}).server.closeAllConnections();
        expect(await sendRequest(request(receiver.url), options())).toMatchObject({kind: 'error', errorClass: 'connection_reset'});
    });

    it('reports garbage that is not HTTP', async () => {
        const garbage = net.createServer((socket) => {
            socket.on('data', () => socket.destroy());
            socket.write('this is not http at all\r\n\r\n');
        });
        extra.push(garbage);
        await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
        const {port} = garbage.address() as net.AddressInfo;
        expect(await sendRequest(request(`http://127.0.0.1:${port}/`), options())).toMatchObject({kind: 'error', errorClass: 'bad_response'});
    });

    it('keeps only the first MiB of an oversized body', async () => {
        receiver.handler = (_req, res) => {
            res.writeHead(200, {'content-type': 'application/json'});
            res.end(Buffer.alloc(3 << 20, 'x'));
        };
        const res = await sendRequest(request(receiver.url), options());
        expect(res).toMatchObject({kind: 'response', status: 200, truncated: true});
        expect(res.kind === 'response' && res.body.length).toBe(1 << 20);
    });

    it('returns a redirect as it is when redirects are off', async () => {
        receiver.handler = reply(302, undefined, {location: '/elsewhere'});
        expect(await sendRequest(request(receiver.url), options())).toMatchObject({kind: 'response', status: 302});
        expect(receiver.requests).toHaveLength(1);
    });

    it('follows redirects when on: 307 keeps the method and body, 303 becomes a GET', async () => {
        receiver.handler = (req, res, i) => {
            if (i === 0) reply(307, undefined, {location: '/second'})(req, res, i);
            else if (i === 1) reply(303, undefined, {location: '/third'})(req, res, i);
            else reply(200, {ok: true})(req, res, i);
        };
        const res = await sendRequest(request(`${receiver.url}/first`), options({followRedirects: true}));
        expect(res).toMatchObject({kind: 'response', status: 200, url: `${receiver.url}/third`});
        expect(receiver.requests.map((r) => [r.method, r.url, r.body.length])).toEqual([
            ['POST', '/first', 7],
            ['POST', '/second', 7],
            ['GET', '/third', 0],
        ]);
    });

    it('re-checks every redirect hop against the SSRF guard', async () => {
        receiver.handler = reply(302, undefined, {location: 'http://169.254.169.254/latest/meta-data/'});
        const res = await sendRequest(request(receiver.url), options({followRedirects: true}));
        expect(res).toMatchObject({kind: 'error', errorClass: 'ssrf_blocked'});
    });

    it('drops credentials when a redirect leaves the origin', async () => {
        const other = await TestReceiver.start({handler: reply(200, {})});
        try {
            receiver.handler = reply(307, undefined, {location: `${other.url}/landed`});
            await sendRequest(request(receiver.url, {headers: {authorization: 'Bearer x', 'x-api-key': 'k', 'x-keep': 'y'}}), options({followRedirects: true, sensitiveHeaders: ['x-api-key']}));
            expect(receiver.requests[0]!.headers.authorization).toBe('Bearer x');
            expect(other.requests[0]!.headers).toMatchObject({'x-keep': 'y'});
            expect(other.requests[0]!.headers.authorization).toBeUndefined();
            expect(other.requests[0]!.headers['x-api-key']).toBeUndefined();
        } finally {
            await other.close();
        }
    });

    it('stops after three redirects', async () => {
        receiver.handler = reply(302, undefined, {location: '/again'});
        expect(await sendRequest(request(receiver.url), options({followRedirects: true}))).toMatchObject({kind: 'error', errorClass: 'redirect'});
        expect(receiver.requests).toHaveLength(4);
    });

    it('never connects to a refused address', async () => {
        const res = await sendRequest(request(receiver.url), options({guard: guard([])}));
        expect(res).toMatchObject({kind: 'error', errorClass: 'ssrf_blocked'});
        expect(receiver.requests).toHaveLength(0);
    });

    it.each(['127.0.0.1', '2130706433', '0177.0.0.1', '0x7f.0.0.1', '127.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'])(
        'blocks the loopback spelling %s, which does reach the receiver once allowed',
        async (host) => {
            receiver.handler = reply(200, {});
            const url = `http://${host}:${receiver.port}/`;
            expect(await sendRequest(request(url), options({guard: guard([])}))).toMatchObject({kind: 'error', errorClass: 'ssrf_blocked'});
            expect(receiver.requests).toHaveLength(0);
            expect(await sendRequest(request(url), options({guard: guard(['127.0.0.0/8'])}))).toMatchObject({kind: 'response', status: 200});
            expect(receiver.requests).toHaveLength(1);
        },
    );

    it('resolves once and connects to the checked address (no DNS rebinding)', async () => {
        const answers = ['127.0.0.1', '10.9.9.9'];
        let calls = 0;
        const rebinding: Resolver = async () => [{address: answers[calls++] ?? '10.9.9.9', family: 4}];
        receiver.handler = reply(200, {});
        const res = await sendRequest(request(`http://svc.rebind.test:${receiver.port}/x`), options({guard: guard(['127.0.0.1'], rebinding)}));
        expect(res).toMatchObject({kind: 'response', status: 200});
        expect(calls).toBe(1);
        expect(receiver.requests[0]!.headers.host).toBe(`svc.rebind.test:${receiver.port}`);
    });

    it('aborts when the caller stops', async () => {
        receiver.handler = () => undefined;
        const stop = new AbortController();
        setTimeout(() => stop.abort(), 50);
        expect(await sendRequest(request(receiver.url), options({signal: stop.signal}))).toMatchObject({kind: 'error', errorClass: 'shutdown'});
    });
});

describe('sendRequest over TLS with a self-signed certificate', () => {
    let receiver: TestReceiver;
    beforeAll(async () => (receiver = await TestReceiver.start({tls: true, handler: reply(200, {ok: true})})));
    afterAll(() => receiver.close());

    it('refuses the certificate by default', async () => {
        expect(await sendRequest(request(receiver.url), options())).toMatchObject({kind: 'error', errorClass: 'tls'});
    });

    it('accepts it when EnableInsecureOutgoingConnections is on, by IP and by name (SNI)', async () => {
        expect(await sendRequest(request(receiver.url), options({insecureTls: true}))).toMatchObject({kind: 'response', status: 200});
        const resolve: Resolver = async () => [{address: '127.0.0.1', family: 4}];
        const byName = await sendRequest(request(`https://localhost:${receiver.port}/`), options({insecureTls: true, guard: guard(['localhost'], resolve)}));
        expect(byName).toMatchObject({kind: 'response', status: 200});
    });
});
