import type {GoType} from './types';

/**
 * A value inside an interface{} whose Go type the plain JS value cannot express: `new GoValue('int64', 5)`,
 * `new GoValue('[]*model.SlackAttachment', [...])`. `goType` is the exact registered Go name. `type` is set by the
 * decoder when the name is not registered here, so the value still re-encodes as it came.
 */
export class GoValue {
    constructor(
        readonly goType: string,
        readonly value: unknown,
        readonly type?: GoType,
    ) {}
}

/** Go complex64/complex128. */
export interface GoComplex {
    readonly real: number;
    readonly imag: number;
}

/**
 * The registered Go name of a struct decoded from an interface{} (e.g. '*model.AppError'), kept on the object as a
 * non-enumerable symbol property so JSON, spreads and deep equality ignore it. Read it with `goTypeOf`.
 */
export const GO_TYPE: unique symbol = Symbol.for('tripwire.gob.goType');

/** Tags a plain object with its registered Go name so it encodes as that type inside an interface{}. */
export function withGoType<T extends object>(goName: string, obj: T): T {
    Object.defineProperty(obj, GO_TYPE, {value: goName, enumerable: false, configurable: true, writable: false});
    return obj;
}

/** The Go name a decoded interface value carries: the GoValue's name or the struct's tag; undefined for plain JS values. */
export function goTypeOf(value: unknown): string | undefined {
    if (value instanceof GoValue) return value.goType;
    if (typeof value === 'object' && value !== null) {
        const tag = (value as {[GO_TYPE]?: unknown})[GO_TYPE];
        if (typeof tag === 'string') return tag;
    }
    return undefined;
}

/** Sets `obj[key] = value` without letting a '__proto__' key (from the wire) replace the prototype. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
    if (key === '__proto__') Object.defineProperty(obj, key, {value, enumerable: true, writable: true, configurable: true});
    else obj[key] = value;
}
