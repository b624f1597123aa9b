import type * as m from '../../generated/model';
import {AppError} from '../app_error';

/** A *model.AppError result in its JSON shape (encoding/json leaves out Where) as an AppError; null when nil. */
export function appError(e: m.AppError | null | undefined): AppError | null {
    if (e == null) return null;
    const message = e.message || e.detailed_error || e.id || 'unknown Mattermost error';
    return new AppError(message, e.status_code || 500, e.id ?? '');
}

/**
 * An `error` result in its JSON shape: interface values carry the types plugin's init() registers, a
 * *model.AppError (keeps its fields) or a *plugin.ErrorString (any other Go error: a 500 carrying its text). Null
 * when nil.
 */
export function goError(value: unknown): AppError | null {
    if (value == null) return null;
    if (typeof value === 'object' && 'Err' in value) return new AppError(String((value as m.PluginErrorString).Err), 500);
    if (typeof value === 'object' && 'id' in value) return appError(value as m.AppError);
    return new AppError(typeof value === 'string' ? value : 'error', 500);
}

/** Throws the first error among a call's results. */
export function throwIf(...errors: Array<AppError | null>): void {
    for (const e of errors) if (e) throw e;
}
