import {basicOp, externalOp} from './basic_ops';
import {GobError} from './errors';
import type {DecOp} from './ops';
import type {Reader} from './reader';
import {lookupInterfaceType, type Registered} from './registry';
import {base, goTypeName, resolve, type GoType, type StructType} from './types';
import {GoValue, setOwn, withGoType} from './values';
import {T_BOOL, T_BYTES, T_COMPLEX, T_FLOAT, T_INT, T_INTERFACE, T_STRING, T_UINT, type Wire} from './wire';
import {canGenerate, genStructDecoder} from './codegen';
import {fieldZeros, zeroOf, type ZeroInit} from './zero';

/** A compiled op; `op` is filled after compiling so recursive types can refer to the cell first. */
interface Cell {
    op: DecOp;
    done: boolean;
    /** The local type is a struct (or pointer to one): top-level values have no singleton delta. */
    isStruct: boolean;
    /** A struct whose wire and local fields both exist but share no name (Go refuses to decode it). */
    noFieldsMatched: boolean;
}

/** What the ops need from the stream's decoder. */
export interface DecContext {
    /** The definition of a type id (built-in or received); throws for unknown ids. */
    wire(id: number): Wire;
    /** The GoType a wire id stands for when decoding without a schema. */
    derive(id: number): GoType;
    /** Go's decodeTypeSequence(true): definitions an interface value carries, then its concrete type id. */
    typeSequence(r: Reader): number;
}

const BASIC_WIRE: Record<string, number> = {
    bool: T_BOOL,
    int: T_INT, int8: T_INT, int16: T_INT, int32: T_INT, int64: T_INT,
    uint: T_UINT, uint8: T_UINT, uint16: T_UINT, uint32: T_UINT, uint64: T_UINT, uintptr: T_UINT,
    float32: T_FLOAT, float64: T_FLOAT, complex64: T_COMPLEX, complex128: T_COMPLEX,
    string: T_STRING, bytes: T_BYTES, iface: T_INTERFACE,
};

/** Names whose values are plain JS values inside an interface{}; everything else is a GoValue or a tagged struct. */
const PLAIN = new Set(['string', 'bool', 'float64', 'map[string]interface {}', '[]interface {}']);

/** How an interface value with a given name decodes: its registered type and JS shape. */
interface IfacePlan {
    readonly reg: Registered;
    /** 'plain': the JS value itself; 'tag': a struct tagged with the name; 'wrap': a GoValue. */
    readonly shape: 'plain' | 'tag' | 'wrap';
}

/** Compiles decoders for (local type, wire id) pairs of one stream, and skippers for wire ids. */
export class DecodeCompiler {
    private readonly cells = new Map<GoType, Map<number, Cell>>();
    private readonly skips = new Map<number, Cell>();
    private readonly plans = new Map<string, IfacePlan>();

    constructor(private readonly ctx: DecContext) {}

    /** Drops everything compiled (after type definitions were rolled back). */
    clear(): void {
        this.cells.clear();
        this.skips.clear();
    }

    /** Decodes a top-level or interface value: a struct as itself, anything else after a zero singleton delta. */
    top(r: Reader, id: number, type: GoType): unknown {
        const cell = this.cells.get(type)?.get(id) ?? this.cell(type, id);
        if (!cell.isStruct) {
            if (r.uint() !== 0) throw new GobError('gob: decode: corrupted data: non-zero delta for singleton');
        } else if (cell.noFieldsMatched) {
            throw new GobError(`gob: type mismatch: no fields matched compiling decoder for ${goTypeName(type)}`);
        }
        return cell.op(r);
    }

    /** Reads and drops a top-level value of a wire type. */
    skipTop(r: Reader, id: number): void {
        if (this.ctx.wire(id).kind !== 'struct' && r.uint() !== 0) throw new GobError('gob: decode: corrupted data: non-zero delta for singleton');
        this.skipCell(id).op(r);
    }

    derive(id: number): GoType {
        return this.ctx.derive(id);
    }

    cell(type: GoType, id: number): Cell {
        const r = resolve(type);
        let byId = this.cells.get(r);
        if (!byId) this.cells.set(r, (byId = new Map()));
        let cell = byId.get(id);
        if (!cell) {
            cell = {op: notReady, done: false, isStruct: base(r).kind === 'struct', noFieldsMatched: false};
            byId.set(id, cell);
            try {
                cell.op = this.build(r, id, cell);
            } catch (e) {
                byId.delete(id);
                throw e;
            }
            cell.done = true;
        }
        if (r !== type) {
            // Also file it under the lazy/alias the caller used, so the next lookup is one step.
            let own = this.cells.get(type);
            if (!own) this.cells.set(type, (own = new Map()));
            own.set(id, cell);
        }
        return cell;
    }

    /** The op of a cell, or a forwarder while the cell is still being compiled (recursive types). */
    private opOf(type: GoType, id: number): DecOp {
        const c = this.cell(type, id);
        return c.done ? c.op : (r) => c.op(r);
    }

