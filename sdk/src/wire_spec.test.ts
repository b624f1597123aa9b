import {sdkGoType, x, type SdkWire} from './wire';
import {parseType, structTable} from './wire_spec';

const none = new Map<string, SdkWire>();

describe('wire spec notation (what sdk/gen writes, sdk/gen/spec.go)', () => {
    it('reads the basic types, the vocabulary constants being the same objects', () => {
        expect(parseType('string', none)).toBe(x.string);
        expect(parseType('bool', none)).toBe(x.bool);
        expect(parseType('iface', none)).toBe(x.iface);
        expect(parseType('bytes', none)).toBe(x.bytes);
        expect(parseType('raw', none)).toBe(x.rawJson);
        expect(parseType('time', none)).toBe(x.time);
        expect(parseType('url', none)).toBe(x.url);
        expect(parseType('uintptr', none)).toEqual(x.int('uintptr'));
        expect(parseType('int64', none)).toEqual(x.int('int64'));
        expect(parseType('float32', none)).toEqual(x.float('float32'));
        expect(parseType('complex128', none)).toEqual(x.complex('complex128'));
    });

    it('reads pointers, slices, arrays, maps and the empty struct, nested', () => {
        expect(parseType('*[]map[string][3]*int8', none)).toEqual(x.ptr(x.slice(x.map(x.string, x.array(x.ptr(x.int('int8')), 3)))));
        expect(parseType('map[[2]uint8]{}', none)).toEqual(x.map(x.array(x.int('uint8'), 2), x.struct('struct {}', [])));
    });

    it('reads self-encoding types with their Go name and encoding, also as a map key', () => {
        expect(parseType('$binary:x509.OID;', none)).toEqual(x.external('x509.OID', 'binary'));
        expect(parseType('map[$text:net.IP;]*$gob:big.Int;', none)).toEqual(x.map(x.external('net.IP', 'text'), x.ptr(x.external('big.Int', 'gob'))));
    });

    it('refuses what it cannot read', () => {
        expect(() => parseType('int128', none)).toThrow(/unknown type int128/);
        expect(() => parseType('string]', none)).toThrow(/unexpected text at 6/);
        expect(() => parseType('map[string', none)).toThrow(/expected \]/);
        expect(() => parseType('$zip:a.B;', none)).toThrow(/unknown encoding zip/);
        expect(() => parseType('*', none)).toThrow(/expected a type at 1/);
        expect(() => parseType('@Post', none)).toThrow(/no struct Post/);
    });
});

describe('structTable', () => {
    it('parses a struct\'s fields on first read only, then keeps them', () => {
        const struct = structTable();
        const Broken = struct('Broken', 'model.Broken', '[["A","int128","a"]]');
        expect(Broken.kind).toBe('struct');
        if (Broken.kind !== 'struct') return;
        expect(Broken.def.goName).toBe('model.Broken');
        expect(() => Broken.def.fields).toThrow(/unknown type int128/);

        const Ok = struct('Ok', 'model.Ok', '[["A","string","a"]]');
        if (Ok.kind !== 'struct') throw new Error('not a struct');
        expect(Ok.def.fields).toBe(Ok.def.fields);
    });

    it('reads field names, JSON names (null for none), omitempty and flatten; refers to structs by name, later ones lazily', () => {
        const struct = structTable();
        const Inner = struct('Inner', 'model.Inner', '[["Id","string","id",1]]');
        const Node = struct('Node', 'model.Node', '[["Inner","@Inner",null,0,1],["Next","*~Node","next",1],["Other","~Later","-"]]', true);
        const Later = struct('Later', 'model.Later', '[]');
        if (Node.kind !== 'struct') throw new Error('not a struct');
        expect(Node.def.customJson).toBe(true);
        const [inner, next, other] = Node.def.fields;
        expect(inner).toEqual({go: 'Inner', type: Inner, json: null, omitEmpty: false, flatten: true});
        expect(inner!.type).toBe(Inner);
        expect(next).toMatchObject({go: 'Next', json: 'next', omitEmpty: true, flatten: false});
        const ptr = next!.type;
        if (ptr.kind !== 'ptr' || ptr.elem.kind !== 'lazy') throw new Error(`not a lazy pointer: ${ptr.kind}`);
        expect(ptr.elem.get()).toBe(Node);
        if (other!.type.kind !== 'lazy') throw new Error('not lazy');
        expect(other!.type.get()).toBe(Later);
        // The cycle builds: the runtime descriptor of Node refers to itself through the lazy reference.
        expect(() => sdkGoType(Node)).not.toThrow();
    });

    it('keeps each table\'s names to itself', () => {
        structTable()('A', 'model.A', '[]');
        const B = structTable()('B', 'model.B', '[["A","@A","a"]]');
        if (B.kind !== 'struct') throw new Error('not a struct');
        expect(() => B.def.fields).toThrow(/no struct A/);
    });
});
