import type * as m from '../../generated/model';
import {GoValue} from '../../runtime/gob';
import {isAppError} from '../app_error';

/** A *model.AppError value (gob field names) for an error a hook threw. */
export function appErrorValue(err: unknown, fallbackId: string): Record<string, unknown> {
    if (isAppError(err)) {
        return {Id: err.id || fallbackId, Message: err.message, StatusCode: err.statusCode, Where: err.where};
    }
    return {Id: fallbackId, Message: messageOf(err), StatusCode: 500};
}

/** The same *model.AppError in its JSON shape, for a hook result of that type (encoding/json has no Where). */
export function appErrorJson(err: unknown, fallbackId: string): m.AppError {
    const e = appErrorValue(err, fallbackId);
    return {id: String(e.Id), message: String(e.Message), detailed_error: '', status_code: Number(e.StatusCode)};
}

/**
 * Go's encodableError for an `error` result: an AppError travels as itself, any other error as
 * *plugin.ErrorString carrying its text; undefined (nil) for no error.
 */
export function encodableError(err: unknown): GoValue | undefined {
    if (err === undefined || err === null) return undefined;
    if (isAppError(err)) return new GoValue('*model.AppError', appErrorValue(err, ''));
    return new GoValue('*plugin.ErrorString', {Err: messageOf(err)});
}

export function messageOf(err: unknown): string {
    if (err instanceof Error) return err.message;
    return typeof err === 'string' ? err : String(err);
}
