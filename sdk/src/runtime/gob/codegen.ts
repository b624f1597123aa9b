import type {DecOp, EncCompiled, EncState} from './ops';
import {GobError} from './errors';
import type {Reader} from './reader';
import type {ZeroInit} from './zero';

/**
 * Struct codecs generated as code, one function per struct type: the object literal and the property accesses are
 * then monomorphic, which is several times faster than looping over field names. Only for field names that are
 * plain exported Go identifiers (never Object.prototype names); other structs use the generic closures.
 */
const SAFE_NAME = /^[A-Z][A-Za-z0-9_]*$/;

/**
 * Compiled factories by source text: every stream that meets the same struct shares one function (cheap new
 * streams, one optimized body for V8). Bounded, since wire-derived shapes come from the peer.
 */
const factories = new Map<string, (...args: unknown[]) => unknown>();

function factory(params: string[], body: string): (...args: unknown[]) => unknown {
    let f = factories.get(body);
    if (!f) {
        if (factories.size >= 2000) factories.clear();
        // Generated from validated identifiers only (see canGenerate).
        f = new Function(...params, body) as (...args: unknown[]) => unknown;
        factories.set(body, f);
    }
    return f;
}

export function canGenerate(names: readonly string[]): boolean {
    return names.length <= 2000 && names.every((n) => SAFE_NAME.test(n));
}


function literal(v: unknown): string | undefined {
    if (v === null) return 'null';
    if (v === false) return 'false';
    if (v === 0) return '0';
    if (v === '') return '""';
    return undefined;
}

/**
 * A struct decoder: `fields` are the local fields (with their zero values), `instrs` the wire fields in wire order,
 * each either stored into a local field or skipped.
 */
export function genStructDecoder(
    fields: ReadonlyArray<{readonly name: string; readonly zero: ZeroInit}>,
    instrs: ReadonlyArray<{readonly name: string | null; readonly op: DecOp}>,
): DecOp {
    const args: unknown[] = [];
    const arg = (v: unknown) => `a[${args.push(v) - 1}]`;
    const init = fields.map((f) => {
        const lit = 'constant' in f.zero ? literal(f.zero.constant) : undefined;
        const expr = lit ?? ('constant' in f.zero ? arg(f.zero.constant) : `${arg(f.zero.make)}()`);
        return `${f.name}: ${expr}`;
    });
    const cases = instrs.map((ins, i) => {
        const op = arg(ins.op);
        return ins.name === null ? `case ${i}: ${op}(r); break;` : `case ${i}: o.${ins.name} = ${op}(r); break;`;
    });
    const body = `
        return function decodeStruct(r) {
            r.enter();
            const o = {${init.join(', ')}};
            let f = -1;
            while (r.pos < r.end) {
                const d = r.uint();
                if (d === 0) break;
                if (f >= ${instrs.length} - d) throw outOfBounds();
                f += d;
                switch (f) {
                    ${cases.join('\n                    ')}
                }
            }
            r.depth--;
            return o;
        };`;
    return factory(['a', 'outOfBounds'], body)(args, outOfBounds) as (r: Reader) => unknown;
}

function outOfBounds(): GobError {
    return new GobError('gob: bad data: field numbers out of bounds');
}

/** Inline zero tests for the kinds whose test is a comparison; others call the field's isZero. */
const ZERO_TEST: Record<string, (x: string) => string> = {
    string: (x) => `${x} == null || ${x} === ""`,
    bool: (x) => `!${x}`,
    int: (x) => `${x} == null || ${x} === 0 || ${x} === 0n`,
    float: (x) => `${x} == null || ${x} === 0`,
    nil: (x) => `${x} == null`,
    slice: (x) => `${x} == null || (Array.isArray(${x}) && ${x}.length === 0)`,
    never: () => 'false',
};

export function genStructEncoder(
    fields: ReadonlyArray<{readonly name: string; readonly c: EncCompiled; readonly zeroKind: string | undefined}>,
    fail: (v: unknown) => never,
): (s: EncState, v: unknown) => void {
    const args: unknown[] = [fail];
    const arg = (v: unknown) => `a[${args.push(v) - 1}]`;
    const lines = fields.map((f, i) => {
        const c = arg(f.c);
        const test = f.zeroKind !== undefined ? ZERO_TEST[f.zeroKind] : undefined;
        const isZero = test ? test('x') : `${c}.isZero(x)`;
        return `x = o.${f.name}; if (!(${isZero})) { w.uint(${i} - last); last = ${i}; ${c}.op(s, x); }`;
    });
    const body = `
        const EMPTY = {};
        return function encodeStruct(s, v) {
            if (v != null && (typeof v !== "object" || Array.isArray(v))) a[0](v);
            const o = v ?? EMPTY;
            const w = s.w;
            s.enter();
            let last = -1;
            let x;
            ${lines.join('\n            ')}
            w.byte(0);
            s.leave();
        };`;
    return factory(['a'], body)(args) as (s: EncState, v: unknown) => void;
}
