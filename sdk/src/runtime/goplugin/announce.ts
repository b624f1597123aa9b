// The first stage of go-plugin's Serve: everything up to and including the handshake line, and nothing more. It
// imports only these small modules and node built-ins, so an entry point can print the line before it loads (compiles,
// evaluates) the rest of the plugin; see serveAnnounced in serve.ts for the second stage.
import {type Socket} from 'node:net';
import {type Writable} from 'node:stream';
import {cookieError, handshakeLine, MATTERMOST_HANDSHAKE, negotiateVersion, unsupportedFeatures, type HandshakeConfig} from './handshake';
import {hostLog} from './host_log';
import {listen, type PluginListener} from './listener';
import {redirectStdout} from './stdout';

export interface AnnounceOptions {
    /** Default: Mattermost's (MATTERMOST_PLUGIN cookie, protocol version 1). */
    handshake?: HandshakeConfig;
    /** Printed after go-plugin's own text when a person runs the executable by hand: what it is, how to install it. */
    aboutText?: string;
}

export type StopHandler = (code: number, reason: string) => void;

/** A plugin whose handshake line is out; the host may already be connecting. */
export interface Announced {
    readonly listener: PluginListener;
    /** Hands over the host connections: those that arrived already (kept, unread, until now) and later ones. */
    takeConnections(handler: (conn: Socket) => void): void;
    /** What SIGTERM and SIGHUP do from now on. Until then: remove the socket and exit. */
    onStopSignal(handler: StopHandler): void;
    /** Where stdout writes go from now on (null: dropped); see redirectStdout. */
    redirectStdout(target: () => Writable | null): void;
}

/**
 * Checks the magic cookie (exits with go-plugin's message when run by hand), listens, prints the handshake line.
 * Signal handling and the socket's removal on exit are in place before the line is out: the host may signal us as
 * soon as it has read it.
 */
export async function announce(options: AnnounceOptions = {}): Promise<Announced> {
    const env = process.env;
    const hs = options.handshake ?? MATTERMOST_HANDSHAKE;
    const badCookie = cookieError(env, hs);
    if (badCookie !== null) {
        process.stderr.write(options.aboutText ? `${options.aboutText}\n\n${badCookie}` : badCookie);
        process.exit(1);
    }
    const {version, warning} = negotiateVersion(env, hs.protocolVersion);
    if (warning !== undefined) hostLog.warn(warning);
    for (const w of unsupportedFeatures(env)) hostLog.warn(w);

    let listener: PluginListener;
    try {
        listener = await listen(env);
    } catch (e) {
        hostLog.error('plugin init error', {error: e});
        process.exit(1);
    }
    // The last resort for the socket file: process.exit, an uncaught exception, the end of the event loop.
    process.on('exit', () => listener.close());

    let stop: StopHandler = (code, reason) => {
        hostLog.debug('plugin stopping', {reason});
        listener.close();
        process.exit(code);
    };
    process.on('SIGINT', () => hostLog.trace('plugin received interrupt signal, ignoring'));
    process.once('SIGTERM', () => stop(143, 'SIGTERM'));
    process.once('SIGHUP', () => stop(129, 'SIGHUP'));

    // Connections that arrive before the plugin serves wait, their data buffered unread. One the host drops
    // meanwhile is handed over destroyed.
    const waiting: Socket[] = [];
    const ignoreError = () => undefined;
    let take: (conn: Socket) => void = (conn) => {
        conn.on('error', ignoreError);
        waiting.push(conn);
    };
    listener.server.on('connection', (conn: Socket) => take(conn));

    let stdoutTarget: () => Writable | null = () => null;
    hostLog.debug('plugin address', {network: listener.network, address: listener.address});
    process.stdout.write(handshakeLine(version, listener.network, listener.address));
    redirectStdout(() => stdoutTarget());
    process.stdout.on('error', () => undefined); // EPIPE once the host is gone

    return {
        listener,
        takeConnections(handler) {
            take = handler;
            for (const conn of waiting.splice(0)) {
                conn.off('error', ignoreError);
                handler(conn);
            }
        },
        onStopSignal(handler) {
            stop = handler;
        },
        redirectStdout(target) {
            stdoutTarget = target;
        },
    };
}
