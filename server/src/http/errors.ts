import {type ApiErrorBody, type ErrorCode, type FieldErrors} from '@tripwire/common';
import {type ZodError} from 'zod';

/** The one status each error code answers with. */
export const statusOfCode: Readonly<Record<ErrorCode, number>> = {
    unauthenticated: 401,
    forbidden: 403,
    not_found: 404,
    invalid_input: 400,
    conflict: 409,
    limit_exceeded: 409,
    payload_too_large: 413,
    unavailable: 503,
    channel_archived: 409,
    internal: 500,
};

/**
 * An error meant for the API's caller: its message is public, so it must say nothing the caller may not know. Any
 * other error thrown by a handler becomes a 500 with a generic message (and is logged with its cause).
 */
export class ApiError extends Error {
    constructor(
        readonly code: ErrorCode,
        message: string,
        readonly fields?: FieldErrors,
    ) {
        super(message);
        this.name = 'ApiError';
    }

    get status(): number {
        return statusOfCode[this.code];
    }

    toBody(): ApiErrorBody {
        return {error: {code: this.code, message: this.message, ...(this.fields && {fields: this.fields})}};
    }
}

export const notFound = (what = 'not found') => new ApiError('not_found', what);
export const forbidden = (why: string) => new ApiError('forbidden', why);
export const invalid = (fields: FieldErrors, message = 'the request is not valid') => new ApiError('invalid_input', message, fields);

/**
 * Field errors keyed by dotted path, like common's fieldErrorsOf, except that each unknown field gets its own key
 * (`rule.extra: "unknown field"`) so a client can point at it.
 */
export function apiFieldErrors(error: ZodError, prefix = ''): FieldErrors {
    const out: FieldErrors = {};
    const put = (path: readonly PropertyKey[], message: string) => {
        const key = [prefix, ...path.map(String)].filter(Boolean).join('.');
        out[key] ??= message;
    };
    for (const issue of error.issues) {
        if (issue.code === 'unrecognized_keys') for (const k of issue.keys) put([...issue.path, k], 'unknown field');
        else put(issue.path, issue.message);
    }
    return out;
}

/** Errors from express's body parsers, by their `type`. */
const PARSER_ERRORS: Record<string, ApiError> = {
    'entity.too.large': new ApiError('payload_too_large', 'the request body is too large'),
    'entity.parse.failed': new ApiError('invalid_input', 'the request body is not valid JSON', {'': 'not valid JSON'}),
    'encoding.unsupported': new ApiError('invalid_input', 'unsupported content encoding'),
    'charset.unsupported': new ApiError('invalid_input', 'unsupported charset'),
    'request.aborted': new ApiError('invalid_input', 'the request was aborted'),
    'request.size.invalid': new ApiError('invalid_input', 'the request body is shorter or longer than announced'),
};

/**
 * The ApiError for what express and its body parsers throw at a bad request, or undefined for anything else (a bug:
 * 500). Besides the typed parser errors, they throw untyped 4xx errors (http-errors' `status`), e.g. a body that
 * says `Content-Encoding: gzip` but does not inflate, or a path whose %-escapes do not decode; those are the
 * client's fault too, never a 500.
 */
export function clientErrorOf(err: unknown): ApiError | undefined {
    if (err instanceof ApiError) return err;
    if (err === null || typeof err !== 'object') return undefined;
    const {type, status, expose} = err as {type?: unknown; status?: unknown; expose?: unknown};
    if (typeof type === 'string' && PARSER_ERRORS[type]) return PARSER_ERRORS[type];
    // express's router, when a path parameter's %-escapes do not decode.
    if (err instanceof URIError && status === 400) return new ApiError('invalid_input', 'the path is not valid (bad %-escape)');
    // http-errors marks client errors `expose`; errors of our own dependencies (e.g. PluginApiError) never are.
    if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return undefined;
    if (status === 413) return PARSER_ERRORS['entity.too.large'];
    return new ApiError('invalid_input', 'the request body cannot be read');
}
