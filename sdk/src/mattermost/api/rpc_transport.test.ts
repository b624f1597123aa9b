import {t} from '../../runtime/gob';
import {RpcServer} from '../../runtime/netrpc';
import {type Logger} from './types';
import {socketPair} from '../serve_http/socket_pair';
import {registerMattermostTypes} from '../wire';
import {MattermostApi} from './client';
import {ApiConnection} from './connection';
import {RpcApiTransport} from './rpc_transport';

registerMattermostTypes();

const silent: Logger = {debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined};

/** A config type with more than we declare, as the host's *model.Config has. */
const hostConfig = t.struct('Z_GetConfigReturns', [
    [
        'A',
        t.ptr(
            t.struct('Config', [
                ['ServiceSettings', t.struct('ServiceSettings', [['SiteURL', t.ptr(t.string)], ['EnablePostIconOverride', t.ptr(t.bool)], ['ReadTimeout', t.ptr(t.int)]])],
                ['TeamSettings', t.struct('TeamSettings', [['MaxUsersPerTeam', t.ptr(t.int)]])],
                ['PluginSettings', t.struct('PluginSettings', [['Plugins', t.map(t.string, t.map(t.string, t.iface))]])],
            ]),
        ),
    ],
]);

describe('RpcApiTransport', () => {
    it('decodes GetConfig by the host’s own definitions for callByName (the whole config), by the declared slice for getConfig', async () => {
        const host = new RpcServer();
        host.register('Plugin.GetConfig', t.struct('Z_GetConfigArgs', []), hostConfig, () => ({
            A: {
                ServiceSettings: {SiteURL: 'http://mm', EnablePostIconOverride: true, ReadTimeout: 300},
                TeamSettings: {MaxUsersPerTeam: 50},
                PluginSettings: {Plugins: {p: {Greeting: 'hi'}}},
            },
        }));
        const [pluginEnd, hostEnd] = socketPair();
        host.serveConn(hostEnd);
        const conn = new ApiConnection();
        conn.bind(new RpcApiTransport(pluginEnd));
        const api = new MattermostApi(conn, {fallbackLog: silent});

        expect(await api.call('GetConfig', [])).toEqual({
            ServiceSettings: {SiteURL: 'http://mm', EnablePostIconOverride: true, ReadTimeout: 300},
            TeamSettings: {MaxUsersPerTeam: 50},
            PluginSettings: {Plugins: {p: {Greeting: 'hi'}}},
        });
        expect(await api.getConfig()).toEqual({
            ServiceSettings: {
                SiteURL: 'http://mm',
                EnablePostIconOverride: true,
                AllowedUntrustedInternalConnections: null,
                EnableInsecureOutgoingConnections: null,
                EnablePostUsernameOverride: null,
            },
        });
        expect(await api.getServerConfig()).toMatchObject({siteURL: 'http://mm', enablePostIconOverride: true, enablePostUsernameOverride: false});
        conn.close();
    });
});