    private mismatch(type: GoType, id: number): GobError {
        const w = this.ctx.wire(id);
        const remote = w.kind === 'basic' ? BASIC_NAMES[w.id] : w.kind === 'invalid' ? 'unknown type' : `${w.kind} ${w.name}`;
        return new GobError(`gob: decoding into local type ${goTypeName(type)}, received remote type ${remote} (id ${id})`);
    }

    private build(type: Exclude<GoType, {kind: 'lazy'}>, id: number, cell: Cell): DecOp {
        if (type.kind === 'ptr') {
            const inner = this.cell(type.elem, id);
            cell.noFieldsMatched = inner.noFieldsMatched;
            return inner.done ? inner.op : (r) => inner.op(r);
        }
        const wire = this.ctx.wire(id);
        switch (type.kind) {
            case 'struct':
                if (wire.kind !== 'struct') throw new GobError(`gob: type mismatch in decoder: want struct type ${type.goName}; got non-struct (id ${id})`);
                return this.struct(type, wire, cell);
            case 'slice': {
                if (wire.kind !== 'slice') throw this.mismatch(type, id);
                const elem = this.opOf(type.elem, wire.elem);
                return (r) => {
                    const n = r.uint();
                    r.enter();
                    const out: unknown[] = [];
                    for (let i = 0; i < n; i++) {
                        if (r.pos >= r.end) throw new GobError(`gob: decoding array or slice: length exceeds input size (${n} elements)`);
                        out.push(elem(r));
                    }
                    r.depth--;
                    return out;
                };
            }
            case 'array': {
                if (wire.kind !== 'array' || wire.len !== type.len) throw this.mismatch(type, id);
                const elem = this.opOf(type.elem, wire.elem);
                const len = type.len;
                return (r) => {
                    if (r.uint() !== len) throw new GobError('gob: length mismatch in decodeArray');
                    r.enter();
                    const out = new Array<unknown>();
                    for (let i = 0; i < len; i++) {
                        if (r.pos >= r.end) throw new GobError(`gob: decoding array or slice: length exceeds input size (${len} elements)`);
                        out.push(elem(r));
                    }
                    r.depth--;
                    return out;
                };
            }
            case 'map': {
                if (wire.kind !== 'map') throw this.mismatch(type, id);
                const key = this.opOf(type.key, wire.key);
                const elem = this.opOf(type.elem, wire.elem);
                const asObject = resolve(type.key).kind === 'string';
                return (r) => {
                    const n = r.uint();
                    r.enter();
                    const out: Record<string, unknown> | Map<unknown, unknown> = asObject ? {} : new Map();
                    for (let i = 0; i < n; i++) {
                        if (r.pos >= r.end) throw new GobError(`gob: decoding map: length exceeds input size (${n} entries)`);
                        const k = key(r);
                        const v = elem(r);
                        if (asObject) {
                            if (k !== '__proto__') (out as Record<string, unknown>)[k as string] = v;
                            else setOwn(out as Record<string, unknown>, k, v);
                        }
                        else (out as Map<unknown, unknown>).set(k, v);
                    }
                    r.depth--;
                    return out;
                };
            }
            case 'external':
                if (wire.kind !== 'external' || wire.wire !== type.wire) throw this.mismatch(type, id);
                return externalOp(type);
            case 'iface':
                if (id !== T_INTERFACE) throw this.mismatch(type, id);
                return (r) => this.iface(r);
            default: {
                if (wire.kind !== 'basic' || BASIC_WIRE[type.kind] !== id) throw this.mismatch(type, id);
                return basicOp(type.kind);
            }
        }
    }

    private struct(type: StructType, wire: Extract<Wire, {kind: 'struct'}>, cell: Cell): DecOp {
        const local = new Map(type.fields.map((f) => [f.name, f.type]));
        let matched = 0;
        const instrs = wire.fields.map((wf) => {
            if (wf.name === '') throw new GobError(`gob: empty name for remote field of type ${wire.name}`);
            const lt = local.get(wf.name);
            if (lt === undefined) {
                const skip = this.skipCell(wf.id);
                return {name: null, safe: true, op: skip.done ? skip.op : (r: Reader) => skip.op(r)};
            }
            matched++;
            let op: DecOp;
            try {
                op = this.opOf(lt, wf.id);
            } catch (e) {
                throw e instanceof GobError ? new GobError(`${e.message}; for received field ${wire.name}.${wf.name}`) : e;
            }
            return {name: wf.name, safe: wf.name !== '__proto__', op};
        });
        cell.noFieldsMatched = matched === 0 && type.fields.length > 0 && wire.fields.length > 0;
        if (canGenerate(type.fields.map((f) => f.name))) {
            const zeros = fieldZeros(type);
            return genStructDecoder(type.fields.map((f, i) => ({name: f.name, zero: zeros[i] as ZeroInit})), instrs);
        }
        const zero = zeroOf(type);
        const n = instrs.length;
        return (r) => {
            r.enter();
            const obj = zero() as Record<string, unknown>;
            let fieldnum = -1;
            while (r.pos < r.end) {
                const delta = r.uint();
                if (delta === 0) break;
                if (fieldnum >= n - delta) throw new GobError('gob: bad data: field numbers out of bounds');
                fieldnum += delta;
                const ins = instrs[fieldnum] as (typeof instrs)[number];
                const v = ins.op(r);
                if (ins.name !== null) {
                    if (ins.safe) obj[ins.name] = v;
                    else setOwn(obj, ins.name, v);
                }
            }
            r.depth--;
            return obj;
        };
    }

