import {GobError} from './errors';
import {coreTypes as t, goTypeName, type GoType} from './types';

/**
 * The names concrete types travel under inside interface values, as Go's gob.Register computes them. Both sides
 * must agree exactly: '*model.AppError' (pointer types use the short package name), 'map[string]interface {}'.
 */
const byName = new Map<string, Registered>();

export interface Registered {
    readonly name: string;
    readonly type: GoType;
}

/**
 * Registers the type a Go name stands for inside interface{} values, in both directions. Registering the same name
 * twice with different types is an error (Go panics too).
 */
export function registerInterfaceType(goName: string, type: GoType): void {
    if (goName === '') throw new GobError('gob: attempt to register empty name');
    const prev = byName.get(goName);
    if (prev) {
        if (prev.type === type) return;
        throw new GobError(`gob: registering duplicate types for "${goName}"`);
    }
    byName.set(goName, {name: goName, type});
}

/**
 * registerInterfaceType with the type built on first lookup, when a value of that name is first encoded or decoded:
 * registering a generated type eagerly builds the descriptors of every struct it reaches (SDK start-up, issue #19).
 */
export function registerInterfaceTypeLazily(goName: string, build: () => GoType): void {
    if (byName.has(goName) || goName === '') {
        registerInterfaceType(goName, build());
        return;
    }
    let type: GoType | undefined;
    byName.set(goName, {
        name: goName,
        get type() {
            return (type ??= build());
        },
    });
}

export function lookupInterfaceType(goName: string): Registered | undefined {
    return byName.get(goName);
}

// What gob.registerBasics registers in every Go program.
for (const type of [
    t.int, t.int8, t.int16, t.int32, t.int64, t.uint, t.uint8, t.uint16, t.uint32, t.uint64, t.uintptr,
    t.float32, t.float64, t.complex64, t.complex128, t.bool, t.string, t.bytes,
]) {
    registerInterfaceType(goTypeName(type), type);
}
for (const elem of [
    t.int, t.int8, t.int16, t.int32, t.int64, t.uint, t.uint16, t.uint32, t.uint64, t.uintptr,
    t.float32, t.float64, t.complex64, t.complex128, t.bool, t.string,
]) {
    const slice = t.slice(elem);
    registerInterfaceType(goTypeName(slice), slice);
}
// Not registered by Go itself but by every Mattermost program, and needed for JSON-like JS values.
export const IFACE_SLICE = t.slice(t.iface);
export const IFACE_MAP = t.map(t.string, t.iface);
registerInterfaceType('[]interface {}', IFACE_SLICE);
registerInterfaceType('map[string]interface {}', IFACE_MAP);
