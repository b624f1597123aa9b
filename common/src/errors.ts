import {type ZodError} from 'zod';

/** Error codes shared by the API and the webapp; the http layer maps each to one status. */
export const errorCodes = [
    'unauthenticated',
    'forbidden',
    'not_found',
    'invalid_input',
    'conflict',
    'limit_exceeded',
    'payload_too_large',
    'unavailable',
    /** The rule's channel is archived: its rules rest until it is unarchived. */
    'channel_archived',
    'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** One message per field path, e.g. `{"trigger.pattern": "missing closing )"}`; `""` is the whole value. */
export type FieldErrors = Record<string, string>;

export function fieldErrorsOf(error: ZodError): FieldErrors {
    const out: FieldErrors = {};
    for (const issue of error.issues) {
        const key = issue.path.map(String).join('.');
        // Keep the first message per field: later ones are usually consequences of it.
        out[key] ??= issue.message;
    }
    return out;
}

/** The body of every 4xx/5xx answer from the plugin's REST API. */
export interface ApiErrorBody {
    error: {code: ErrorCode; message: string; fields?: FieldErrors};
}
