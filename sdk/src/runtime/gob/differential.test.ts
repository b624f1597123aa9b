// Differential tests against Go's own encoding/gob (test/gobcheck): Go encodes → we decode → we encode → Go decodes
// and compares reflect.DeepEqual with what Go's own round trip gives.
import {encodeGob, GobDecoder, GobEncoder, GoTime, goTypeOf, GoValue, NEED_MORE, t, type GoType} from './index';
import {BUILD_TIMEOUT_MS, buildGobcheck, goCheck, parseLines, runGobcheck, type HexLine} from './test/gobcheck';
import * as S from './test/schemas';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Buffer.from(h, 'hex');

function decodeDynamic(h: string): {type: GoType; value: unknown} {
    const dec = new GobDecoder();
    dec.push(bytes(h));
    const v = dec.nextDynamic();
    if (v === NEED_MORE) throw new Error('incomplete stream');
    expect(dec.buffered).toBe(0);
    return v;
}

let cases: HexLine[] = [];
const caseHex = (name: string) => {
    const c = cases.find((x) => x.name === name);
    if (!c) throw new Error(`no case ${name}`);
    return c.hex;
};

beforeAll(() => {
    buildGobcheck();
    S.registerMattermostNames();
    cases = parseLines<HexLine>(runGobcheck(['cases']));
}, BUILD_TIMEOUT_MS);

