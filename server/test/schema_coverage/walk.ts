import type {z} from 'zod';

/**
 * Every field path of a zod 4 object schema, by introspection: object keys (`a.b`), array items (`a[]`), the variants
 * of discriminated unions (`scope{kind=team}`, a path of its own, with the variant's other keys below it), through
 * defaults, prefaults, optionals, pipes and lazy schemas. Records (free-form maps such as `headers`) and leaves end a
 * path; a schema met again below itself (the recursive condition tree) is not entered twice.
 */
export function fieldPaths(schema: z.ZodType): string[] {
    const out: string[] = [];
    walk(schema, '', out, new Set());
    return out;
}

interface Def {
    type: string;
    shape?: Record<string, z.ZodType>;
    innerType?: z.ZodType;
    in?: z.ZodType;
    element?: z.ZodType;
    options?: z.ZodType[];
    discriminator?: string;
    getter?: () => z.ZodType;
    values?: unknown[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as {_zod: {def: Def}})._zod.def;

function walk(schema: z.ZodType, path: string, out: string[], seen: Set<z.ZodType>): void {
    const def = defOf(schema);
    switch (def.type) {
        case 'default':
        case 'prefault':
        case 'optional':
        case 'nullable':
        case 'readonly':
        case 'catch':
        case 'nonoptional':
            return walk(def.innerType!, path, out, seen);
        case 'pipe':
            return walk(def.in!, path, out, seen);
        case 'lazy': {
            // The getter builds a new schema on every call: the lazy schema itself marks the recursion.
            if (seen.has(schema)) return;
            seen.add(schema);
            walk(def.getter!(), path, out, seen);
            seen.delete(schema);
            return;
        }
        case 'array':
            return walk(def.element!, `${path}[]`, out, seen);
        case 'object':
            for (const [key, child] of Object.entries(def.shape!)) {
                const p = path ? `${path}.${key}` : key;
                out.push(p);
                walk(child, p, out, seen);
            }
            return;
        case 'union': {
            const key = def.discriminator;
            if (!key) return;
            for (const option of def.options!) {
                const shape = defOf(option).shape ?? {};
                const value = (defOf(shape[key]!).values ?? [])[0];
                const variant = `${path}{${key}=${String(value)}}`;
                out.push(variant);
                for (const [k, child] of Object.entries(shape)) {
                    if (k === key) continue;
                    out.push(`${variant}.${k}`);
                    walk(child, `${variant}.${k}`, out, seen);
                }
            }
            return;
        }
        default:
            return;
    }
}