    /** An interface value: its registered (or, failing that, wire-derived) concrete type decides the JS shape. */
    private iface(r: Reader): unknown {
        const n = r.uint();
        if (n > r.end - r.pos) throw new GobError(`gob: invalid type name length ${n}: exceeds input size`);
        if (n === 0) return null;
        if (n > 1024) throw new GobError(`gob: name too long (${n} bytes)`);
        const name = r.text(n);
        const id = this.ctx.typeSequence(r);
        r.uint(); // the value's byte count: not needed to decode it
        r.enter();
        const plan = this.plan(name);
        let out: unknown;
        if (plan) {
            const v = this.top(r, id, plan.reg.type);
            out = plan.shape === 'plain' ? v : plan.shape === 'tag' && typeof v === 'object' && v !== null ? withGoType(name, v) : new GoValue(name, v);
        } else {
            // Go refuses unregistered names; decoding by the wire definition keeps the value and its name instead.
            const derived = this.ctx.derive(id);
            out = new GoValue(name, this.top(r, id, derived), derived);
        }
        r.depth--;
        return out;
    }

    private plan(name: string): IfacePlan | undefined {
        let plan = this.plans.get(name);
        if (!plan) {
            const reg = lookupInterfaceType(name);
            if (!reg) return undefined;
            plan = {reg, shape: PLAIN.has(name) ? 'plain' : base(reg.type).kind === 'struct' ? 'tag' : 'wrap'};
            this.plans.set(name, plan);
        }
        return plan;
    }

    private skipCell(id: number): Cell {
        const known = this.skips.get(id);
        if (known) return known;
        const cell: Cell = {op: notReady, done: false, isStruct: false, noFieldsMatched: false};
        this.skips.set(id, cell);
        try {
            cell.op = this.buildSkip(id);
        } catch (e) {
            this.skips.delete(id);
            throw e;
        }
        cell.done = true;
        return cell;
    }

    private buildSkip(id: number): DecOp {
        const sub = (sid: number): DecOp => {
            const c = this.skipCell(sid);
            return c.done ? c.op : (r) => c.op(r);
        };
        const wire = this.ctx.wire(id);
        switch (wire.kind) {
            case 'basic':
                if (id === T_BYTES || id === T_STRING) return (r) => r.skip(r.length('string'));
                if (id === T_COMPLEX) return (r) => (r.uint(), r.uint());
                if (id === T_INTERFACE) return (r) => this.iface(r);
                return (r) => r.uint();
            case 'external':
                return (r) => r.skip(r.length('GobEncoder'));
            case 'struct': {
                const ops = wire.fields.map((f) => sub(f.id));
                return (r) => {
                    r.enter();
                    let fieldnum = -1;
                    while (r.pos < r.end) {
                        const delta = r.uint();
                        if (delta === 0) break;
                        if (fieldnum >= ops.length - delta) throw new GobError('gob: bad data: field numbers out of bounds');
                        fieldnum += delta;
                        (ops[fieldnum] as DecOp)(r);
                    }
                    r.depth--;
                };
            }
            case 'slice':
            case 'array': {
                const elem = sub(wire.elem);
                const fixed = wire.kind === 'array' ? wire.len : -1;
                return (r) => {
                    const n = r.uint();
                    if (fixed >= 0 && n !== fixed) throw new GobError('gob: length mismatch in ignoreArray');
                    r.enter();
                    for (let i = 0; i < n; i++) {
                        if (r.pos >= r.end) throw new GobError('gob: decoding array or slice: length exceeds input size');
                        elem(r);
                    }
                    r.depth--;
                };
            }
            case 'map': {
                const key = sub(wire.key);
                const elem = sub(wire.elem);
                return (r) => {
                    const n = r.uint();
                    r.enter();
                    for (let i = 0; i < n; i++) {
                        if (r.pos >= r.end) throw new GobError('gob: decoding map: length exceeds input size');
                        key(r);
                        elem(r);
                    }
                    r.depth--;
                };
            }
            default:
                throw new GobError(`gob: bad data: ignore can't handle type id ${id}`);
        }
    }
}

const BASIC_NAMES: Record<number, string> = {1: 'bool', 2: 'int', 3: 'uint', 4: 'float', 5: 'bytes', 6: 'string', 7: 'complex', 8: 'interface'};

function notReady(): never {
    throw new GobError('gob: recursive type used before it was compiled');
}
