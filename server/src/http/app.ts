import {API_BASE, integrationRoutes, type ApiErrorBody} from '@tripwire/common';
import express, {type Application, type NextFunction, type Request, type Response} from 'express';

import {redactTarget, redactTokensIn} from '../lib/redact_path';
import {PluginApiError, type Logger} from '../ports';

import {apiRouter} from './api_router';
import {ApiError, clientErrorOf} from './errors';
import {openApiDocument} from './openapi';
import {ruleSlug} from './service/rule_service';
import {createServices, type HttpDeps, type Services} from './services';

/** Inbound posts and late replies: Mattermost's own incoming-webhook limit is of this order. */
const RAW_LIMIT = '1mb';

/**
 * Authentication, in one place. Mattermost's ServeHTTP removes any `Mattermost-User-Id` a client sends and sets it
 * only for a valid session (token, or cookie plus CSRF token for non-GET requests; plugin_requests.go), so the
 * header is the only identity this plugin believes. No header: 401.
 */
function requireUser(req: Request, res: Response, next: NextFunction): void {
    const userId = req.get('Mattermost-User-Id');
    if (!userId) {
        next(new ApiError('unauthenticated', 'log in to Mattermost first'));
        return;
    }
    res.locals.userId = userId;
    next();
}

/** JSON parsing whatever the Content-Type: Mattermost posts actions to plugins without one (doPluginRequest). */
const anyJson = express.json({type: () => true, limit: RAW_LIMIT});
const anyRaw = express.raw({type: () => true, limit: RAW_LIMIT});

/**
 * The plugin's HTTP surface as an express app, served through Mattermost's ServeHTTP hook (never listening on a
 * port). Express sees the path with `/plugins/tripwire` already removed by Mattermost:
 * - `/api/v1/...` the REST API (routes in common/src/api.ts), for logged-in users;
 * - `/interactive/action`, `/interactive/dialog`: clicks and dialog submissions Mattermost forwards;
 * - `/in/:token` (a rule's inbound URL) and `/r/:token` (a delivery's response_url): for services, no session.
 */
export function createApp(s: Services): Application {
    const {log, version} = s.deps;
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use((_req, res, next) => {
        res.set({'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store'});
        next();
    });

    app.get(`${API_BASE}/health`, (_req, res) => {
        res.json({ok: true, version});
    });
    // Built on first request: turning every schema into JSON Schema costs tens of milliseconds of start-up.
    let openapi: ReturnType<typeof openApiDocument> | undefined;
    app.get(`${API_BASE}/openapi.json`, (_req, res) => {
        res.json((openapi ??= openApiDocument()));
    });
    app.use(API_BASE, requireUser, apiRouter(s));

    // Mattermost reads these two answers as its own PostActionIntegrationResponse / SubmitDialogResponse whatever the
    // status (a dialog answer whose `error` is an object fails to decode and the user sees a 500), so a refusal is
    // told in those shapes: an ephemeral text for a click, the dialog's error line for a submission.
    const actionShape = (message: string) => ({ephemeral_text: message});
    const dialogShape = (message: string) => ({error: message});
    app.post(integrationRoutes.action.path, requireUser, anyJson, (req, res, next) => {
        s.interactive.action(res.locals.userId as string, req.body).then((answer) => sendOnce(res, answer), refusedAs(res, next, actionShape));
    });
    app.use(integrationRoutes.action.path, bodyRefusedAs(actionShape));
    app.post(integrationRoutes.dialog.path, requireUser, anyJson, (req, res, next) => {
        s.interactive.dialog(res.locals.userId as string, req.body).then((answer) => sendOnce(res, answer), refusedAs(res, next, dialogShape));
    });
    app.use(integrationRoutes.dialog.path, bodyRefusedAs(dialogShape));
    app.get(integrationRoutes.ruleSuggestions.path, requireUser, (req, res, next) => {
        const channelId = typeof req.query.channel_id === 'string' ? req.query.channel_id : '';
        ruleSuggestions(s, res.locals.userId as string, channelId).then((items) => sendOnce(res, items), next);
    });
    app.post(integrationRoutes.inbound.path, anyRaw, (req, res, next) => {
        s.inbound.handle(String(req.params.token), req.get('content-type') ?? '', bodyOf(req), req.get('x-tripwire-hops')).then(() => res.type('text/plain').send('ok'), next);
    });
    app.post(integrationRoutes.responseUrl.path, anyRaw, (req, res, next) => {
        s.deps.dispatcher
            .handleAsyncReply(String(req.params.token), req.get('content-type') ?? '', bodyOf(req))
            .then((r) => {
                if (r.ok) res.json({ok: true, reply: r.outcome});
                else if (r.error === 'expired' || r.error === 'used_up') throw new ApiError('not_found', r.error === 'expired' ? 'this response_url has expired' : 'this response_url was used up');
                else if (r.error === 'channel_archived') throw new ApiError('channel_archived', "the delivery's channel is archived");
                else throw new ApiError('not_found', 'unknown response_url');
            })
            .catch(next);
    });

    app.use((_req, _res, next) => next(new ApiError('not_found', 'no such route')));
    app.use(errorMiddleware(log));
    return app;
}

