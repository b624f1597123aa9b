// The conformance plugin's HTTP surface (/api/call, /whoami, /upload, /stream, /action): an express app, loaded on
// the first ServeHTTP (see hooks.ts).
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import express, {type Request, type Response} from 'express';
import * as z from 'zod';
import {PluginApiError} from '../../src/ports';
import {isApiMethod, type MattermostApi} from '@tripwire/sdk/mattermost';

const callArgs = z.array(z.unknown());

/** Methods whose permission argument may be given as the permission id alone. */
const PERMISSION_ARG: Readonly<Record<string, number>> = {HasPermissionTo: 1, HasPermissionToChannel: 2, HasPermissionToTeam: 2};

export function conformanceApp(api: MattermostApi): express.Express {
    const app = express();
    app.disable('x-powered-by');
    const json = express.json({limit: '50mb', strict: false});

    app.post('/api/call/:method', json, async (req: Request, res: Response) => {
        const method = String(req.params.method);
        const parsed = callArgs.safeParse(req.body ?? []);
        if (!isApiMethod(method) || !parsed.success) {
            res.status(400).json({error: {id: 'conformance.bad_call', message: `unknown method or arguments: ${method}`, status_code: 400}});
            return;
        }
        const args = [...parsed.data];
        const at = PERMISSION_ARG[method];
        if (at !== undefined && typeof args[at] === 'string') args[at] = {id: args[at]};
        try {
            const result = await api.call(method, args);
            res.type('application/json').send(toJson({result}));
        } catch (err) {
            const e = err instanceof PluginApiError ? err : new PluginApiError(err instanceof Error ? err.message : String(err), 500);
            res.status(e.statusCode || 500).json({error: {id: e.id, message: e.message, status_code: e.statusCode || 500}});
        }
    });

    app.get('/whoami', (req: Request, res: Response) => {
        res.json({user_id: req.get('Mattermost-User-Id') ?? ''});
    });

    app.post('/upload', async (req: Request, res: Response) => {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of req) {
            bytes += (chunk as Buffer).length;
            hash.update(chunk as Buffer);
        }
        res.json({bytes, sha256: hash.digest('hex')});
    });

    // With `lockstep=<key>`, chunk i+1 is written only once the client acknowledged chunk i through /stream/ack: a
    // response buffered anywhere on the way can never be acknowledged, so the plugin gives up and ends it short. No
    // clock is involved, so a loaded machine cannot fail it.
    const acks = new Map<string, () => void>();
    app.get('/stream', async (req: Request, res: Response) => {
        const chunks = intParam(req.query.chunks, 1);
        const size = intParam(req.query.size, 1024);
        const lockstep = typeof req.query.lockstep === 'string' ? req.query.lockstep : '';
        res.status(200).type('application/octet-stream');
        for (let i = 0; i < chunks; i++) {
            const acked = lockstep && i < chunks - 1 ? waitForAck(acks, `${lockstep}:${i}`, 10_000) : undefined;
            if (!res.write(Buffer.alloc(size, i % 256))) await once(res, 'drain');
            if (acked && !(await acked)) break;
        }
        res.end();
    });

    app.get('/stream/ack', (req: Request, res: Response) => {
        const release = acks.get(`${String(req.query.key)}:${String(req.query.n)}`);
        release?.();
        res.status(release ? 204 : 404).end();
    });

    app.post('/action', json, async (req: Request, res: Response) => {
        await api.log.write('info', 'conformance action', {body: req.body as unknown});
        res.json({update: null, ephemeral_text: 'clicked'});
    });

    app.use((_req: Request, res: Response) => {
        res.status(404).json({error: {id: 'conformance.not_found', message: 'not found', status_code: 404}});
    });
    return app;
}

/** Resolves true when the ack arrives, false after `timeoutMs`. */
function waitForAck(acks: Map<string, () => void>, id: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
        const timer = setTimeout(() => {
            acks.delete(id);
            resolve(false);
        }, timeoutMs);
        acks.set(id, () => {
            clearTimeout(timer);
            acks.delete(id);
            resolve(true);
        });
    });
}

function intParam(v: unknown, fallback: number): number {
    const n = typeof v === 'string' ? Number.parseInt(v, 10) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** JSON with []byte as base64, as Go's encoding/json writes it. */
function toJson(value: unknown): string {
    return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
        const raw = (this as Record<string, unknown> | undefined)?.[key];
        if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('base64');
        return typeof v === 'bigint' ? Number(v) : v;
    });
}
