import {goTypeOf, GoValue} from '../../runtime/gob';
import {AppError} from '../app_error';

interface AppErrorWire {
    Id?: string;
    Message?: string;
    DetailedError?: string;
    StatusCode?: number;
    Where?: string;
}

/** A *model.AppError result field (a plain pointer struct in Z_<M>Returns) as an AppError; null when nil. */
export function appError(value: unknown): AppError | null {
    if (value == null || typeof value !== 'object') return null;
    const e = (value instanceof GoValue ? value.value : value) as AppErrorWire | null;
    if (!e) return null;
    const message = e.Message || e.DetailedError || e.Id || 'unknown Mattermost error';
    return new AppError(message, e.StatusCode || 500, e.Id ?? '', e.Where ?? '');
}

/**
 * An `error` interface result: *model.AppError keeps its fields, *plugin.ErrorString (any other Go error) becomes a
 * 500 carrying its text. Null when nil.
 */
export function goError(value: unknown): AppError | null {
    if (value == null) return null;
    const name = goTypeOf(value);
    const inner: unknown = value instanceof GoValue ? value.value : value;
    if (name === '*model.AppError') return appError(inner);
    const err = (inner ?? {}) as {Err?: string};
    return new AppError(typeof err.Err === 'string' ? err.Err : String(name ?? 'error'), 500);
}

/** Throws the first error among a call's result fields. */
export function throwIf(...errors: Array<AppError | null>): void {
    for (const e of errors) if (e) throw e;
}
