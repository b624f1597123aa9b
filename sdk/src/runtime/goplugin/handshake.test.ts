import {cookieError, handshakeLine, MATTERMOST_HANDSHAKE, negotiateVersion, unsupportedFeatures} from './handshake';

describe('go-plugin handshake', () => {
    it("accepts Mattermost's magic cookie, trailing period included", () => {
        expect(cookieError({MATTERMOST_PLUGIN: 'Securely message teams, anywhere.'}, MATTERMOST_HANDSHAKE)).toBeNull();
    });

    it('explains what to do when run by hand or with a wrong cookie', () => {
        for (const env of [{}, {MATTERMOST_PLUGIN: 'Securely message teams, anywhere'}]) {
            const msg = cookieError(env, MATTERMOST_HANDSHAKE);
            expect(msg).toMatch(/This binary is a plugin/);
            expect(msg).toMatch(/MATTERMOST_PLUGIN/);
        }
    });

    it('prints exactly the line go-plugin parses, with no 7th field', () => {
        expect(handshakeLine(1, 'unix', '/tmp/plugin123')).toBe('1|1|unix|/tmp/plugin123|netrpc|\n');
        expect(handshakeLine(1, 'tcp', '127.0.0.1:10000').split('|')).toHaveLength(6);
    });

    it('checks PLUGIN_PROTOCOL_VERSIONS', () => {
        expect(negotiateVersion({}, 1)).toEqual({version: 1});
        expect(negotiateVersion({PLUGIN_PROTOCOL_VERSIONS: '1'}, 1)).toEqual({version: 1});
        expect(negotiateVersion({PLUGIN_PROTOCOL_VERSIONS: '3,1'}, 1)).toEqual({version: 1});
        const r = negotiateVersion({PLUGIN_PROTOCOL_VERSIONS: '2,3'}, 1);
        expect(r.version).toBe(1);
        expect(r.warning).toMatch(/2,3.*speaks 1/);
    });

    it('reports AutoMTLS, which it cannot do', () => {
        expect(unsupportedFeatures({})).toEqual([]);
        expect(unsupportedFeatures({PLUGIN_CLIENT_CERT: '-----BEGIN CERTIFICATE-----'})[0]).toMatch(/AutoMTLS/);
    });
});
