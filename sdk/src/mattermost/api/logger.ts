import {PluginApiClient} from '../../client';
import {hostLog} from '../../runtime/goplugin';
import type {Logger} from './types';
import {type ApiConnection} from './connection';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Rewrites text before it is logged, e.g. to hide the credentials in URLs; identity by default. */
export type Redact = (text: string) => string;

const METHOD = {debug: 'LogDebug', info: 'LogInfo', warn: 'LogWarn', error: 'LogError'} as const;

/**
 * The Logger port through Mattermost's LogX API, so plugin logs land in the server log with the plugin id attached.
 * Fields travel as key, value, key, value… strings, as the Go SDK stringifies them. Before OnActivate (no API yet)
 * and when a call fails, the line goes to the host's stderr log instead, so nothing is lost.
 */
export class ApiLogger implements Logger {
    private readonly client: PluginApiClient;

    constructor(
        private readonly conn: ApiConnection,
        private readonly fallback: Logger = hostLog,
        private readonly redact: Redact = (text) => text,
    ) {
        this.client = new PluginApiClient(conn);
    }

    debug(message: string, fields?: Record<string, unknown>): void {
        void this.write('debug', message, fields);
    }

    info(message: string, fields?: Record<string, unknown>): void {
        void this.write('info', message, fields);
    }

    warn(message: string, fields?: Record<string, unknown>): void {
        void this.write('warn', message, fields);
    }

    error(message: string, fields?: Record<string, unknown>): void {
        void this.write('error', message, fields);
    }

    /**
     * Logs and resolves once the server has it; never rejects. Every line, whoever wrote it (the SDK's ServeHTTP
     * bridge and hooks dispatcher too), goes through `redact`: message and every field value.
     */
    async write(level: LogLevel, rawMessage: string, rawFields?: Record<string, unknown>): Promise<void> {
        const message = this.redact(rawMessage);
        const fields = rawFields && Object.fromEntries(Object.entries(rawFields).map(([k, v]) => [k, redacted(v, this.redact)]));
        if (!this.conn.connected) {
            this.fallback[level](message, fields);
            return;
        }
        try {
            await this.client.call(METHOD[level], message, ...(keyValues(fields) ?? []));
        } catch {
            this.fallback[level](message, fields);
        }
    }
}

/** A field value redacted; values that hold none keep their type (the host log writes JSON). */
function redacted(v: unknown, redact: Redact): unknown {
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return v;
    const text = stringify(v);
    const safe = redact(text);
    return typeof v === 'string' || safe !== text ? safe : v;
}

/** Flattens fields to [k1, v1, k2, v2, …] strings; undefined for none (a nil slice on the wire). */
export function keyValues(fields: Record<string, unknown> | undefined): string[] | undefined {
    if (!fields) return undefined;
    const out: string[] = [];
    for (const [k, v] of Object.entries(fields)) out.push(k, stringify(v));
    return out.length > 0 ? out : undefined;
}

/** Like Go's %+v where it matters: strings as they are, errors by message, objects as JSON. */
export function stringify(v: unknown): string {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return v.message;
    if (v === undefined) return '<nil>';
    if (v !== null && typeof v === 'object') {
        try {
            return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
        } catch {
            return String(v);
        }
    }
    return String(v);
}
