import {encodeGob, GobDecoder, GobEncoder, GobError, NEED_MORE, registerInterfaceType, t} from './index';
import {Writer} from './writer';

/** One gob message: its length, then what `build` writes. */
function msg(build: (w: Writer) => void): Buffer {
    const body = new Writer();
    build(body);
    const head = new Writer();
    head.uint(body.pos);
    return Buffer.concat([head.take(), body.take()]);
}

const IfaceSliceId = 65;
/** Definition of type 65 = []interface {} (wireType.SliceT{CommonType{Id: 65}, Elem: 8}). */
const defineIfaceSlice = msg((w) => {
    w.int(-IfaceSliceId);
    w.uint(2); // SliceT
    w.uint(1); // CommonType
    w.uint(2); // .Id
    w.int(IfaceSliceId);
    w.uint(0);
    w.uint(1); // Elem
    w.int(8);
    w.uint(0);
    w.uint(0);
});

function expectGobError(fn: () => unknown, pattern?: RegExp): GobError {
    try {
        fn();
    } catch (e) {
        expect(e).toBeInstanceOf(GobError);
        if (pattern) expect((e as Error).message).toMatch(pattern);
        return e as GobError;
    }
    throw new Error('expected a GobError');
}

describe('GobDecoder streaming', () => {
    const ErrorString = t.struct('plugin.ErrorString', [['Code', t.int], ['Err', t.string]]);
    registerInterfaceType('*plugin.ErrorString', t.ptr(ErrorString));
    const Returns = t.struct('plugin.Z_OnActivateReturns', [['A', t.iface]]);
    // Reference vector V9 without its header: Go splits the value's message at the interface's inline definition.
    const v9 = Buffer.from(
        '27ff8b030101135a5f4f6e416374697661746552657475726e7301ff8c000101010141011000000041ff8c01132a706c7567696e2e4572726f72537472696e67ff8d0301010b4572726f72537472696e6701ff8e0001020104436f64650104000103457272010c0000000bff8e070204626f6f6d0000',
        'hex',
    );

    it('waits for the rest of a value split across messages, then decodes it as if whole', () => {
        const firstTwo = 0x27 + 1 + 0x41 + 1;
        const dec = new GobDecoder();
        dec.push(v9.subarray(0, firstTwo));
        expect(dec.next(Returns)).toBe(NEED_MORE);
        expect(dec.next(Returns)).toBe(NEED_MORE); // retried only once more has arrived
        dec.push(v9.subarray(firstTwo));
        expect(dec.next(Returns)).toEqual({A: {Code: 0, Err: 'boom'}});
        expect(dec.buffered).toBe(0);
    });

    it('gives the same result whichever byte the input is split at', () => {
        for (let cut = 1; cut < v9.length; cut++) {
            const dec = new GobDecoder();
            dec.push(v9.subarray(0, cut));
            const early = dec.next(Returns);
            dec.push(v9.subarray(cut));
            const value = early === NEED_MORE ? dec.next(Returns) : early;
            expect(value).toEqual({A: {Code: 0, Err: 'boom'}});
        }
    });

    it('skips values, and empty messages between them', () => {
        const enc = encodeGob(t.map(t.string, t.iface), {a: [1, {b: 'c'}]});
        const dec = new GobDecoder();
        dec.push(Buffer.concat([Buffer.from([0]), enc, Buffer.from([0])]));
        expect(dec.skip()).toBe(true);
        expect(dec.skip()).toBe(false); // the trailing empty message is consumed while looking for a value
        expect(dec.buffered).toBe(0);
    });

    it('recovers after a value that does not fit: the rest of its message is dropped, the next value decodes', () => {
        const chunks: Uint8Array[] = [];
        const enc = new GobEncoder((c) => chunks.push(c));
        enc.encode(t.string, 'not an int');
        enc.encode(t.int, 42);
        const dec = new GobDecoder();
        for (const c of chunks) dec.push(c);
        expectGobError(() => dec.next(t.int), /local type int, received remote type string/);
        expect(dec.next(t.int)).toBe(42);
    });

    it('decodes a __proto__ field name from the wire as plain data', () => {
        const def = msg((w) => {
            w.int(-70);
            w.uint(3); // StructT
            w.uint(1);
            w.uint(1);
            w.string('Evil');
            w.uint(1);
            w.int(70);
            w.uint(0);
            w.uint(1); // Field
            w.uint(1);
            w.uint(1);
            w.string('__proto__');
            w.uint(1);
            w.int(6);
            w.uint(0);
            w.uint(0);
            w.uint(0);
        });
        const value = msg((w) => {
            w.int(70);
            w.uint(1);
            w.string('polluted');
            w.uint(0);
        });
        const dec = new GobDecoder();
        dec.push(Buffer.concat([def, value]));
        const v = dec.nextDynamic();
        if (v === NEED_MORE) throw new Error('incomplete');
        const obj = v.value as Record<string, unknown>;
        expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value).toBe('polluted');
    });
});

