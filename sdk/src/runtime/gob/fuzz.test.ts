// Input split anywhere, and hostile input: Go-encoded streams (test/gobcheck) fed in small pieces must decode to
// exactly what the whole stream gives; mutated and truncated streams must give values or GobErrors, nothing else.
import {encodeGob, GobDecoder, GobError, NEED_MORE} from './index';
import {BUILD_TIMEOUT_MS, buildGobcheck, parseLines, prng, runGobcheck, type HexLine} from './test/gobcheck';
import * as S from './test/schemas';

let corpus: Array<{name: string; data: Buffer}> = [];

beforeAll(() => {
    buildGobcheck();
    S.registerMattermostNames();
    const cases = parseLines<HexLine>(runGobcheck(['cases']));
    const random = parseLines<HexLine>(runGobcheck(['random', '11', '120']));
    const [stream] = parseLines<{hex: string}>(runGobcheck(['stream']));
    corpus = [
        ...cases.map((c) => ({name: `case ${c.name}`, data: Buffer.from(c.hex, 'hex')})),
        ...random.map((c) => ({name: `random 11/${c.name}`, data: Buffer.from(c.hex, 'hex')})),
        {name: 'stream', data: Buffer.from(stream?.hex ?? '', 'hex')},
    ];
}, BUILD_TIMEOUT_MS);

/** Decodes every value the decoder has, each re-encoded on its own (bytes compare values and types alike). */
function drain(dec: GobDecoder, out: string[]): void {
    for (;;) {
        const v = dec.nextDynamic();
        if (v === NEED_MORE) return;
        out.push(Buffer.from(encodeGob(v.type, v.value)).toString('hex'));
    }
}

describe('input split at any byte', () => {
    it('gives the same values when every stream arrives 1–7 bytes at a time', () => {
        const rnd = prng(42);
        let pieces = 0;
        for (const {name, data} of corpus) {
            const whole: string[] = [];
            const wholeDec = new GobDecoder();
            wholeDec.push(data);
            drain(wholeDec, whole);
            expect(wholeDec.buffered).toBe(0);

            const split: string[] = [];
            const dec = new GobDecoder();
            for (let off = 0; off < data.length; ) {
                const n = 1 + Math.floor(rnd() * 7);
                dec.push(data.subarray(off, off + n));
                off += n;
                pieces++;
                drain(dec, split);
            }
            expect({name, values: split}).toEqual({name, values: whole});
            expect(dec.buffered).toBe(0);
        }
        expect(pieces).toBeGreaterThan(1000);
    });

    it('decodes a schema-typed post fed one byte at a time', () => {
        const post = corpus.find((c) => c.name === 'case post');
        if (!post) throw new Error('no post case');
        const dec = new GobDecoder();
        let value: unknown = NEED_MORE;
        for (let i = 0; i < post.data.length; i++) {
            expect(value).toBe(NEED_MORE);
            dec.push(post.data.subarray(i, i + 1));
            value = dec.next(S.Post);
        }
        const whole = new GobDecoder();
        whole.push(post.data);
        expect(value).toEqual(whole.next(S.Post));
    });
});

type Mutation = (d: Buffer, rnd: () => number) => Buffer;
const at = (d: Buffer, rnd: () => number) => Math.floor(rnd() * d.length);
const mutations: Mutation[] = [
    (d, rnd) => {
        const m = Buffer.from(d);
        for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) m[at(m, rnd)] = Math.floor(rnd() * 256);
        return m;
    },
    (d, rnd) => {
        const m = Buffer.from(d);
        m[at(m, rnd)] = [0x00, 0x01, 0x7f, 0x80, 0xf7, 0xf8, 0xfe, 0xff][Math.floor(rnd() * 8)] as number;
        return m;
    },
    (d, rnd) => d.subarray(0, at(d, rnd)),
    (d, rnd) => {
        const i = at(d, rnd);
        return Buffer.concat([d.subarray(0, i), d.subarray(i + 1 + Math.floor(rnd() * 8))]);
    },
    (d, rnd) => {
        const i = at(d, rnd);
        const junk = Buffer.from(Array.from({length: 1 + Math.floor(rnd() * 9)}, () => Math.floor(rnd() * 256)));
        return Buffer.concat([d.subarray(0, i), junk, d.subarray(i)]);
    },
    (d, rnd) => {
        const i = at(d, rnd);
        const j = Math.min(d.length, i + 1 + Math.floor(rnd() * 40));
        return Buffer.concat([d.subarray(0, j), d.subarray(i, j), d.subarray(j)]);
    },
    // A huge length prefix in front of the data.
    (d, rnd) => Buffer.concat([Buffer.from([0xf8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, Math.floor(rnd() * 256)]), d]),
];

describe('malformed input', () => {
    it('gives values or GobErrors for mutated and truncated streams, and always makes progress', () => {
        const rnd = prng(7);
        const stats = {values: 0, errors: 0, inputs: 0};
        for (const {name, data} of corpus) {
            if (data.length === 0) continue;
            const rounds = name === 'stream' ? 40 : 12;
            for (let k = 0; k < rounds; k++) {
                const mutated = (mutations[Math.floor(rnd() * mutations.length)] as Mutation)(data, rnd);
                stats.inputs++;
                try {
                    decodeHostile(mutated, rnd, stats);
                } catch (e) {
                    throw new Error(`${name}, mutant ${mutated.toString('hex').slice(0, 400)}: ${String(e)}`);
                }
            }
        }
        expect(stats.errors).toBeGreaterThan(100);
        expect(stats.values).toBeGreaterThan(100);
    });

    it('handles mutants of typed values too (schema-driven decoding)', () => {
        const rnd = prng(9);
        const post = corpus.find((c) => c.name === 'case post');
        if (!post) throw new Error('no post case');
        let errors = 0;
        for (let k = 0; k < 500; k++) {
            const mutated = (mutations[k % mutations.length] as Mutation)(post.data, rnd);
            const dec = new GobDecoder();
            dec.push(mutated);
            try {
                dec.next(S.Post);
            } catch (e) {
                if (!(e instanceof GobError)) throw new Error(`mutant ${mutated.toString('hex')}: ${String(e)}`);
                errors++;
            }
        }
        expect(errors).toBeGreaterThan(50);
    });
});

/** Feeds `data` in random pieces, taking values until the decoder needs more; only GobErrors may be thrown. */
function decodeHostile(data: Buffer, rnd: () => number, stats: {values: number; errors: number}): void {
    const dec = new GobDecoder();
    let calls = 0;
    const piece = data.length > 10_000 ? 8192 : 64;
    for (let off = 0; off < data.length; ) {
        const n = 1 + Math.floor(rnd() * piece);
        dec.push(data.subarray(off, off + n));
        off += n;
        for (;;) {
            // Each call consumes at least one byte or waits for more, so this is bounded by the input.
            if (++calls > data.length + 64) throw new Error('decoder is not making progress');
            let v: ReturnType<GobDecoder['nextDynamic']>;
            try {
                v = dec.nextDynamic();
            } catch (e) {
                if (!(e instanceof GobError)) throw e;
                stats.errors++;
                try {
                    dec.nextDynamic();
                } catch (again) {
                    // A fatal error (bad message length) repeats itself; stop feeding this decoder.
                    if (again === e) return;
                    if (!(again instanceof GobError)) throw again;
                    stats.errors++;
                }
                continue;
            }
            if (v === NEED_MORE) break;
            stats.values++;
            // Whatever decoded must re-encode (its derived type matches its value).
            encodeGob(v.type, v.value);
        }
    }
}
