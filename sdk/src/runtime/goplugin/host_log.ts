// Log lines for the go-plugin host. The host reads the plugin's real stderr line by line (client.go logStderr) and
// parses hclog's JSON form: {"@level", "@message", "@timestamp" in "2006-01-02T15:04:05.000000Z07:00", other keys as
// key/value pairs}; Mattermost logs each entry at that level through its hclog adapter. Plain lines would need a
// "[INFO]"-style prefix and lose the key/value pairs.

export type HostLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface HostLog {
    trace(msg: string, kv?: object): void;
    debug(msg: string, kv?: object): void;
    info(msg: string, kv?: object): void;
    warn(msg: string, kv?: object): void;
    error(msg: string, kv?: object): void;
}

/** The host's line reader gives up on lines past 64 KiB (PluginLogBufferSize); stay well below. */
const MAX_MESSAGE = 16 * 1024;
const RESERVED = new Set(['@level', '@message', '@timestamp', '@module', '@caller']);

/** hclog's JSON timestamp: microseconds, exactly six digits, or Go's parser rejects the whole line. */
export function hclogTimestamp(d: Date): string {
    return d.toISOString().replace(/Z$/, '000Z');
}

export function formatHostLogLine(level: HostLogLevel, msg: string, kv: object | undefined, now: Date): string {
    const entry: Record<string, unknown> = {
        '@level': level,
        '@message': msg.length > MAX_MESSAGE ? `${msg.slice(0, MAX_MESSAGE)}… (truncated)` : msg,
        '@timestamp': hclogTimestamp(now),
    };
    if (kv) {
        for (const [k, v] of Object.entries(kv)) if (!RESERVED.has(k)) entry[k] = loggable(v);
    }
    return `${JSON.stringify(entry)}\n`;
}

function loggable(v: unknown): unknown {
    if (v instanceof Error) return v.message;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string' && v.length > MAX_MESSAGE) return `${v.slice(0, MAX_MESSAGE)}… (truncated)`;
    return v;
}

/** A logger writing hclog JSON lines to `write` (one call per line). Unserialisable key/values are dropped, never thrown. */
export function createHostLog(write: (line: string) => void, now: () => Date = () => new Date()): HostLog {
    const log = (level: HostLogLevel) => (msg: string, kv?: object) => {
        let line: string;
        try {
            line = formatHostLogLine(level, msg, kv, now());
        } catch {
            line = formatHostLogLine(level, msg, undefined, now()); // e.g. a circular or BigInt-holding object
        }
        write(line);
    };
    return {trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error')};
}

let stderrGuarded = false;

/** Logs to the process's real stderr. A dead host (EPIPE) must not crash the plugin, so write errors are ignored. */
export const hostLog: HostLog = createHostLog((line) => {
    if (!stderrGuarded) {
        stderrGuarded = true;
        process.stderr.on('error', () => undefined);
    }
    process.stderr.write(line);
});
