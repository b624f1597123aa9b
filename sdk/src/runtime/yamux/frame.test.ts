import {decodeHeader, encodeHeader, Flag, FrameParser, FrameType, type FrameHeader} from './frame';

function collect() {
    const events: Array<{h: FrameHeader; payload: Buffer[]}> = [];
    const parser = new FrameParser({
        onHeader: (h) => events.push({h, payload: []}),
        onPayload: (piece) => events[events.length - 1]?.payload.push(piece),
    });
    return {events, parser};
}

describe('yamux frame header', () => {
    it('encodes big-endian fields at the spec offsets', () => {
        const b = encodeHeader(FrameType.WindowUpdate, Flag.SYN | Flag.ACK, 0x01020304, 0x0a0b0c0d);
        expect(b.toString('hex')).toBe('00' + '01' + '0003' + '01020304' + '0a0b0c0d');
        expect(decodeHeader(b)).toEqual({version: 0, type: 1, flags: 3, streamId: 0x01020304, length: 0x0a0b0c0d});
    });
});

describe('FrameParser', () => {
    const data = Buffer.from('hello, yamux');
    const wire = Buffer.concat([
        encodeHeader(FrameType.WindowUpdate, Flag.SYN, 1, 0),
        encodeHeader(FrameType.Data, 0, 1, data.length),
        data,
        encodeHeader(FrameType.Ping, Flag.SYN, 0, 77),
        encodeHeader(FrameType.Data, Flag.FIN, 1, 0),
    ]);

    it('parses frames delivered in one chunk', () => {
        const {events, parser} = collect();
        parser.push(wire);
        expect(events.map((e) => [e.h.type, e.h.flags, e.h.streamId, e.h.length])).toEqual([
            [FrameType.WindowUpdate, Flag.SYN, 1, 0],
            [FrameType.Data, 0, 1, data.length],
            [FrameType.Ping, Flag.SYN, 0, 77],
            [FrameType.Data, Flag.FIN, 1, 0],
        ]);
        expect(Buffer.concat(events[1]?.payload ?? []).toString()).toBe('hello, yamux');
    });

    it('gives the same result for every split point, and for one byte at a time', () => {
        const {events: expected, parser: p0} = collect();
        p0.push(wire);
        const norm = (evs: typeof expected) => evs.map((e) => ({...e.h, payload: Buffer.concat(e.payload).toString('hex')}));
        for (let cut = 1; cut < wire.length; cut++) {
            const {events, parser} = collect();
            parser.push(wire.subarray(0, cut));
            parser.push(wire.subarray(cut));
            expect(norm(events)).toEqual(norm(expected));
        }
        const {events, parser} = collect();
        for (let i = 0; i < wire.length; i++) parser.push(wire.subarray(i, i + 1));
        expect(norm(events)).toEqual(norm(expected));
    });

    it('hands payload on as views of the input, not copies', () => {
        const {events, parser} = collect();
        parser.push(wire);
        const piece = events[1]?.payload[0];
        expect(piece?.buffer).toBe(wire.buffer);
    });
});
