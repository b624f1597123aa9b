// gob and net/rpc costs on the hook path: a MessageHasBeenPosted-shaped argument encoded and decoded on a warm
// stream, the same on a fresh stream (type definitions and compilation included), and an RPC round trip in memory.
import {GobDecoder, GobEncoder, NEED_MORE, t} from '@tripwire/sdk/runtime/gob';
import {RpcClient, RpcServer} from '@tripwire/sdk/runtime/netrpc';
import {pipePair} from '../../sdk/src/runtime/netrpc/test/pipe';
import {percentile, report} from './report';

const Context = t.struct('plugin.Context', [
    ['SessionId', t.string], ['RequestId', t.string], ['IPAddress', t.string], ['AcceptLanguage', t.string], ['UserAgent', t.string],
]);
const Post = t.struct('model.Post', [
    ['Id', t.string], ['CreateAt', t.int64], ['UpdateAt', t.int64], ['EditAt', t.int64], ['DeleteAt', t.int64], ['IsPinned', t.bool],
    ['UserId', t.string], ['ChannelId', t.string], ['RootId', t.string], ['OriginalId', t.string], ['Message', t.string],
    ['MessageSource', t.string], ['Type', t.string], ['Props', t.map(t.string, t.iface)], ['Hashtags', t.string],
    ['Filenames', t.slice(t.string)], ['FileIds', t.slice(t.string)], ['PendingPostId', t.string], ['HasReactions', t.bool],
    ['RemoteId', t.ptr(t.string)], ['ReplyCount', t.int64], ['LastReplyAt', t.int64], ['IsFollowing', t.ptr(t.bool)],
]);
const Args = t.struct('plugin.Z_MessageHasBeenPostedArgs', [['A', t.ptr(Context)], ['B', t.ptr(Post)]]);
const Returns = t.struct('plugin.Z_MessageHasBeenPostedReturns', []);

const args = {
    A: {SessionId: 'kq4b1ghy3tbp8q3b5u8y8mzcfo', RequestId: 'w8dgs4sy3jgk8n7ab8x1trmzoa', IPAddress: '10.0.0.7', AcceptLanguage: 'en-US', UserAgent: 'Mozilla/5.0'},
    B: {
        Id: 'hb1q5b8pjfdbfk8a3gxb6mb9ra', CreateAt: 1_731_000_000_123, UpdateAt: 1_731_000_000_123, UserId: 'u9x7d3zqyjyg3p8h8x7n6mb5ga',
        ChannelId: 'c4kw8f1h7bgqzgx4y6drw5d9wy', Message: 'deploy api to staging please', Type: '',
        Props: {from_webhook: 'true', disable_group_highlight: true, tripwire_hops: 1, attachments: [{text: 'x', color: '#ff0000'}]},
        FileIds: ['f1'], Hashtags: '', PendingPostId: 'u9x7d3zqyjyg3p8h8x7n6mb5ga:1731000000000',
    },
};

/** CPU microseconds per call (process CPU time, so a busy shared machine skews it less than wall time). */
function timeIt(n: number, fn: () => void): number {
    for (let i = 0; i < Math.min(n, 2000); i++) fn(); // warm up
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const used = process.cpuUsage(t0);
    return (used.user + used.system) / n;
}

let msg: Uint8Array = new Uint8Array(0);
const enc = new GobEncoder((c) => (msg = c));
enc.encode(Args, args);
const first = msg;
report('gob_encode_hook_args_us', timeIt(20_000, () => enc.encode(Args, args)), 'µs', `${msg.length} bytes, warm stream, CPU time`);

const dec = new GobDecoder();
dec.push(first);
dec.next(Args);
const warm = msg;
report('gob_decode_hook_args_us', timeIt(20_000, () => {
    dec.push(warm);
    if (dec.next(Args) === NEED_MORE) throw new Error('incomplete');
}), 'µs', 'warm stream');

report('gob_decode_hook_args_fresh_stream_us', timeIt(2_000, () => {
    const d = new GobDecoder();
    d.push(first);
    d.next(Args);
}), 'µs', `${first.length} bytes with type definitions`);

async function rpcRoundTrip(): Promise<void> {
    const [a, b] = pipePair();
    const server = new RpcServer();
    server.register('Plugin.MessageHasBeenPosted', Args, Returns, () => ({}));
    server.serveConn(b);
    const client = new RpcClient(a);
    const samples: number[] = [];
    for (let i = 0; i < 6000; i++) {
        const t0 = process.hrtime.bigint();
        await client.call('Plugin.MessageHasBeenPosted', Args, args, Returns);
        if (i >= 1000) samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    samples.sort((x, y) => x - y);
    report('netrpc_roundtrip_p50_us', percentile(samples, 50), 'µs', 'TS client → TS server in memory, hook-shaped args');
    report('netrpc_roundtrip_p99_us', percentile(samples, 99), 'µs');
    client.close();
}

void rpcRoundTrip();
