// go-plugin's handshake (server.go Serve): the magic cookie check, the app protocol version and the one line the host
// reads from stdout: CORE|APP|network|address|protocol|serverCert.

export interface HandshakeConfig {
    protocolVersion: number;
    magicCookieKey: string;
    magicCookieValue: string;
}

/** server/public/plugin/api.go: the handshake Mattermost's host expects. */
export const MATTERMOST_HANDSHAKE: Readonly<HandshakeConfig> = Object.freeze({
    protocolVersion: 1,
    magicCookieKey: 'MATTERMOST_PLUGIN',
    magicCookieValue: 'Securely message teams, anywhere.',
});

export const CORE_PROTOCOL_VERSION = 1;

type Env = Readonly<Record<string, string | undefined>>;

/** null when the cookie matches; otherwise the message to print before exiting with status 1. */
export function cookieError(env: Env, cfg: HandshakeConfig): string | null {
    if (env[cfg.magicCookieKey] === cfg.magicCookieValue) return null;
    return (
        'This binary is a plugin. These are not meant to be executed directly.\n' +
        'Please execute the program that consumes these plugins, which will\n' +
        `load any plugins automatically (the host sets ${cfg.magicCookieKey}).\n`
    );
}

/**
 * Our app protocol version, and a warning when the host's PLUGIN_PROTOCOL_VERSIONS does not list it. Like go-plugin
 * we still announce ours: the host then refuses it with a clear "incompatible API version" error of its own.
 */
export function negotiateVersion(env: Env, ours: number): {version: number; warning?: string} {
    const offered = env['PLUGIN_PROTOCOL_VERSIONS'];
    if (offered === undefined || offered === '') return {version: ours};
    const versions = offered.split(',').map((v) => Number.parseInt(v.trim(), 10));
    if (versions.includes(ours)) return {version: ours};
    return {version: ours, warning: `host offers plugin protocol versions ${offered}; this plugin speaks ${ours}`};
}

/** Problems with the environment that we can only report: go-plugin features this runtime does not implement. */
export function unsupportedFeatures(env: Env): string[] {
    const out: string[] = [];
    if (env['PLUGIN_CLIENT_CERT']) out.push('PLUGIN_CLIENT_CERT is set (go-plugin AutoMTLS), which this plugin does not support: the host will fail to connect');
    if (env['PLUGIN_UNIX_SOCKET_GROUP']) out.push('PLUGIN_UNIX_SOCKET_GROUP is not honoured');
    return out;
}

/**
 * The handshake line. The 6th field (AutoMTLS certificate) stays empty, and no 7th (gRPC multiplexing) is printed:
 * go-plugin 1.0–1.4 split with SplitN(line, "|", 6) and would glue a 7th field onto the certificate.
 */
export function handshakeLine(appVersion: number, network: 'unix' | 'tcp', address: string): string {
    return `${CORE_PROTOCOL_VERSION}|${appVersion}|${network}|${address}|netrpc|\n`;
}
