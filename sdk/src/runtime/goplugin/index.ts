export {servePlugin, serveAnnounced, type ServeOptions, type ServedPlugin} from './serve';
export {announce, type Announced, type AnnounceOptions} from './announce';
export {type MuxBroker} from './broker';
export {type PluginFactory} from './control';
export {hostLog, createHostLog, type HostLog, type HostLogLevel} from './host_log';
export {MATTERMOST_HANDSHAKE, type HandshakeConfig} from './handshake';
