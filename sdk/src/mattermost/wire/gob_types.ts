import {registerInterfaceType, t, type GoType} from '../../runtime/gob';
import {interfaceTypes} from './model';
import {type StructDef, type WireType} from './types';

/**
 * Declared wire types → the gob runtime's type descriptors. The runtime caches codecs by descriptor identity, so each
 * declaration maps to exactly one descriptor, built on first use.
 */
const cache = new WeakMap<object, GoType>();

export function goType(type: WireType): GoType {
    let g = cache.get(type);
    if (!g) {
        g = build(type);
        cache.set(type, g);
    }
    return g;
}

export function goStruct(def: StructDef): GoType {
    let g = cache.get(def);
    if (!g) {
        g = t.struct(def.goName, def.fields.map((f) => [f.go, goType(f.type)] as const));
        cache.set(def, g);
    }
    return g;
}

function build(type: WireType): GoType {
    switch (type.kind) {
        case 'string':
            return t.string;
        case 'bool':
            return t.bool;
        case 'int':
            return t[type.go];
        case 'float':
            return t[type.go];
        case 'bytes':
            return t.bytes;
        case 'binaryText':
            return t.url;
        case 'iface':
            return t.iface;
        case 'struct':
            return goStruct(type.def);
        case 'slice':
            return t.slice(goType(type.elem));
        case 'map':
            return t.map(goType(type.key), goType(type.elem));
        case 'ptr':
            return t.ptr(goType(type.elem));
        case 'lazy': {
            const get = type.get;
            return t.lazy(() => goType(get()));
        }
    }
}

let registered = false;

/** Registers Mattermost's interface types with the gob runtime (idempotent). */
export function registerMattermostTypes(): void {
    if (registered) return;
    registered = true;
    for (const [name, type] of interfaceTypes) registerInterfaceType(name, goType(type));
}
