import {type Socket} from 'node:net';
import {YamuxSession, type YamuxStream} from '../yamux';
import {announce, type AnnounceOptions, type Announced} from './announce';
import {YamuxMuxBroker, type MuxBroker} from './broker';
import {controlServer, type PluginFactory} from './control';
import {hostLog} from './host_log';

export interface ServeOptions {
    /**
     * go-plugin's plugin map: Dispenser.Dispense(name) gets a broker id, the plugin accepts a stream on it and serves
     * the RpcServer this factory returns. Mattermost dispenses "hooks".
     */
    plugins: Readonly<Record<string, PluginFactory>>;
    /** Called once before the process exits: on Control.Quit, when the host goes away, or on SIGTERM. */
    onQuit?: () => Promise<void> | void;
    /** Exit when no host connects within this time (a host that died before dialing). Default 30 s. */
    connectTimeoutMs?: number;
    /** Upper bound on onQuit: go-plugin kills the process 2 s after Control.Quit. Default 1.5 s. */
    quitTimeoutMs?: number;
}

export interface ServedPlugin {
    broker: MuxBroker;
    /** Resolves once the plugin has stopped serving, just before the process exits. */
    done: Promise<void>;
}

/**
 * Serves this process as a go-plugin netrpc plugin, as go-plugin's Serve does: announce (magic cookie, listen,
 * handshake line), then serveAnnounced. Resolves once the handshake line is printed.
 */
export async function servePlugin(options: ServeOptions & AnnounceOptions): Promise<ServedPlugin> {
    return serveAnnounced(await announce(options), options);
}

/**
 * The second stage of go-plugin's Serve, after the handshake line: runs the yamux server for the one host
 * connection. The first three host streams are control (Control and Dispenser net/rpc services), stdout and stderr;
 * later ones are MuxBroker streams. The process exits on Control.Quit, when the host connection ends, on SIGTERM, or
 * when no host connects in time, removing the socket file on every path. SIGINT is ignored (the host shares our
 * process group and stops us itself).
 */
export function serveAnnounced(announced: Announced, options: ServeOptions): ServedPlugin {
    const plugin = new ServedProcess(announced, options);
    plugin.start();
    return {broker: plugin.broker, done: plugin.done};
}

class ServedProcess {
    readonly broker = new YamuxMuxBroker();
    readonly done: Promise<void>;
    private resolveDone!: () => void;
    private session: YamuxSession | null = null;
    private stdoutStream: YamuxStream | null = null;
    private readonly held: YamuxStream[] = [];
    private connectTimer: NodeJS.Timeout | undefined;
    private stopping = false;

    constructor(
        private readonly announced: Announced,
        private readonly options: ServeOptions,
    ) {
        this.done = new Promise((resolve) => (this.resolveDone = resolve));
    }

    start(): void {
        this.announced.onStopSignal((code, reason) => void this.stop(code, reason));
        // Later stdout output goes to the host's stdout stream.
        this.announced.redirectStdout(() => this.stdoutStream);
        const connectTimeoutMs = this.options.connectTimeoutMs ?? 30_000;
        this.connectTimer = setTimeout(() => {
            hostLog.error(`no host connected within ${connectTimeoutMs / 1000} s; exiting`);
            void this.stop(1, 'connect timeout');
        }, connectTimeoutMs);
        this.announced.takeConnections((conn) => this.onConnection(conn));
    }

    private onConnection(conn: Socket): void {
        if (this.session !== null || this.stopping) {
            conn.destroy(); // the host opens exactly one connection
            return;
        }
        clearTimeout(this.connectTimer);
        if (conn.destroyed) {
            // The host's one connection ended while the plugin was loading (see announce): it is gone.
            void this.stop(0, 'host connection closed');
            return;
        }
        conn.setNoDelay?.(true);
        const session = new YamuxSession(conn, {isServer: true});
        this.session = session;
        this.broker.attach(session);
        let accepted = 0;
        session.on('stream', (stream: YamuxStream) => {
            accepted++;
            if (accepted === 1) return this.serveControl(stream);
            if (accepted <= 3) return this.holdStdio(stream, accepted === 2);
            this.broker.handleIncoming(stream);
        });
        session.on('close', (err?: Error) => {
            if (this.stopping) return;
            hostLog.debug('host connection closed; exiting', err ? {error: err} : undefined);
            void this.stop(0, 'host connection closed');
        });
    }

    private serveControl(stream: YamuxStream): void {
        stream.on('error', () => undefined);
        const rpc = controlServer({
            plugins: this.options.plugins,
            broker: this.broker,
            // Let the reply leave before the session closes.
            onQuit: () => setImmediate(() => void this.stop(0, 'Control.Quit')),
        });
        rpc.serveConn(stream);
    }

    /** stdout and stderr streams: the host reads them into its log; we write redirected stdout to the first. */
    private holdStdio(stream: YamuxStream, isStdout: boolean): void {
        stream.on('error', () => undefined);
        stream.resume();
        this.held.push(stream);
        if (isStdout) this.stdoutStream = stream;
    }

    /** Idempotent: runs onQuit (bounded), closes the session and the listener, removes the socket, exits. */
    private async stop(code: number, reason: string): Promise<void> {
        if (this.stopping) return;
        this.stopping = true;
        clearTimeout(this.connectTimer);
        hostLog.debug('plugin stopping', {reason});
        const quitTimeoutMs = this.options.quitTimeoutMs ?? 1500;
        if (this.options.onQuit) {
            try {
                await boundedBy(Promise.resolve(this.options.onQuit()), quitTimeoutMs);
            } catch (e) {
                hostLog.error('onQuit failed', {error: e});
            }
        }
        this.stdoutStream = null;
        const session = this.session;
        if (session !== null && !session.isClosed) {
            const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
            session.close();
            await boundedBy(closed, 300).catch(() => undefined);
        }
        this.broker.close();
        this.announced.listener.close();
        this.resolveDone();
        // Leave a turn for whoever awaits `done`, then exit.
        setImmediate(() => process.exit(code));
    }
}

function boundedBy<T>(p: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
    });
    return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
