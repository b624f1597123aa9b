/**
 * Tripwire's go-plugin runtime: a Node process serving hashicorp/go-plugin's netrpc protocol, as Mattermost launches
 * server plugins. Node built-ins only. Layers, bottom up:
 * - yamux: stream multiplexing over the host connection (hashicorp/yamux v0.1.x wire format);
 * - gob: Go's encoding/gob, with Go types described by `t`;
 * - netrpc: Go's net/rpc (RpcServer, RpcClient) over gob;
 * - goplugin: the plugin side (servePlugin: handshake, control stream, MuxBroker, shutdown) and hostLog.
 */
export * from './gob';
export * from './netrpc';
export * from './yamux';
export * from './goplugin';
