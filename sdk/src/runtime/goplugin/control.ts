import {t} from '../gob';
import {EmptyStruct, RpcServer} from '../netrpc';
import {type MuxBroker} from './broker';
import {hostLog} from './host_log';

export type PluginFactory = (broker: MuxBroker) => RpcServer;

export interface ControlHandlers {
    plugins: Readonly<Record<string, PluginFactory>>;
    broker: MuxBroker;
    /** Control.Quit was called; its reply is on its way. */
    onQuit: () => void;
}

/**
 * The net/rpc server go-plugin's host talks to on the first stream (rpc_server.go): Control.Ping (health checks,
 * every 30 s from Mattermost), Control.Quit, and Dispenser.Dispense, which hands out a broker id and then serves
 * that plugin's RPC server on the stream the host dials to it.
 */
export function controlServer(h: ControlHandlers): RpcServer {
    const rpc = new RpcServer();
    rpc.register('Control.Ping', t.bool, EmptyStruct, () => ({}));
    rpc.register('Control.Quit', t.bool, EmptyStruct, () => {
        h.onQuit();
        return {};
    });
    rpc.register('Dispenser.Dispense', t.string, t.uint32, (name: string) => {
        const factory = Object.hasOwn(h.plugins, name) ? h.plugins[name] : undefined;
        if (factory === undefined) throw new Error(`unknown plugin type: ${name}`);
        const server = factory(h.broker);
        const id = h.broker.nextId();
        h.broker.accept(id).then(
            (stream) => server.serveConn(stream),
            (err: Error) => hostLog.error(`plugin dispense error: ${name}: ${err.message}`),
        );
        return id;
    });
    return rpc;
}
