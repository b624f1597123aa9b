// The hex vectors of the protocol reference (mm-plugin-rpc.md §3.7), produced by Go's encoding/gob and net/rpc.
import {GobDecoder, NEED_MORE, registerInterfaceType, t, goTypeOf, GoValue, type GoType} from './index';

const hex = (s: string) => Buffer.from(s, 'hex');

const Request = t.struct('rpc.Request', [['ServiceMethod', t.string], ['Seq', t.uint64]]);
const Response = t.struct('rpc.Response', [['ServiceMethod', t.string], ['Seq', t.uint64], ['Error', t.string]]);
const Empty = t.struct('struct {}', []);
const ErrorString = t.struct('plugin.ErrorString', [['Code', t.int], ['Err', t.string]]);
registerInterfaceType('*plugin.ErrorString', t.ptr(ErrorString));

/** Decodes each (type) in turn from the stream, fed whole, and checks that nothing is left over. */
function decodeAll(stream: Buffer, types: GoType[]): unknown[] {
    const dec = new GobDecoder();
    dec.push(stream);
    const out = types.map((ty) => dec.next(ty));
    expect(out).not.toContain(NEED_MORE);
    expect(dec.buffered).toBe(0);
    return out;
}

describe('reference vectors (Go-encoded)', () => {
    it('V1/V2: Dispenser.Dispense request and its uint32 reply', () => {
        const v1 = '2fff81030101075265717565737401ff82000102010d536572766963654d6574686f64010c000103536571010600000017ff82011244697370656e7365722e44697370656e736500080c0005686f6f6b73';
        expect(decodeAll(hex(v1), [Request, t.string])).toEqual([{ServiceMethod: 'Dispenser.Dispense', Seq: 0}, 'hooks']);
        const v2 = '3aff8303010108526573706f6e736501ff84000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c00000017ff84011244697370656e7365722e44697370656e73650003060001';
        expect(decodeAll(hex(v2), [Response, t.uint32])).toEqual([{ServiceMethod: 'Dispenser.Dispense', Seq: 0, Error: ''}, 1]);
    });

    it('V3/V4: Control.Ping with a bool and an empty struct reply', () => {
        const v3 = '2fff81030101075265717565737401ff82000102010d536572766963654d6574686f64010c000103536571010600000013ff82010c436f6e74726f6c2e50696e6701010003020001';
        expect(decodeAll(hex(v3), [Request, t.bool])).toEqual([{ServiceMethod: 'Control.Ping', Seq: 1}, true]);
        const v4 = '3aff8303010108526573706f6e736501ff84000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c00000013ff84010c436f6e74726f6c2e50696e670101000aff85030102ff8600000003ff8600';
        expect(decodeAll(hex(v4), [Response, Empty])).toEqual([{ServiceMethod: 'Control.Ping', Seq: 1, Error: ''}, {}]);
    });

    it('V6: []string reply', () => {
        const v6 = '3aff8303010108526573706f6e736501ff84000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c00000017ff840112506c7567696e2e496d706c656d656e746564000cff87020102ff8800010c000019ff8800020a4f6e416374697661746509536572766548545450';
        expect(decodeAll(hex(v6), [Response, t.slice(t.string)])[1]).toEqual(['OnActivate', 'ServeHTTP']);
    });

    it('V7: Z_OnActivateArgs', () => {
        const v7 = '2fff81030101075265717565737401ff82000102010d536572766963654d6574686f64010c000103536571010600000018ff820111506c7567696e2e4f6e41637469766174650101003bff89030101105a5f4f6e41637469766174654172677301ff8a00010201084150494d75784964010600010b4472697665724d75784964010600000007ff8a0101010200';
        const Args = t.struct('plugin.Z_OnActivateArgs', [['APIMuxId', t.uint32], ['DriverMuxId', t.uint32], ['ContextHTTP', t.bool]]);
        expect(decodeAll(hex(v7), [Request, Args])).toEqual([
            {ServiceMethod: 'Plugin.OnActivate', Seq: 1},
            {APIMuxId: 1, DriverMuxId: 2, ContextHTTP: false},
        ]);
    });

    it('V8/V9: an error interface, nil and then split at the inline type definition', () => {
        const Returns = t.struct('plugin.Z_OnActivateReturns', [['A', t.iface]]);
        const v8 = '3aff8303010108526573706f6e736501ff84000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c00000018ff840111506c7567696e2e4f6e416374697661746501010027ff8b030101135a5f4f6e416374697661746552657475726e7301ff8c000101010141011000000003ff8c00';
        expect(decodeAll(hex(v8), [Response, Returns])[1]).toEqual({A: null});
        const v9 = '3aff8303010108526573706f6e736501ff84000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c00000018ff840111506c7567696e2e4f6e416374697661746501010027ff8b030101135a5f4f6e416374697661746552657475726e7301ff8c000101010141011000000041ff8c01132a706c7567696e2e4572726f72537472696e67ff8d0301010b4572726f72537472696e6701ff8e0001020104436f64650104000103457272010c0000000bff8e070204626f6f6d0000';
        const [, ret] = decodeAll(hex(v9), [Response, Returns]) as [unknown, {A: unknown}];
        expect(ret.A).toEqual({Code: 0, Err: 'boom'});
        expect(goTypeOf(ret.A)).toBe('*plugin.ErrorString');
    });

    it('V10: an error reply still carries an empty struct body', () => {
        const v10 = '3aff8303010108526573706f6e736501ff84000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c00000036ff84010b506c7567696e2e4e6f7065010701227270633a2063616e27742066696e64206d6574686f6420506c7567696e2e4e6f7065000aff85030102ff8600000003ff8600';
        const dec = new GobDecoder();
        dec.push(hex(v10));
        expect(dec.next(Response)).toEqual({ServiceMethod: 'Plugin.Nope', Seq: 7, Error: "rpc: can't find method Plugin.Nope"});
        expect(dec.skip()).toBe(true);
        expect(dec.buffered).toBe(0);
    });

    it('V12/V13: []interface{} and map[string]interface{} holding strings', () => {
        const v12 = '28ff910301010d5a5f4c6f67496e666f4172677301ff92000102010141010c0001014201ff940000001cff930201010e5b5d696e74657266616365207b7d01ff94000110000024ff92010568656c6c6f010206737472696e670c0300016b06737472696e670c0300017600';
        const LogArgs = t.struct('plugin.Z_LogInfoArgs', [['A', t.string], ['B', t.slice(t.iface)]]);
        expect(decodeAll(hex(v12), [LogArgs])).toEqual([{A: 'hello', B: ['k', 'v']}]);
        const v13 = '0eff95040102ff9600010c0110000012ff960001017306737472696e670c03000178';
        expect(decodeAll(hex(v13), [t.map(t.string, t.iface)])).toEqual([{s: 'x'}]);
    });

    it('V14–V16: http.Header, []byte and int singletons', () => {
        const v14 = '17ff970401010648656164657201ff9800010c01ff8800000cff87020102ff8800010c00001dff9800010c436f6e74656e742d54797065010a746578742f706c61696e';
        expect(decodeAll(hex(v14), [t.map(t.string, t.slice(t.string))])).toEqual([{'Content-Type': ['text/plain']}]);
        expect(decodeAll(hex('050a00026869'), [t.bytes])).toEqual([new Uint8Array([0x68, 0x69])]);
        expect(decodeAll(hex('050400fe0190'), [t.int])).toEqual([200]);
    });

    it('V17: forward type references, a BinaryMarshaler URL and an unused empty struct', () => {
        const v17 = '66ff990301010f5a5f5365727665485454504172677301ff9a0001040114526573706f6e736557726974657253747265616d01060001075265717565737401ff9c000107436f6e7465787401ffa000011152657175657374426f647953747265616d0106000000ff97ff9b03010111485454505265717565737453756273657401ff9c00010a01064d6574686f64010c00010355524c01ff9e00010550726f746f010c00010a50726f746f4d616a6f72010400010a50726f746f4d696e6f72010400010648656164657201ff98000104486f7374010c00010a52656d6f746541646472010c00010a52657175657374555249010c000104426f647901100000000aff9d060102ffa200000014ffa30301010855736572696e666f01ffa400000017ff970401010648656164657201ff9800010c01ff8800000cff87020102ff8800010c000060ff9f03010107436f6e7465787401ffa0000105010953657373696f6e4964010c000109526571756573744964010c000109495041646472657373010c00010e4163636570744c616e6775616765010c000109557365724167656e74010c00000064ff9a010301010347455401112f6170692f76312f68656c6c6f3f783d310108485454502f312e310102010201010641636365707401032a2f2a01026d6d021b2f706c7567696e732f782f6170692f76312f68656c6c6f3f783d3100010202723100010400';
        const Req = t.struct('plugin.HTTPRequestSubset', [
            ['Method', t.string], ['URL', t.ptr(t.url)], ['Proto', t.string], ['ProtoMajor', t.int], ['ProtoMinor', t.int],
            ['Header', t.map(t.string, t.slice(t.string))], ['Host', t.string], ['RemoteAddr', t.string], ['RequestURI', t.string],
        ]);
        const Ctx = t.struct('plugin.Context', [['SessionId', t.string], ['RequestId', t.string]]);
        const Args = t.struct('plugin.Z_ServeHTTPArgs', [
            ['ResponseWriterStream', t.uint32], ['Request', t.ptr(Req)], ['Context', t.ptr(Ctx)], ['RequestBodyStream', t.uint32],
        ]);
        expect(decodeAll(hex(v17), [Args])).toEqual([{
            ResponseWriterStream: 3,
            RequestBodyStream: 4,
            Request: {
                Method: 'GET', URL: '/api/v1/hello?x=1', Proto: 'HTTP/1.1', ProtoMajor: 1, ProtoMinor: 1,
                Header: {Accept: ['*/*']}, Host: 'mm', RemoteAddr: '', RequestURI: '/plugins/x/api/v1/hello?x=1',
            },
            Context: {SessionId: '', RequestId: 'r1'},
        }]);
        // Decoded without a schema, the URL is its raw bytes and Body (an io.ReadCloser interface) is nil.
        const dec = new GobDecoder();
        dec.push(hex(v17));
        const dyn = dec.nextDynamic();
        if (dyn === NEED_MORE) throw new Error('incomplete');
        const req = (dyn.value as {Request: Record<string, unknown>}).Request;
        expect(Buffer.from(req.URL as Uint8Array).toString()).toBe('/api/v1/hello?x=1');
        expect(req.Body).toBeNull();
        expect(req.ProtoMajor).toBe(1);
    });

    it('wraps non-plain interface values in GoValue', () => {
        const v = new GoValue('int8', 3);
        expect(goTypeOf(v)).toBe('int8');
    });
});
