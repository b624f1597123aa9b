// net/rpc against Go's own net/rpc (test/gobcheck), over the helper's stdin/stdout.
import {once} from 'node:events';
import {Duplex} from 'node:stream';
import {GoValue, goTypeOf, t, withGoType} from '../gob';
import {BUILD_TIMEOUT_MS, buildGobcheck, spawnGobcheck} from '../gob/test/gobcheck';
import * as S from '../gob/test/schemas';
import {RpcClient, RpcError, RpcServer} from './index';

const Args = t.struct('main.Args', [['A', t.int], ['B', t.int]]);
const Quotient = t.struct('main.Quotient', [['Quo', t.int], ['Rem', t.int]]);

function goPeer(mode: 'rpc-server' | 'rpc-client') {
    const proc = spawnGobcheck([mode]);
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = once(proc, 'exit').then(([code]) => code as number);
    return {stream: Duplex.from({readable: proc.stdout, writable: proc.stdin}), exited, stderr: () => stderr};
}

beforeAll(() => {
    buildGobcheck();
    S.registerMattermostNames();
}, BUILD_TIMEOUT_MS);

describe('net/rpc against Go', () => {
    it('RpcClient calls a Go net/rpc server: replies, errors, unknown methods, out-of-order replies, big and nested values', async () => {
        const go = goPeer('rpc-server');
        const client = new RpcClient(go.stream);
        expect(await client.call('Arith.Mul', Args, {A: 7, B: 6}, t.int)).toBe(42);
        await expect(client.call('Arith.Div', Args, {A: 1, B: 0}, Quotient)).rejects.toEqual(new RpcError('divide by zero'));
        expect(await client.call('Arith.Div', Args, {A: 7, B: 2}, Quotient)).toEqual({Quo: 3, Rem: 1});
        await expect(client.call('Arith.Nope', Args, {}, t.int)).rejects.toThrow("rpc: can't find method Arith.Nope");
        await expect(client.call('Nope.Mul', Args, {}, t.int)).rejects.toThrow("rpc: can't find service Nope.Mul");
        await expect(client.call('NoDot', Args, {}, t.int)).rejects.toThrow('rpc: service/method request ill-formed: NoDot');

        const finished: number[] = [];
        const sleeps = [300, 20, 150].map((ms) => client.call('Echo.Sleep', t.int, ms, t.int).then((v: number) => (finished.push(v), v)));
        expect(await Promise.all(sleeps)).toEqual([300, 20, 150]);
        expect(finished).toEqual([20, 150, 300]);

        const post = {
            Id: 'p1', CreateAt: 1_700_000_000_123, ChannelId: 'c1', Message: 'hi ✓',
            Props: {s: 'x', n: 1.5, i: new GoValue('int', 7), big: 2n ** 60n, nested: [{k: [new GoValue('int8', 3), null]}], err: withGoType('*model.AppError', {Id: 'e', StatusCode: 500})},
            FileIds: ['f'], RemoteId: 'r', IsFollowing: false,
        };
        const echoed = await client.call('Echo.Post', t.ptr(S.Post), post, S.Post);
        expect(echoed).toMatchObject({Id: 'p1', CreateAt: 1_700_000_000_123, Message: 'echo: hi ✓', FileIds: ['f'], RemoteId: 'r', IsFollowing: null});
        expect(echoed.Props).toEqual({s: 'x', n: 1.5, i: new GoValue('int', 7), big: new GoValue('int64', 2n ** 60n), nested: [{k: [new GoValue('int8', 3), null]}], err: {Id: 'e', Message: '', DetailedError: '', RequestId: '', StatusCode: 500, Where: '', SkipTranslation: false}});
        expect(goTypeOf(echoed.Props.err)).toBe('*model.AppError');

        const big = Buffer.alloc(1 << 20, 0xab);
        expect(Buffer.from(await client.call('Echo.Bytes', t.bytes, big, t.bytes)).equals(big)).toBe(true);

        const holder = {X: new GoValue('[]*model.SlackAttachment', [{Id: 1, Title: 't', Fields: [], Timestamp: 'now'}]), Y: new GoValue('uint64', 2n ** 64n - 1n), Z: [new GoValue('float32', 0.5), 'x']};
        const back = await client.call('Echo.Holder', S.Holder, holder, S.Holder);
        expect(back.Y).toEqual(holder.Y);
        expect(back.Z).toEqual(holder.Z);
        expect((back.X as GoValue).value).toMatchObject([{Id: 1, Title: 't', Timestamp: 'now'}]);

        client.close();
        expect(await go.exited).toBe(0);
    }, 60_000);

    it('RpcServer serves a Go net/rpc client: 40 concurrent calls answered out of order, errors, unknown methods, big values', async () => {
        const DelayArgs = t.struct('main.DelayArgs', [['Ms', t.int], ['Val', t.string]]);
        const DelayReply = t.struct('main.DelayReply', [['Val', t.string], ['Order', t.int]]);
        let order = 0;
        const server = new RpcServer();
        server.register('Test.Delay', DelayArgs, DelayReply, async (a: {Ms: number; Val: string}) => {
            await new Promise((r) => setTimeout(r, a.Ms));
            return {Val: a.Val, Order: order++};
        });
        server.register('Test.Fail', t.string, t.string, (why: string) => {
            throw new Error(`boom: ${why}`);
        });
        server.register('Test.Reject', t.string, t.string, async (why: string) => {
            await new Promise((r) => setTimeout(r, 5));
            throw new Error(`rejected: ${why}`);
        });
        server.register('Test.Echo', t.ptr(S.Post), S.Post, (p: unknown) => p);
        server.register('Test.Bytes', t.bytes, t.bytes, (b: Uint8Array) => b);
        const go = goPeer('rpc-client');
        server.serveConn(go.stream);
        const code = await go.exited;
        expect(go.stderr()).toContain('ok still-usable');
        expect({code, stderr: go.stderr()}).toEqual({code: 0, stderr: expect.stringContaining('ok concurrent-out-of-order')});
        for (const step of ['handler-error', 'async-rejection', 'unknown-method', 'unknown-service', 'ill-formed', 'wrong-argument-type', 'echo-post', 'big-bytes']) {
            expect(go.stderr()).toContain(`ok ${step}\n`);
        }
    }, 60_000);
});
