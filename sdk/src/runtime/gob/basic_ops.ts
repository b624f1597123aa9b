import {GobError} from './errors';
import type {DecOp} from './ops';
import type {ExternalType} from './types';

const SMALL_INTS: Record<string, [number, number]> = {
    int8: [-0x80, 0x7f], int16: [-0x8000, 0x7fff], int32: [-0x8000_0000, 0x7fff_ffff],
    uint8: [0, 0xff], uint16: [0, 0xffff], uint32: [0, 0xffff_ffff],
};
const MAX_FLOAT32 = 3.4028234663852886e38;

/** The op for a type with its own encoding: its bytes, handed to the type's decode. */
export function externalOp(type: ExternalType): DecOp {
    return (r) => {
        const n = r.length('GobDecoder');
        const bytes = new Uint8Array(n);
        bytes.set(r.buf.subarray(r.pos, r.pos + n));
        r.skip(n);
        try {
            return type.decode(bytes);
        } catch (e) {
            throw e instanceof GobError ? e : new GobError(`gob: ${type.goName}: ${e instanceof Error ? e.message : String(e)}`);
        }
    };
}

/** The op for a basic kind (the wire type has been checked to match). */
export function basicOp(kind: string): DecOp {
    const range = SMALL_INTS[kind];
    if (range) {
        const [min, max] = range;
        const signed = kind.startsWith('int');
        return (r) => {
            const x = signed ? r.int() : r.uint();
            if (x < min || x > max) throw new GobError(`gob: value for "${kind}" out of range`);
            return x;
        };
    }
    switch (kind) {
        case 'bool':
            return (r) => r.uint() !== 0;
        case 'int':
        case 'int64':
            return (r) => r.int64();
        case 'uint':
        case 'uint64':
        case 'uintptr':
            return (r) => r.uint64();
        case 'float64':
            return (r) => r.float();
        case 'float32':
            return (r) => float32(r.float());
        case 'complex128':
            return (r) => ({real: r.float(), imag: r.float()});
        case 'complex64':
            return (r) => ({real: float32(r.float()), imag: float32(r.float())});
        case 'string':
            return (r) => r.string();
        case 'bytes':
            return (r) => r.bytes();
        default:
            throw new GobError(`gob: cannot decode ${kind}`);
    }
}

function float32(x: number): number {
    if (Math.abs(x) > MAX_FLOAT32 && Number.isFinite(x)) throw new GobError('gob: value for "float32" out of range');
    return Math.fround(x);
}
