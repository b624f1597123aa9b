import {type ApiRouteName, type ApiRoutes} from '@tripwire/common';
import express, {type NextFunction, type Request, type Response, type Router} from 'express';
import {type z} from 'zod';

import {ApiError, apiFieldErrors} from './errors';

/** The Mattermost user of a request, as the auth middleware found it. */
export const userIdOf = (res: Response): string => res.locals.userId as string;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<N extends ApiRouteName> {
    userId: string;
    params: Out<ApiRoutes[N]['params']>;
    query: Out<ApiRoutes[N]['query']>;
    body: Out<ApiRoutes[N]['body']>;
}

export type Handler<N extends ApiRouteName> = (input: HandlerInput<N>) => Promise<Out<ApiRoutes[N]['response']> | void>;

/** Body size limits: rules are small, but an import carries up to 100 of them. */
const JSON_LIMIT = '256kb';
const IMPORT_LIMIT = '4mb';
const LARGE_BODIES: ReadonlySet<ApiRouteName> = new Set(['importRules', 'importNativeWebhooks']);

/** Deeper than any valid body (rule conditions nest 5 levels): refused before zod recurses into it. */
const MAX_DEPTH = 32;

export function tooDeep(value: unknown): boolean {
    const stack: Array<[unknown, number]> = [[value, 0]];
    while (stack.length > 0) {
        const [v, depth] = stack.pop()!;
        if (v === null || typeof v !== 'object') continue;
        if (depth >= MAX_DEPTH) return true;
        for (const child of Object.values(v)) stack.push([child, depth + 1]);
    }
    return false;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) throw new ApiError('invalid_input', `the ${where} is not valid`, apiFieldErrors(result.error));
    return result.data;
}

/**
 * Mounts one route of the table: parses params, query and body with the route's schemas (400 with field errors,
 * unknown fields refused), checks the system-admin gate, runs the handler and answers with the route's status.
 */
export function bind<N extends ApiRouteName>(
    router: Router,
    routes: ApiRoutes,
    name: N,
    handler: Handler<N>,
    isSystemAdmin: (userId: string) => Promise<boolean>,
): void {
    const route = routes[name];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    const middleware = route.body ? [express.json({limit: LARGE_BODIES.has(name) ? IMPORT_LIMIT : JSON_LIMIT})] : [];
    router[method](route.path, ...middleware, async (req: Request, res: Response, next: NextFunction) => {
        try {
            const userId = userIdOf(res);
            if (route.access === 'system_admin' && !(await isSystemAdmin(userId))) throw new ApiError('forbidden', 'only system admins may do this');
            const params = route.params ? parse(route.params, {...req.params}, 'path') : undefined;
            const rawQuery = req.query as Record<string, unknown>;
            if (!route.query && Object.keys(rawQuery).length > 0) {
                throw new ApiError('invalid_input', 'the query is not valid', Object.fromEntries(Object.keys(rawQuery).map((k) => [k, 'unknown field'])));
            }
            const query = route.query ? parse(route.query, {...rawQuery}, 'query') : undefined;
            if (route.body && tooDeep(req.body)) throw new ApiError('invalid_input', 'the body is not valid', {'': `nested more than ${MAX_DEPTH} levels deep`});
            const body = route.body ? parse(route.body, req.body, 'body') : undefined;
            const result = await handler({userId, params, query, body} as HandlerInput<N>);
            if (route.status === 204) res.status(204).end();
            else res.status(route.status).json(result);
        } catch (err) {
            next(err);
        }
    });
}