describe('GobDecoder on hostile input', () => {
    it('refuses a message length beyond the limit without waiting for or allocating it, and stays failed', () => {
        const dec = new GobDecoder({maxMessageSize: 1 << 20});
        dec.push(Buffer.from([0xfc, 0x10, 0x00, 0x00, 0x00, 0x00]));
        const err = expectGobError(() => dec.next(t.int), /invalid message length/);
        dec.push(encodeGob(t.int, 1));
        expect(() => dec.next(t.int)).toThrow(err);
        const dflt = new GobDecoder();
        dflt.push(Buffer.from([0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
        expectGobError(() => dflt.nextDynamic(), /invalid message length/);
    });

    it('refuses a uint longer than 8 bytes', () => {
        const dec = new GobDecoder();
        dec.push(Buffer.from([0xf7, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
        expectGobError(() => dec.next(t.int), /out of range/);
    });

    it('checks string, byte and name lengths against the message', () => {
        for (const body of [[0x0c, 0x00, 0xfe, 0xff, 0xff], [0x0a, 0x00, 0x7f, 0x61]]) {
            const dec = new GobDecoder();
            dec.push(Buffer.from([body.length, ...body]));
            expectGobError(() => dec.nextDynamic(), /exceeds input size/);
        }
    });

    it('stops at the end of the input for huge slice and map counts', () => {
        const slice = msg((w) => {
            w.int(IfaceSliceId);
            w.uint(0);
            w.uint(2 ** 60);
            w.uint(0);
        });
        const dec = new GobDecoder();
        dec.push(Buffer.concat([defineIfaceSlice, slice]));
        expectGobError(() => dec.nextDynamic(), /exceeds input size/);

        const chunks: Uint8Array[] = [];
        new GobEncoder((c) => chunks.push(c)).encode(t.map(t.string, t.int), {a: 1});
        const stream = Buffer.concat(chunks);
        // The map's count byte is the one before the key "a": make it claim 2^56 entries.
        const at = stream.lastIndexOf(Buffer.from([0x01, 0x61]));
        const hostile = Buffer.concat([Buffer.from([stream[0]! + 7]), stream.subarray(1, at), Buffer.from([0xf9, 1, 0, 0, 0, 0, 0, 0]), stream.subarray(at + 1)]);
        const mapDec = new GobDecoder();
        mapDec.push(hostile);
        expectGobError(() => mapDec.nextDynamic());
    });

    it('refuses nesting deeper than maxDepth with a GobError, not a stack overflow', () => {
        const depth = 50_000;
        const name = '[]interface {}';
        const value = msg((w) => {
            w.int(IfaceSliceId);
            w.uint(0);
            for (let i = 0; i < depth; i++) {
                w.uint(1); // one element
                w.string(name);
                w.int(IfaceSliceId);
                w.uint(0); // byte count (ignored)
                w.uint(0); // singleton delta
            }
            w.uint(0);
        });
        const dec = new GobDecoder();
        dec.push(Buffer.concat([defineIfaceSlice, value]));
        expectGobError(() => dec.nextDynamic(), /nested too deeply/);
    });

    it('refuses duplicate and reserved type ids, and trailing bytes after a definition', () => {
        const dup = new GobDecoder();
        dup.push(Buffer.concat([defineIfaceSlice, defineIfaceSlice]));
        expectGobError(() => dup.nextDynamic(), /duplicate type/);

        const reserved = new GobDecoder();
        reserved.push(msg((w) => w.int(-16)));
        expectGobError(() => reserved.nextDynamic(), /duplicate type/);

        const trailing = new GobDecoder();
        trailing.push(Buffer.concat([Buffer.from([defineIfaceSlice[0]! + 1]), defineIfaceSlice.subarray(1), Buffer.from([7])]));
        expectGobError(() => trailing.nextDynamic(), /extra data/);
    });

    it('refuses values of undefined types and corrupt field numbers', () => {
        const undefinedType = new GobDecoder();
        undefinedType.push(msg((w) => (w.int(99), w.uint(0))));
        expectGobError(() => undefinedType.nextDynamic(), /unknown type id 99/);

        const S = t.struct('main.S', [['A', t.int]]);
        const bytes = Buffer.from(encodeGob(S, {A: 1}));
        bytes[bytes.length - 3] = 0x05; // field delta 5 in a one-field struct
        const corrupt = new GobDecoder();
        corrupt.push(bytes);
        expectGobError(() => corrupt.next(S), /field numbers out of bounds/);
    });
});
