import {x, type FieldTuple, type SdkIntKind, type SdkWire} from './wire';

/**
 * The compact form sdk/gen writes the generated struct descriptions in (sdk/gen/spec.go describes the notation):
 * each struct's fields are a string of JSON parsed on first use, not code, since loading the SDK would otherwise
 * parse ~840 structs' worth of code it mostly never runs (issue #19: start-up time).
 */

/** Declares a struct under its TypeScript name, by which the field types of other structs refer to it. */
export type StructDeclarer = <T = unknown>(name: string, goName: string, fields: string, customJson?: boolean) => SdkWire<T>;

/** A fresh table of structs: one per generated module, so names only resolve among the structs it declares. */
export function structTable(): StructDeclarer {
    const byName = new Map<string, SdkWire>();
    return <T = unknown>(name: string, goName: string, fields: string, customJson = false): SdkWire<T> => {
        const wire = x.struct<T>(goName, () => parseFields(fields, byName), customJson);
        byName.set(name, wire);
        return wire;
    };
}

type Row = [go: string, type: string, json: string | null, omitEmpty?: 0 | 1, flatten?: 0 | 1];

export function parseFields(fields: string, byName: ReadonlyMap<string, SdkWire>): FieldTuple[] {
    return (JSON.parse(fields) as Row[]).map(([go, type, json, omitEmpty, flatten]) => [go, parseType(type, byName), json, omitEmpty === 1, flatten === 1]);
}

export function parseType(spec: string, byName: ReadonlyMap<string, SdkWire>): SdkWire {
    const cursor = {spec, at: 0, byName};
    const type = read(cursor);
    if (cursor.at !== spec.length) throw new Error(`wire spec "${spec}": unexpected text at ${cursor.at}`);
    return type;
}

interface Cursor {
    readonly spec: string;
    at: number;
    readonly byName: ReadonlyMap<string, SdkWire>;
}

const NAMED: Readonly<Record<string, SdkWire>> = {
    string: x.string,
    bool: x.bool,
    iface: x.iface,
    bytes: x.bytes,
    raw: x.rawJson,
    time: x.time,
    url: x.url,
};
const INTS = new Set<string>(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr']);
const WORD = /[@~]?\w+/y;

function read(c: Cursor): SdkWire {
    const {spec} = c;
    if (spec.startsWith('*', c.at)) {
        c.at += 1;
        return x.ptr(read(c));
    }
    if (spec.startsWith('[]', c.at)) {
        c.at += 2;
        return x.slice(read(c));
    }
    if (spec.startsWith('[', c.at)) {
        const end = until(c, ']');
        const len = Number(spec.slice(c.at + 1, end));
        c.at = end + 1;
        return x.array(read(c), len);
    }
    if (spec.startsWith('map[', c.at)) {
        c.at += 4;
        const key = read(c);
        if (!spec.startsWith(']', c.at)) throw new Error(`wire spec "${spec}": expected ] at ${c.at}`);
        c.at += 1;
        return x.map(key, read(c));
    }
    if (spec.startsWith('{}', c.at)) {
        c.at += 2;
        return x.struct('struct {}', []);
    }
    if (spec.startsWith('$', c.at)) {
        const colon = until(c, ':');
        const end = until(c, ';');
        const wire = spec.slice(c.at + 1, colon);
        if (wire !== 'gob' && wire !== 'binary' && wire !== 'text') throw new Error(`wire spec "${spec}": unknown encoding ${wire}`);
        const goName = spec.slice(colon + 1, end);
        c.at = end + 1;
        return x.external(goName, wire);
    }
    WORD.lastIndex = c.at;
    const word = WORD.exec(spec)?.[0];
    if (!word) throw new Error(`wire spec "${spec}": expected a type at ${c.at}`);
    c.at += word.length;
    return named(c, word);
}

function named(c: Cursor, word: string): SdkWire {
    if (word.startsWith('@')) return struct(c, word.slice(1));
    if (word.startsWith('~')) {
        const name = word.slice(1);
        return x.lazy(() => struct(c, name));
    }
    if (word in NAMED) return NAMED[word]!;
    if (INTS.has(word)) return x.int(word as SdkIntKind);
    if (word === 'float32' || word === 'float64') return x.float(word);
    if (word === 'complex64' || word === 'complex128') return x.complex(word);
    throw new Error(`wire spec "${c.spec}": unknown type ${word}`);
}

function struct(c: Cursor, name: string): SdkWire {
    const wire = c.byName.get(name);
    if (!wire) throw new Error(`wire spec "${c.spec}": no struct ${name}`);
    return wire;
}

function until(c: Cursor, char: string): number {
    const end = c.spec.indexOf(char, c.at);
    if (end < 0) throw new Error(`wire spec "${c.spec}": expected ${char} after ${c.at}`);
    return end;
}
