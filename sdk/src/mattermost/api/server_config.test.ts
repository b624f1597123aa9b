import {t} from '../../runtime/gob';
import {RpcClient, RpcServer} from '../../runtime/netrpc';
import {socketPair} from '../serve_http/socket_pair';
import {registerPluginTypes} from '../register_types';
import {type Logger} from './types';
import {MattermostApi} from './client';
import {ApiConnection} from './connection';

registerPluginTypes();

const silent: Logger = {debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined};

/** The host's reply type: a *model.Config with settings beyond ServiceSettings' five that getConfig reads. */
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

describe('GetConfig', () => {
    it('decodes the whole generated Config for call(), only the projected ServiceSettings for getConfig()', async () => {
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
        conn.bind(new RpcClient(pluginEnd));
        const api = new MattermostApi(conn, {fallbackLog: silent});

        expect(await api.call('GetConfig', [])).toMatchObject({
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