describe('gob against Go', () => {
    it('round-trips every fixed case through dynamic decoding (values decoded by their wire types)', () => {
        expect(cases.length).toBeGreaterThan(70);
        const ours = cases.map((c) => {
            const {type, value} = decodeDynamic(c.hex);
            return {name: c.name, hex: hex(encodeGob(type, value))};
        });
        expect(goCheck(['check-cases'], ours)).toEqual([]);
    });

    it('decodes fixed cases into schemas with the documented JS values, and Go accepts them re-encoded', () => {
        const schemas: Record<string, GoType> = {
            'post': t.ptr(S.Post), 'post-minimal': t.ptr(S.Post), 'allkinds': S.AllKinds, 'allkinds-zero': S.AllKinds,
            'allkinds-ptr-to-zero': S.AllKinds, 'tree': t.ptr(S.Tree), 'mutual': t.ptr(S.A), 'empty-struct': S.Empty,
            'iface-int8': S.Holder, 'iface-ints': S.Holder, 'iface-floats': S.Holder, 'iface-basic': S.Holder,
            'iface-slices': S.Holder, 'iface-nested': S.Holder, 'iface-registered': S.Holder, 'iface-attachments': S.Holder,
            'iface-unregistered': S.Holder, 'iface-nil': S.Holder, 'error-apperror': S.ErrReturns,
            'error-errorstring': S.ErrReturns, 'error-nil': S.ErrReturns, 'request-subset': S.RequestSubset,
            'time-utc': t.time, 'time-zone-seconds': t.time, 'time-zero': t.time, 'url-ptr': t.ptr(t.url),
            'uint64-max': t.uint64, 'int64-min': t.int64, 'int64-max': t.int64, 'int64-2^53+1': t.int64,
            'int8-min': t.int8, 'float32': t.float32, 'float64-neg-zero': t.float64, 'complex64': t.complex64,
            'array-int': t.array(t.int, 3), 'array-2d': t.array(t.array(t.string, 2), 2), 'array-bytes': t.array(t.uint8, 4),
            'map-int-string': t.map(t.int, t.string), 'map-array-key': t.map(t.array(t.int, 2), t.string),
            'map-nested': t.map(t.string, t.map(t.string, t.int)), 'map-header': t.map(t.string, t.slice(t.string)),
            'slice-ptr': t.slice(t.ptr(S.Tree)), 'bytes-big': t.bytes, 'string-unicode': t.string, 'ptr-ptr-string': t.ptr(t.ptr(t.string)),
        };
        const v: Record<string, unknown> = {};
        for (const [name, type] of Object.entries(schemas)) {
            const dec = new GobDecoder();
            dec.push(bytes(caseHex(name)));
            v[name] = dec.next(type);
            expect(v[name]).not.toBe(NEED_MORE);
        }

        const post = v['post'] as Record<string, unknown> & {Props: Record<string, unknown>};
        expect(post.Message).toBe('hello **world** ✓ 🎉');
        expect(post.CreateAt).toBe(1_700_000_000_123);
        expect(post.Props['s']).toBe('x');
        expect(post.Props['n']).toBe(1.5);
        expect(post.Props['i']).toEqual(new GoValue('int', 7));
        expect(post.Props['i64']).toEqual(new GoValue('int64', 2n ** 60n));
        expect(post.Props['b']).toBe(true);
        expect(post.Props['nil']).toBeNull();
        expect(post.Props['bytes']).toEqual(new GoValue('[]uint8', new Uint8Array([1, 2, 255])));
        expect(post.Props['empty']).toEqual({});
        const list = post.Props['list'] as [{k: [string, {x: unknown; y: unknown}]}, number, boolean];
        expect(list[0].k[0]).toBe('deep');
        expect(list[0].k[1].x).toEqual(new GoValue('int8', 3));
        expect(list[0].k[1].y).toEqual([]);
        expect(list.slice(1)).toEqual([2, false]);
        expect(goTypeOf(post.Props['err'])).toBe('*model.AppError');
        expect(post.Props['err']).toMatchObject({Id: 'api.post.create', StatusCode: 400, Where: 'CreatePost', SkipTranslation: false});
        const att = post.Props['attachments'] as GoValue;
        expect(att.goType).toBe('[]*model.SlackAttachment');
        expect((att.value as Array<{Fields: Array<{Value: unknown}>; Timestamp: unknown}>)[0]?.Timestamp).toEqual(new GoValue('int64', 1234));
        expect(post.RemoteId).toBe('remote');
        expect(post.IsFollowing).toBe(true);
        expect(post.FileIds).toEqual(['f1', 'f2']);
        expect((post.Participants as Array<{MfaTimestamps: unknown}>)[1]?.MfaTimestamps).toEqual([1, 2n ** 62n]);
        expect((post.Participants as Array<{AuthData: unknown}>)[0]?.AuthData).toBeNull(); // *string to "" is not sent
        expect(post.Metadata).toEqual({Embeds: [{Type: 'link', URL: 'https://example.com', Data: {title: 't'}}], ExpireAt: 0});
        expect(v['post-minimal']).toMatchObject({ChannelId: 'c', Message: 'm', Props: null, FileIds: [], RemoteId: null, Metadata: null, CreateAt: 0});

        expect(v['allkinds']).toMatchObject({
            B: true, I: -7, I8: -8, I64: 2n ** 62n, U32: 2 ** 31, U64: 2n ** 64n - 1n, F32: 0.5, C64: {real: 1, imag: 2},
            C128: {real: -3, imag: 4.5}, Byt: new Uint8Array([0x62]), Arr: [0, 1, 0], P: 5, PP: 'pp', Any: new GoValue('int8', 3), E: {},
            URL: 'https://user:pa%20ss@mm.example.com:8065/plugins/x/api/v1/hello?x=1&y=%2F#frag',
        });
        expect((v['allkinds'] as {T: GoTime}).T).toEqual(new GoTime(Date.UTC(2024, 1, 29, 12, 30, 45) / 1000, 123456789, null));
        expect(v['allkinds-zero']).toMatchObject({B: false, I64: 0, S: '', Byt: new Uint8Array(0), Arr: [0, 0, 0], Sl: [], M: null, P: null, Any: null, T: GoTime.ZERO, URL: null});
        expect(v['allkinds-ptr-to-zero']).toMatchObject({P: null, PP: null, Any: new GoValue('int', 0), Sl: [], M: {}});
        expect(v['tree']).toMatchObject({Val: 1, Name: 'root', Next: {Val: -1, Next: null}, Kids: [{Val: 2, Kids: [{Name: 'leaf'}]}, {Val: 3}], Meta: {l: {Val: 3}, e: {Val: 0}}});
        expect(v['mutual']).toMatchObject({Name: 'a', B: {N: 1, A: {Name: 'inner', B: null}, As: [{Name: 'x', B: null}, {Name: '', B: {N: 2}}]}});
        expect(v['iface-ints']).toEqual({X: new GoValue('int', 7), Y: new GoValue('int64', -(2n ** 60n)), Z: [new GoValue('uint64', 2n ** 64n - 1n), new GoValue('uint8', 1), new GoValue('int16', -2), new GoValue('uintptr', 3)]});
        expect(v['iface-floats']).toEqual({X: new GoValue('float32', 0.25), Y: new GoValue('complex128', {real: 1, imag: -1}), Z: [1.5, new GoValue('complex64', {real: 2, imag: 0})]});
        expect(v['iface-basic']).toEqual({X: 'str', Y: true, Z: ['', false, new GoValue('[]uint8', new Uint8Array([9]))]});
        expect(v['iface-slices']).toEqual({X: new GoValue('[]string', ['a', 'b']), Y: new GoValue('[]int', [1, 2]), Z: [new GoValue('[]float64', [0.5]), new GoValue('[]bool', [true])]});
        expect(v['iface-nested']).toEqual({X: {a: [{b: new GoValue('int8', 1), c: [new GoValue('int16', 2), {}]}]}, Y: null, Z: []});
        const unregistered = v['iface-unregistered'] as {X: GoValue; Y: GoValue; Z: GoValue[]};
        expect([unregistered.X.goType, unregistered.Y.goType, unregistered.Z[0]?.goType, unregistered.Z[1]?.goType]).toEqual(['map[string]int', '*main.Tree', 'main.Empty', 'time.Time']);
        expect(unregistered.X.value).toEqual({a: 1});
        expect(v['error-apperror']).toMatchObject({A: {Message: 'Unable to create post', StatusCode: 400}, B: 'x'});
        expect(goTypeOf((v['error-errorstring'] as {A: unknown}).A)).toBe('*plugin.ErrorString');
        expect(v['error-nil']).toEqual({A: null, B: 'only b'});
        expect(v['request-subset']).toMatchObject({Method: 'GET', Header: {Accept: ['*/*']}, When: new GoTime(Date.UTC(2030, 5, 1, 8, 32, 3) / 1000, 4, -(7 * 3600 + 1800))});
        expect(v['time-zone-seconds']).toEqual(new GoTime(Date.UTC(1999, 11, 31, 22, 59, 58) / 1000, 0, 3601));
        expect(v['time-zero']).toEqual(GoTime.ZERO);
        expect(v['uint64-max']).toBe(2n ** 64n - 1n);
        expect(v['int64-min']).toBe(-(2n ** 63n));
        expect(v['int64-max']).toBe(2n ** 63n - 1n);
        expect(v['int64-2^53+1']).toBe(2n ** 53n + 1n);
        expect(v['int8-min']).toBe(-128);
        expect(Object.is(v['float64-neg-zero'], -0)).toBe(true);
        expect(v['complex64']).toEqual({real: Math.fround(0.1), imag: 3});
        expect(v['array-2d']).toEqual([['a', 'b'], ['', 'd']]);
        expect(v['map-int-string']).toEqual(new Map([[1, 'one'], [-5, 'minus five'], [0, '']]));
        expect([...(v['map-array-key'] as Map<number[], string>).entries()].sort((a, b) => (a[1] < b[1] ? -1 : 1))).toEqual([[[1, 2], 'a'], [[3, 4], 'b']]);
        expect(v['map-nested']).toEqual({x: {y: 1}, e: {}});
        expect((v['bytes-big'] as Uint8Array).length).toBe(300_000);
        expect(v['ptr-ptr-string']).toBe('deep');

        const ours = Object.entries(schemas).map(([name, type]) => ({name, hex: hex(encodeGob(type, v[name]))}));
        expect(goCheck(['check-cases'], ours)).toEqual([]);
    });

    it('keeps type definitions across a stream: every case on one Go encoder, re-encoded on one of ours', () => {
        const [line] = parseLines<{names: string[]; hex: string}>(runGobcheck(['stream']));
        if (!line) throw new Error('no stream');
        const dec = new GobDecoder();
        dec.push(bytes(line.hex));
        const chunks: Uint8Array[] = [];
        const enc = new GobEncoder((c) => chunks.push(c));
        for (const _ of line.names) {
            const v = dec.nextDynamic();
            if (v === NEED_MORE) throw new Error('incomplete stream');
            enc.encode(v.type, v.value);
        }
        expect(dec.buffered).toBe(0);
        const ours = {names: line.names, hex: hex(Buffer.concat(chunks))};
        const results = parseLines<{name: string; ok: boolean; err?: string}>(runGobcheck(['check-stream'], JSON.stringify(ours) + '\n'));
        expect(results.filter((r) => !r.ok)).toEqual([]);
        expect(results).toHaveLength(line.names.length);
    });

    it('notices a wrong value and a broken stream (the check itself can fail)', () => {
        const failures = goCheck(['check-cases'], [
            {name: 'int-200', hex: hex(encodeGob(t.int, 201))},
            {name: 'string', hex: hex(encodeGob(t.string, 'hello'))},
            {name: 'post', hex: hex(encodeGob(t.ptr(S.Post), {Message: 'x'}))},
            {name: 'bool', hex: '0302'},
        ]);
        expect(failures.map((f) => f.split(':')[0])).toEqual(['int-200', 'post', 'bool']);
    });

    it.each([1, 2, 3])('round-trips 300 random values of random types (seed %i)', (seed) => {
        const values = parseLines<HexLine>(runGobcheck(['random', String(seed), '300']));
        expect(values).toHaveLength(300);
        const ours = values.map((l) => {
            const {type, value} = decodeDynamic(l.hex);
            return {name: l.name, hex: hex(encodeGob(type, value))};
        });
        expect(goCheck(['check-random', String(seed), '300'], ours)).toEqual([]);
    });
});
