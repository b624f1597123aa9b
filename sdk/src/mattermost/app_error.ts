/**
 * Marks an error as a Mattermost *model.AppError. A registered symbol, not class identity, so an application's own
 * error class can carry it too (give it this brand and its hooks' errors keep their id and status on the wire)
 * without importing the SDK, and the SDK's errors can be recognised without importing the application.
 */
export const APP_ERROR_BRAND: unique symbol = Symbol.for('mattermost.AppError');

/** A Mattermost *model.AppError (or any failed API call), carried as a JS error. */
export class AppError extends Error {
    readonly [APP_ERROR_BRAND] = true;

    constructor(
        message: string,
        readonly statusCode: number,
        readonly id = '',
        readonly where = '',
    ) {
        super(message);
        this.name = 'AppError';
    }

    get isNotFound(): boolean {
        return this.statusCode === 404;
    }
}

/** Any error that carries the AppError brand and its fields, whichever class made it. */
export function isAppError(err: unknown): err is Error & {statusCode: number; id: string; where: string} {
    return typeof err === 'object' && err !== null && (err as {[APP_ERROR_BRAND]?: unknown})[APP_ERROR_BRAND] === true;
}
