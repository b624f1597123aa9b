import {NeedleIndex} from './needle_index';
import {includesWholeWord} from './text';

describe('NeedleIndex', () => {
    it('finds exactly what includes and includesWholeWord find, over many random texts', () => {
        // Small alphabets make overlaps, shared prefixes, repeats and boundaries common.
        const alphabet = ['a', 'b', 'ab', ' ', '-', '_', 'é', '😀', 'A', 'x'];
        let seed = 42;
        const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
        const pick = (len: number) => Array.from({length: len}, () => alphabet[rnd(alphabet.length)]).join('');
        for (let round = 0; round < 300; round++) {
            const needles = [...new Set(Array.from({length: 1 + rnd(8)}, () => pick(1 + rnd(3))))];
            const whole = needles.map(() => rnd(2) === 1);
            const index = new NeedleIndex(needles, whole);
            for (let t = 0; t < 10; t++) {
                const text = pick(rnd(40));
                const found = index.found.slice(0, index.scan(text)).sort((x, y) => x - y);
                const expected = needles.flatMap((n, i) => (text.includes(n) ? [i] : []));
                expect({text, needles, found}).toEqual({text, needles, found: expected});
                needles.forEach((n, i) => {
                    expect(index.has(i)).toBe(text.includes(n));
                    if (whole[i]) expect([text, n, index.hasWhole(i)]).toEqual([text, n, includesWholeWord(text, n)]);
                });
            }
        }
    });

    it('forgets the previous text on each scan', () => {
        const index = new NeedleIndex(['deploy', 'x'], [true, false]);
        expect(index.found.slice(0, index.scan('deploy x'))).toEqual([1, 0]);
        expect(index.scan('nothing here')).toBe(0);
        expect(index.has(0)).toBe(false);
        expect(index.hasWhole(0)).toBe(false);
    });
});
