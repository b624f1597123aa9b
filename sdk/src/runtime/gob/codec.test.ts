import {decodeGob, encodeGob, GobDecoder, GobEncoder, GobError, GoTime, goTypeOf, GoValue, NEED_MORE, registerInterfaceType, registerInterfaceTypeLazily, t, withGoType} from './index';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const roundTrip = (type: Parameters<typeof encodeGob>[0], v: unknown) => decodeGob(encodeGob(type, v), type);

describe('primitive encodings (gob doc.go)', () => {
    it('writes uints big-endian behind a negated byte count', () => {
        // message length, type id 3 (uint) as int 6, singleton delta 0, value
        expect(hex(encodeGob(t.uint64, 0))).toBe('03060000');
        expect(hex(encodeGob(t.uint64, 127))).toBe('0306007f');
        expect(hex(encodeGob(t.uint64, 128))).toBe('040600ff80');
        expect(hex(encodeGob(t.uint64, 256))).toBe('050600fe0100');
        expect(hex(encodeGob(t.uint64, 2n ** 64n - 1n))).toBe('0b0600f8ffffffffffffffff');
        expect(hex(encodeGob(t.uint64, 2 ** 53))).toBe('0a0600f920000000000000');
    });

    it('writes ints zig-zag and floats byte-reversed', () => {
        expect(hex(encodeGob(t.int, -1))).toBe('03040001');
        expect(hex(encodeGob(t.int, 1))).toBe('03040002');
        expect(hex(encodeGob(t.int, -129))).toBe('050400fe0101');
        expect(hex(encodeGob(t.float64, 1))).toBe('050800fef03f');
        expect(hex(encodeGob(t.float64, 0))).toBe('03080000');
        expect(hex(encodeGob(t.float64, 2))).toBe('03080040');
    });

    it('keeps 64-bit integers exact: numbers up to 2^53−1, bigints beyond', () => {
        for (const v of [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 1_700_000_000_123]) expect(roundTrip(t.int64, v)).toBe(v);
        for (const v of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) expect(roundTrip(t.int64, v)).toBe(v);
        expect(roundTrip(t.int64, 2n ** 40n)).toBe(2 ** 40); // a safe bigint comes back as a number
        expect(roundTrip(t.uint64, 2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
        expect(roundTrip(t.uint64, 2 ** 53 - 1)).toBe(2 ** 53 - 1);
    });

    it('keeps floats bit-exact, including −0, infinities and NaN', () => {
        expect(Object.is(roundTrip(t.float64, -0), -0)).toBe(true);
        expect(roundTrip(t.float64, -Infinity)).toBe(-Infinity);
        expect(roundTrip(t.float64, Number.MIN_VALUE)).toBe(Number.MIN_VALUE);
        expect(Number.isNaN(roundTrip(t.float64, NaN))).toBe(true);
        expect(roundTrip(t.float32, 0.1)).toBe(Math.fround(0.1));
        expect(roundTrip(t.complex128, {real: 1.5, imag: -2})).toEqual({real: 1.5, imag: -2});
    });

    it('rejects values out of range for the Go type, both ways', () => {
        expect(() => encodeGob(t.int8, 128)).toThrow(GobError);
        expect(() => encodeGob(t.uint32, -1)).toThrow(GobError);
        expect(() => encodeGob(t.uint64, 2n ** 64n)).toThrow(GobError);
        expect(() => encodeGob(t.int, 1.5)).toThrow(GobError);
        expect(() => decodeGob(encodeGob(t.int, 200), t.int8)).toThrow(/out of range/);
        expect(() => decodeGob(encodeGob(t.float64, 1e39), t.float32)).toThrow(/out of range/);
        expect(() => decodeGob(encodeGob(t.int, 1), t.uint)).toThrow(/local type uint, received remote type int/);
    });

    it('carries strings as UTF-8 of any length', () => {
        for (const s of ['', 'a', 'héllo ✓ 🎉', 'x'.repeat(42), 'é'.repeat(43), 'abc'.repeat(50_000)]) expect(roundTrip(t.string, s)).toBe(s);
    });
});

describe('structs', () => {
    const Inner = t.struct('main.Inner', [['N', t.int]]);
    const S = t.struct('main.S', [
        ['Name', t.string], ['Count', t.int], ['Tags', t.slice(t.string)], ['Meta', t.map(t.string, t.string)],
        ['Ptr', t.ptr(t.int)], ['In', Inner], ['InP', t.ptr(Inner)], ['Any', t.iface], ['Raw', t.bytes],
    ]);

    it('leaves zero fields out and fills them back in as zero values', () => {
        const bytes = encodeGob(S, {Name: 'n', extra: 'ignored'});
        expect(decodeGob(bytes, S)).toEqual({Name: 'n', Count: 0, Tags: [], Meta: null, Ptr: null, In: {N: 0}, InP: null, Any: null, Raw: new Uint8Array(0)});
    });

    it('tells a nil map from an empty one, as gob does', () => {
        expect((decodeGob(encodeGob(S, {Meta: {}}), S) as {Meta: unknown}).Meta).toEqual({});
        expect((decodeGob(encodeGob(S, {Meta: null}), S) as {Meta: unknown}).Meta).toBeNull();
    });

    it('matches fields by name: a smaller schema skips the rest, a disjoint one is refused', () => {
        const full = encodeGob(S, {Name: 'n', Count: 3, Tags: ['a'], Any: {deep: [1, 'x']}, InP: {N: 2}, Raw: new Uint8Array([1])});
        expect(decodeGob(full, t.struct('other.Subset', [['Count', t.int], ['Missing', t.string]]))).toEqual({Count: 3, Missing: ''});
        expect(() => decodeGob(full, t.struct('other.Disjoint', [['Nope', t.int]]))).toThrow(/no fields matched/);
    });

    it('handles recursive types through t.lazy', () => {
        const Node: ReturnType<typeof t.struct> = t.struct('main.Node', [['V', t.int], ['Next', t.ptr(t.lazy(() => Node))], ['Kids', t.slice(t.lazy(() => Node))]]);
        const v = {V: 1, Next: {V: 2, Next: {V: 3, Next: null, Kids: []}, Kids: []}, Kids: [{V: 4, Next: null, Kids: []}]};
        expect(roundTrip(Node, v)).toEqual(v);
    });

    it('refuses a struct that contains itself without a pointer', () => {
        const Bad: ReturnType<typeof t.struct> = t.struct('main.Bad', [['Self', t.lazy(() => Bad)]]);
        expect(() => decodeGob(encodeGob(t.struct('main.Bad', [['X', t.int]]), {X: 1}), Bad)).toThrow(GobError);
    });

    it('keeps a __proto__ key as data', () => {
        const m = t.map(t.string, t.int);
        const obj = JSON.parse('{"__proto__": 5, "a": 1}') as Record<string, number>;
        const back = roundTrip(m, obj) as Record<string, unknown>;
        expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe(5);
    });
});

describe('interface values', () => {
    const AppError = t.struct('model.AppError', [['Id', t.string], ['StatusCode', t.int]]);
    registerInterfaceType('*model.AppError', t.ptr(AppError));
    const Holder = t.struct('main.Holder', [['X', t.iface]]);
    const x = (v: unknown) => (roundTrip(Holder, {X: v}) as {X: unknown}).X;

    it('maps JS values to Go types: string, bool, float64, int64, []uint8, []interface {}, map[string]interface {}', () => {
        expect(x('s')).toBe('s');
        expect(x(true)).toBe(true);
        expect(x(7)).toBe(7);
        expect(x(2n ** 60n)).toEqual(new GoValue('int64', 2n ** 60n));
        expect(x(new Uint8Array([1]))).toEqual(new GoValue('[]uint8', new Uint8Array([1])));
        expect(x([1, 'a', null, {b: [false]}])).toEqual([1, 'a', null, {b: [false]}]);
        expect(x(null)).toBeNull();
    });

    it('encodes GoValues and tagged structs under their registered names', () => {
        expect(x(new GoValue('int8', -3))).toEqual(new GoValue('int8', -3));
        expect(x(new GoValue('[]string', ['a']))).toEqual(new GoValue('[]string', ['a']));
        const err = x(withGoType('*model.AppError', {Id: 'e', StatusCode: 404}));
        expect(err).toEqual({Id: 'e', StatusCode: 404});
        expect(goTypeOf(err)).toBe('*model.AppError');
        expect(Object.keys(err as object)).toEqual(['Id', 'StatusCode']);
    });

    it('refuses values it cannot name', () => {
        expect(() => encodeGob(Holder, {X: new Date()})).toThrow(/not registered/);
        expect(() => encodeGob(Holder, {X: new GoValue('main.Unknown', 1)})).toThrow(/not registered/);
        expect(() => encodeGob(Holder, {X: () => 1})).toThrow(GobError);
        expect(() => encodeGob(Holder, {X: new GoValue('*model.AppError', null)})).toThrow(/nil pointer/);
    });

    it('registers lazily: builds the type when a value of its name first travels; a taken name still refuses another type', () => {
        const Lazy = t.ptr(t.struct('main.Lazy', [['N', t.int]]));
        const build = jest.fn(() => Lazy);
        registerInterfaceTypeLazily('*main.Lazy', build);
        expect(build).not.toHaveBeenCalled();
        const back = x(withGoType('*main.Lazy', {N: 3}));
        expect(back).toEqual({N: 3});
        expect(goTypeOf(back)).toBe('*main.Lazy');
        expect(build).toHaveBeenCalledTimes(1);
        expect(() => registerInterfaceTypeLazily('*main.Lazy', () => Lazy)).not.toThrow();
        expect(() => registerInterfaceTypeLazily('*main.Lazy', () => t.ptr(AppError))).toThrow(/duplicate types/);
        expect(() => registerInterfaceType('*main.Lazy', t.ptr(AppError))).toThrow(/duplicate types/);
    });

    it('carries large interface values (multi-byte delimited lengths)', () => {
        for (const n of [127, 128, 70_000]) expect(x('y'.repeat(n))).toBe('y'.repeat(n));
    });

    it('turns a cyclic JS value into a GobError', () => {
        const cyclic: Record<string, unknown> = {};
        cyclic['self'] = cyclic;
        expect(() => encodeGob(Holder, {X: cyclic})).toThrow(GobError);
    });
});

describe('GobEncoder streams', () => {
    const P = t.struct('main.P', [['A', t.string]]);

    it('defines each type once per stream and writes each call in one write', () => {
        const writes: Uint8Array[] = [];
        const enc = new GobEncoder((c) => writes.push(c));
        enc.encode(P, {A: 'x'});
        enc.encode(P, {A: 'x'});
        enc.encodeMany([[P, {A: 'y'}], [t.slice(t.string), ['z']]]);
        expect(writes).toHaveLength(3);
        expect((writes[1] as Uint8Array).length).toBeLessThan((writes[0] as Uint8Array).length);
        const dec = new GobDecoder();
        for (const w of writes) dec.push(w);
        expect([dec.next(P), dec.next(P), dec.next(P), dec.next(t.slice(t.string)), dec.next(P)]).toEqual([{A: 'x'}, {A: 'x'}, {A: 'y'}, ['z'], NEED_MORE]);
    });

    it('writes nothing for a value that does not fit, and forgets the types it defined for it', () => {
        const writes: Uint8Array[] = [];
        const enc = new GobEncoder((c) => writes.push(c));
        const Q = t.struct('main.Q', [['B', t.int], ['Inner', t.ptr(P)]]);
        expect(() => enc.encode(Q, {B: 'not a number', Inner: {A: 'a'}})).toThrow(GobError);
        expect(() => enc.encode(t.ptr(Q), null)).toThrow(/nil pointer/);
        expect(() => enc.encode(t.slice(t.ptr(P)), [null])).toThrow(/nil pointer/);
        expect(writes).toHaveLength(0);
        enc.encode(Q, {B: 1, Inner: {A: 'a'}});
        const dec = new GobDecoder();
        dec.push(writes[0] as Uint8Array);
        expect(dec.next(Q)).toEqual({B: 1, Inner: {A: 'a'}});
    });

    it('encodes time.Time and *url.URL with their own encodings', () => {
        const S = t.struct('main.T', [['When', t.time], ['URL', t.ptr(t.url)]]);
        const when = new GoTime(1_700_000_000, 123_456_789, 3600 + 1);
        expect(roundTrip(S, {When: when, URL: 'https://x/y?z=1'})).toEqual({When: when, URL: 'https://x/y?z=1'});
        expect(roundTrip(S, {})).toEqual({When: GoTime.ZERO, URL: null});
        expect(GoTime.fromDate(new Date(1_700_000_000_250)).toDate().getTime()).toBe(1_700_000_000_250);
    });
});