/** Everything the plugin serves over ServeHTTP, from its dependencies: the composition root's one call. */
export function createTripwireHttp(deps: HttpDeps): {app: Application; services: Services} {
    const services = createServices(deps);
    return {app: createApp(services), services};
}

/**
 * Mattermost's dynamic-list autocomplete (model.AutocompleteListItem): the channel's rules as one-word items. A
 * channel the user may not see gives an empty list, never an error in the command line.
 */
async function ruleSuggestions(s: Services, userId: string, channelId: string): Promise<Array<{item: string; hint: string; helptext: string}>> {
    try {
        return (await s.rules.listChannel(userId, channelId)).map((r) => ({item: ruleSlug(r.name), hint: r.enabled ? 'enabled' : 'disabled', helptext: r.name}));
    } catch (err) {
        if (publicError(err)) return [];
        throw err;
    }
}

function bodyOf(req: Request): Buffer {
    return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/**
 * Mattermost's in-process plugin requests keep only the last Write of the answer (LocalResponseWriter), so the whole
 * body goes out in one write.
 */
function sendOnce(res: Response, value: unknown): void {
    const body = Buffer.from(JSON.stringify(value));
    res.status(200).type('application/json').set('Content-Length', String(body.length)).end(body);
}

/**
 * Mattermost answers a call naming something stale (a deleted post, channel or user) with a 4xx AppError: that is the
 * caller's input, not a fault of the plugin, so it answers 4xx too, with a public message of its own.
 */
function stalenessOf(err: unknown): ApiError | undefined {
    if (!(err instanceof PluginApiError) || err.statusCode < 400 || err.statusCode >= 500) return undefined;
    if (err.statusCode === 404) return new ApiError('not_found', 'not found: it may have been deleted');
    if (err.statusCode === 403) return new ApiError('forbidden', 'Mattermost does not allow this');
    return new ApiError('invalid_input', 'Mattermost refused the request');
}

/** The public error an error stands for (an ApiError, a body-parser refusal, a stale Mattermost object), if any. */
function publicError(err: unknown): ApiError | undefined {
    return clientErrorOf(err) ?? stalenessOf(err);
}

/** A refusal (4xx) answered 200 in the caller's own shape; anything else goes to the error middleware. */
function refusedAs(res: Response, next: NextFunction, shape: (message: string) => object) {
    return (err: unknown) => {
        const error = publicError(err);
        if (error && error.status < 500) sendOnce(res, shape(error.message));
        else next(err);
    };
}

/**
 * The same for a body Mattermost would never send (not a JSON object, too large): still in the shape Mattermost
 * decodes. A request without a session stays a 401.
 */
function bodyRefusedAs(shape: (message: string) => object) {
    return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
        if (err instanceof ApiError) next(err);
        else refusedAs(res, next, shape)(err);
    };
}

/**
 * The one error mapping: public errors answer with their code's status and message; anything else is logged with its
 * cause and answered as a bare 500, so internals (stack traces, Mattermost errors, KV keys) never leak.
 */
export function errorMiddleware(log: Logger) {
    return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
        let error = publicError(err);
        if (!error) {
            // The path may hold a bearer token (/in/:token, /r/:token), and errors quote the URLs they failed on.
            log.error('Tripwire HTTP request failed', {method: req.method, path: redactTarget(req.path), error: redactTokensIn(err instanceof Error ? (err.stack ?? err.message) : String(err))});
            error = new ApiError('internal', 'internal error');
        } else if (error.status >= 500) {
            log.warn('Tripwire HTTP request unavailable', {method: req.method, path: redactTarget(req.path), error: redactTokensIn(error.message)});
        }
        if (res.headersSent) {
            res.destroy();
            return;
        }
        const body: ApiErrorBody = error.toBody();
        res.status(error.status).json(body);
    };
}
