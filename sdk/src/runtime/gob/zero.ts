import {GobError} from './errors';
import {resolve, goTypeName, type GoType, type StructType} from './types';
import {setOwn} from './values';

/** Makes a type's zero value: what a decoded struct holds for the fields its sender left out. */
export type ZeroFn = () => unknown;

/** How a struct field starts out: a constant, or made by a function (fresh arrays, nested structs). */
export type ZeroInit = {readonly constant: unknown} | {readonly make: () => unknown};

const EMPTY_BYTES = new Uint8Array(0);
const ZERO_COMPLEX = Object.freeze({real: 0, imag: 0});
const cache = new WeakMap<GoType, ZeroFn>();

/** JS zero values: 0, '', false, empty Uint8Array/array, null for nil maps, pointers and interfaces. */
export function zeroOf(type: GoType, building = new Set<StructType>()): ZeroFn {
    const known = cache.get(type);
    if (known) return known;
    const fn = build(type, building);
    cache.set(type, fn);
    return fn;
}

function constant(v: unknown): ZeroFn {
    return () => v;
}

function build(type: GoType, building: Set<StructType>): ZeroFn {
    const r = resolve(type);
    switch (r.kind) {
        case 'bool':
            return constant(false);
        case 'string':
            return constant('');
        case 'bytes':
            return constant(EMPTY_BYTES);
        case 'complex64':
        case 'complex128':
            return constant(ZERO_COMPLEX);
        case 'iface':
        case 'ptr':
        case 'map':
            return constant(null);
        case 'slice':
            return () => [];
        case 'external':
            return r.zero;
        case 'array': {
            const elem = zeroOf(r.elem, building);
            const len = r.len;
            return () => {
                const out = new Array<unknown>(len);
                for (let i = 0; i < len; i++) out[i] = elem();
                return out;
            };
        }
        case 'struct':
            return structZero(r, building);
        default:
            return constant(0);
    }
}

/**
 * The zero value of each field of a struct: a constant where it is immutable (primitives, the shared empty byte
 * string), else the function making a fresh one. Fails for a struct that contains itself without a pointer.
 */
export function fieldZeros(r: StructType, building = new Set<StructType>()): ZeroInit[] {
    if (building.has(r)) throw new GobError(`gob: struct ${goTypeName(r)} contains itself without a pointer`);
    building.add(r);
    const zeros = r.fields.map((f): ZeroInit => {
        const make = zeroOf(f.type, building);
        const v = make();
        return v === null || typeof v !== 'object' || v === EMPTY_BYTES || v === ZERO_COMPLEX ? {constant: v} : {make};
    });
    building.delete(r);
    return zeros;
}

function structZero(r: StructType, building: Set<StructType>): ZeroFn {
    const fields = fieldZeros(r, building).map((z, i) => {
        const name = (r.fields[i] as {name: string}).name;
        return {name, z, safe: name !== '__proto__'};
    });
    return () => {
        const obj: Record<string, unknown> = {};
        for (const f of fields) {
            const v = 'constant' in f.z ? f.z.constant : f.z.make();
            if (f.safe) obj[f.name] = v;
            else setOwn(obj, f.name, v);
        }
        return obj;
    };
}
