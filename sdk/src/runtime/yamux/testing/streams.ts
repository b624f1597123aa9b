import {type Readable} from 'node:stream';

/** Reads a stream to its end; rejects with a clear message if that takes longer than `ms`. */
export function readAll(r: Readable, ms = 10_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const parts: Buffer[] = [];
        const timer = setTimeout(() => reject(new Error(`stream did not end within ${ms} ms (got ${parts.reduce((n, p) => n + p.length, 0)} bytes)`)), ms);
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => {
            clearTimeout(timer);
            resolve(Buffer.concat(parts));
        });
        r.on('error', (e) => {
            clearTimeout(timer);
            reject(e);
        });
    });
}

/** Resolves when `emitter` emits `event`, or rejects after `ms` naming what was awaited. */
export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string, ms = 3000): Promise<T> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${ms} ms`)), ms);
        emitter.once(event, (v: T) => {
            clearTimeout(timer);
            resolve(v);
        });
    });
}

export function pattern(n: number, seed = 1): Buffer {
    const b = Buffer.allocUnsafe(n);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        b[i] = x & 0xff;
    }
    return b;
}

/** `p`, or a rejection naming `what` if it takes longer than `ms`; the timer never outlives the race. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
