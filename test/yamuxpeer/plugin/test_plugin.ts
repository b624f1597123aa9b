// A tiny go-plugin plugin on Tripwire's runtime, launched by cmd/pluginhost (through the real go-plugin client) and
// by sdk/src/runtime/goplugin/process.test.ts. Bundled with esbuild into ../bin/test_plugin.js.
import {t} from '../../../sdk/src/runtime/gob';
import {announce, hostLog, serveAnnounced, servePlugin, type MuxBroker} from '../../../sdk/src/runtime/goplugin';
import {RpcClient, RpcServer} from '../../../sdk/src/runtime/netrpc';

const emptyStruct = t.struct('struct {}', []);
const addArgs = t.struct('main.AddArgs', [
    ['A', t.int],
    ['B', t.int],
]);

function hooks(broker: MuxBroker): RpcServer {
    const rpc = new RpcServer();
    rpc.register('Plugin.Echo', t.string, t.string, (s: string) => s);
    rpc.register('Plugin.Fail', t.string, t.string, (s: string) => {
        throw new Error(`failed: ${s}`);
    });
    rpc.register('Plugin.Print', t.string, emptyStruct, (s: string) => {
        console.log(s);
        return {};
    });
    // Dial the host back on the broker id it sent, as a Mattermost plugin dials APIMuxId in OnActivate.
    rpc.register('Plugin.CallHost', t.uint32, t.int, async (id: number) => {
        const client = new RpcClient(await broker.dial(id));
        try {
            return await client.call('Plugin.Add', addArgs, {A: 2, B: 40}, t.int);
        } finally {
            client.close();
        }
    });
    return rpc;
}

async function main(): Promise<void> {
    const connectTimeoutMs = Number(process.env['TEST_CONNECT_TIMEOUT_MS'] ?? 30_000);
    // TEST_SERVE_DELAY_MS: announce, then serve only after a while, as an entry point that loads the rest of the
    // plugin after the handshake line (the host may connect and signal meanwhile).
    const serveDelayMs = Number(process.env['TEST_SERVE_DELAY_MS'] ?? 0);
    const options = {plugins: {hooks}, connectTimeoutMs, onQuit: () => hostLog.info('test plugin quitting')};
    if (serveDelayMs > 0) {
        const announced = await announce();
        await new Promise((resolve) => setTimeout(resolve, serveDelayMs));
        serveAnnounced(announced, options);
    } else {
        await servePlugin(options);
    }
    hostLog.info('test plugin ready', {answer: 42});
    console.log('after handshake: this must not reach the real stdout');
}

void main();
