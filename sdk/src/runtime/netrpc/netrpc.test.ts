import {once} from 'node:events';
import {GobDecoder, GobError, NEED_MORE, t} from '../gob';
import {EmptyStruct, RequestHeader, RpcClient, RpcError, RpcServer} from './index';
import {pipePair, type PipeOptions} from './test/pipe';

const Args = t.struct('main.Args', [['A', t.int], ['B', t.int]]);
const Delay = t.struct('main.Delay', [['Ms', t.int], ['Val', t.string]]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(opts: PipeOptions = {}) {
    const [a, b] = pipePair(opts);
    const server = new RpcServer();
    server.register('Arith.Mul', Args, t.int, (x: {A: number; B: number}) => x.A * x.B);
    server.register('Arith.Delay', Delay, t.string, async (x: {Ms: number; Val: string}) => {
        await sleep(x.Ms);
        return x.Val;
    });
    server.register('Arith.Fail', t.string, t.string, (why: string) => {
        throw new Error(`boom: ${why}`);
    });
    server.register('Arith.Reject', t.string, t.string, (why: string) => Promise.reject(new Error(`rejected: ${why}`)));
    server.register('Arith.Throw', t.string, t.string, () => {
        throw 'a string';
    });
    server.register('Arith.BadReply', t.string, t.int, () => 'not an int');
    server.serveConn(b);
    return {client: new RpcClient(a), a, b};
}

describe('RpcServer and RpcClient (in memory)', () => {
    it('answers calls, concurrently and out of order, each to its caller', async () => {
        const {client} = setup();
        expect(await client.call('Arith.Mul', Args, {A: 6, B: 7}, t.int)).toBe(42);
        const finished: string[] = [];
        const calls = [40, 5, 20].map((ms) => client.call('Arith.Delay', Delay, {Ms: ms, Val: `v${ms}`}, t.string).then((v: string) => (finished.push(v), v)));
        expect(await Promise.all(calls)).toEqual(['v40', 'v5', 'v20']);
        expect(finished).toEqual(['v5', 'v20', 'v40']);
        client.close();
    });

    it('replies with handler errors and Go’s own texts for unknown methods, and keeps serving', async () => {
        const {client} = setup();
        const err = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => `${e.constructor.name}: ${e.message}`);
        expect(await err(client.call('Arith.Fail', t.string, 'x', t.string))).toBe('RpcError: boom: x');
        expect(await err(client.call('Arith.Reject', t.string, 'y', t.string))).toBe('RpcError: rejected: y');
        expect(await err(client.call('Arith.Throw', t.string, 'z', t.string))).toBe('RpcError: a string');
        expect(await err(client.call('Arith.Nope', t.int, 1, t.int))).toBe("RpcError: rpc: can't find method Arith.Nope");
        expect(await err(client.call('Nope.Mul', t.int, 1, t.int))).toBe("RpcError: rpc: can't find service Nope.Mul");
        expect(await err(client.call('NoDot', t.int, 1, t.int))).toBe('RpcError: rpc: service/method request ill-formed: NoDot');
        expect(await err(client.call('Arith.Mul', t.string, 'wrong argument', t.int))).toMatch(/^RpcError: gob: type mismatch in decoder: want struct type main.Args/);
        expect(await err(client.call('Arith.BadReply', t.string, '', t.int))).toMatch(/^RpcError: gob: cannot encode string as int/);
        expect(await err(client.call('Arith.Mul', Args, {A: 'x'}, t.int))).toMatch(/^GobError: /);
        expect(await err(client.call('Arith.Mul', Args, {A: 2, B: 3}, t.string))).toMatch(/^GobError: reading body gob: decoding into local type string/);
        expect(await client.call('Arith.Mul', Args, {A: 2, B: 3}, t.int)).toBe(6);
        client.close();
    });

    it('works with input cut into 1–3 byte pieces', async () => {
        const {client} = setup({maxPiece: 3});
        const results = await Promise.all(Array.from({length: 20}, (_, i) => client.call('Arith.Mul', Args, {A: i, B: i}, t.int)));
        expect(results).toEqual(Array.from({length: 20}, (_, i) => i * i));
        client.close();
    });

    it('writes each request and each reply with a single write, numbering requests from 0', async () => {
        const writes: Array<['a' | 'b', Buffer]> = [];
        const {client} = setup({tap: (from, chunk) => writes.push([from, chunk])});
        await client.call('Arith.Mul', Args, {A: 1, B: 2}, t.int);
        await client.call('Arith.Nope', t.int, 1, t.int).catch(() => undefined);
        expect(writes.map(([from]) => from)).toEqual(['a', 'b', 'a', 'b']);
        const dec = new GobDecoder();
        dec.push(writes[0]![1]);
        expect(dec.next(RequestHeader)).toEqual({ServiceMethod: 'Arith.Mul', Seq: 0});
        expect(dec.next(Args)).toEqual({A: 1, B: 2});
        dec.push(writes[2]![1]);
        expect(dec.next(RequestHeader)).toEqual({ServiceMethod: 'Arith.Nope', Seq: 1});
        expect(dec.next(t.int)).toBe(1);
        expect(dec.next(EmptyStruct)).toBe(NEED_MORE);
        client.close();
    });

    it('close() fails pending and later calls with Go’s ErrShutdown text and ends the stream', async () => {
        const {client, b} = setup();
        const pending = client.call('Arith.Delay', Delay, {Ms: 50, Val: 'late'}, t.string);
        const ended = once(b, 'end');
        client.close();
        await expect(pending).rejects.toEqual(new RpcError('connection is shut down'));
        await expect(client.call('Arith.Mul', Args, {A: 1, B: 1}, t.int)).rejects.toThrow('connection is shut down');
        await ended;
    });

    it('fails pending calls with "unexpected EOF" when the server side goes away', async () => {
        const [a, b] = pipePair();
        const client = new RpcClient(a);
        const pending = client.call('Arith.Mul', Args, {A: 1, B: 1}, t.int);
        b.end();
        await expect(pending).rejects.toThrow('unexpected EOF');
    });

    it('finishes in-flight calls after the client hangs up, then ends its side', async () => {
        const [a, b] = pipePair();
        const server = new RpcServer();
        let release: () => void = () => undefined;
        server.register('S.Wait', t.int, t.int, () => new Promise<number>((r) => (release = () => r(1))));
        server.serveConn(b);
        const replies = new GobDecoder();
        a.on('data', (c: Buffer) => replies.push(c));
        const {GobEncoder} = await import('../gob');
        const enc = new GobEncoder((c) => a.write(c));
        enc.encodeMany([[RequestHeader, {ServiceMethod: 'S.Wait', Seq: 9}], [t.int, 0]]);
        await sleep(10);
        a.end();
        await sleep(10);
        release();
        await once(a, 'end');
        expect(replies.next(t.struct('rpc.Response', [['Seq', t.uint64], ['Error', t.string]]))).toEqual({Seq: 9, Error: ''});
    });

    it('refuses bad registrations', () => {
        const server = new RpcServer();
        expect(() => server.register('NoDot', t.int, t.int, () => 1)).toThrow();
        server.register('S.M', t.int, t.int, () => 1);
        expect(() => server.register('S.M', t.int, t.int, () => 1)).toThrow(/already registered/);
        expect(new GobError('x')).toBeInstanceOf(Error);
    });
});
