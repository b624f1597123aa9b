import {RE2JS} from 're2js';
import {compilePattern, type RegexFlags} from './regex';
import {requiredLiterals} from './regex_literals';

const plain: RegexFlags = {ignoreCase: false, multiline: false, dotAll: false};

const lits = (source: string, ignoreCase = false) => requiredLiterals(source, ignoreCase)?.map((l) => (l.folded ? `i:${l.text}` : l.text)) ?? null;

describe('requiredLiterals', () => {
    it.each([
        ['a plain word', 'deploy', false, ['deploy']],
        ['the folded form under ignoreCase', 'Deploy', true, ['i:deploy']],
        ['named groups joined to their neighbours', '(?P<project>PROJ)-(?P<num>\\d+)', false, ['PROJ-']],
        ['both spellings of named groups', '(?<a>ab)(?P<b>cd)', false, ['abcd']],
        ['the longest run around classes and repeats', '^\\s*!deploy\\s+(?P<env>\\w+)', false, ['!deploy']],
        ['every string of a small alternation', '(?:incident|outage) #\\d+', false, ['incident #', 'outage #']],
        ['an optional letter as both spellings', 'colou?r', false, ['colour', 'color']],
        ['an inline (?i) for the rest of the pattern', 'ab(?i)CD', false, ['i:abcd']],
        ['an inline (?i) inside a group only', '(?i:ab)CD', false, ['i:abcd']],
        ['(?-i) switching case back on', '(?i)(?-i:XYZW)', false, ['XYZW']],
        ['escaped punctuation as literals', 'api\\.example\\.com', false, ['api.example.com']],
        ['a literal that repeats at least once', '(?:ab)+c', false, ['ab']],
        ['the run before a quantified letter, not the letter', 'abcd*', false, ['abc']],
        ['each branch of a top-level alternation', 'alpha|beta', false, ['alpha', 'beta']],
        ['word boundaries as nothing', '\\bship it\\b', false, ['ship it']],
        ['an astral character whole, even when optional', '😀?ab', false, ['😀ab', 'ab']],
        ['a case-sensitive non-ASCII literal', 'café', false, ['café']],
        ['s split out of folded runs (ſ folds to s)', 'Ship', true, ['i:hip']],
        ['k kept in folded runs (the Kelvin sign lower-cases to k)', 'kube', true, ['i:kube']],
    ])('finds %s', (_label, source, ignoreCase, expected) => {
        expect(compilePattern(source, {...plain, ignoreCase}).ok).toBe(true);
        expect(lits(source, ignoreCase)).toEqual(expected);
    });

    it.each([
        ['an optional group', '(?:deploy)?\\d+'],
        ['a star', '(?:deploy)*x'],
        ['a branch without a literal', 'deploy|\\d+'],
        ['only classes', '[a-z]+\\d{3}'],
        ['a one-character literal', 'a\\d+'],
        ['a folded non-ASCII literal', '(?i)éé'],
        ['\\Q…\\E quoting (left alone)', '\\Qa.b\\E'],
        ['an octal escape (left alone)', '\\0101bc'],
        ['a literal `{` (left alone)', 'ab{c'],
        ['a zero-count repeat', '(?:abc){0,3}'],
    ])('knows nothing for %s', (_label, source) => {
        expect(compilePattern(source, plain).ok).toBe(true);
        expect(lits(source)).toBeNull();
    });
});

/**
 * Patterns from a small grammar, each with texts it matches (sampled from its own structure, with random case
 * variants wherever it is case-insensitive, ſ and the Kelvin sign included). re2js confirms each text matches; then
 * every required literal set must have a member in the text. This is the soundness promise the rule set relies on.
 */
describe('requiredLiterals is sound against re2js', () => {
    type Node =
        | {k: 'lit'; ch: string}
        | {k: 'class'; src: string; chars: string}
        | {k: 'cat'; items: Node[]}
        | {k: 'alt'; branches: Node[]}
        | {k: 'group'; open: string; fold: boolean | undefined; body: Node}
        | {k: 'setFold'; fold: boolean}
        | {k: 'rep'; body: Node; min: number; max: number; src: string};

    let seed = 0x2545f491;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;

    const LITERALS = ['a', 'b', 'c', 's', 'S', 'k', 'K', 'x', 'Z', '0', '-', '.', ' ', '#', 'é', '😀', '}', ']'];
    const CLASSES: [string, string][] = [
        ['\\d', '0123456789'],
        ['[a-c]', 'abc'],
        ['.', 'qQ7 é'],
        ['\\w', 'aZ_9'],
        ['[^x]', 'yY1'],
        ['\\s', ' \t'],
        ['\\pL', 'aé'],
    ];

    function gen(depth: number): Node {
        const r = rnd(depth > 3 ? 3 : 11);
        if (r < 2) return {k: 'lit', ch: pick(LITERALS)};
        if (r < 3 && depth > 3) return {k: 'lit', ch: pick(LITERALS)};
        if (r < 3) return {k: 'class', ...((([src, chars]) => ({src, chars}))(pick(CLASSES)))};
        if (r < 6) return {k: 'cat', items: Array.from({length: 1 + rnd(6)}, () => (rnd(12) === 0 ? {k: 'setFold', fold: rnd(2) === 0} : gen(depth + 1)))};
        if (r < 7) return {k: 'alt', branches: Array.from({length: 2 + rnd(3)}, () => gen(depth + 1))};
        if (r < 9) {
            const kind = rnd(5);
            const open = ['(', '(?:', '(?P<g>', '(?i:', '(?-i:'][kind]!;
            return {k: 'group', open: kind === 2 ? `(?P<g${rnd(1e6)}>` : open, fold: kind === 3 ? true : kind === 4 ? false : undefined, body: gen(depth + 1)};
        }
        const body = gen(depth + 1);
        const [min, max, src] = pick<[number, number, string]>([
            [0, 3, '*'],
            [1, 3, '+'],
            [0, 1, '?'],
            [2, 2, '{2}'],
            [1, 3, '{1,3}'],
            [0, 2, '{0,2}'],
            [2, 4, '{2,}'],
        ]);
        return {k: 'rep', body, min, max, src: src + (rnd(3) === 0 ? '?' : '')};
    }

    const escapeLit = (ch: string) => ('.+*?()|[]{}^$\\#- '.includes(ch) && !'}]# '.includes(ch) ? `\\${ch}` : ch);

    function source(n: Node): string {
        switch (n.k) {
            case 'lit':
                return escapeLit(n.ch);
            case 'class':
                return n.src;
            case 'cat':
                return n.items.map((i) => (i.k === 'alt' ? `(?:${source(i)})` : source(i))).join('');
            case 'alt':
                return n.branches.map(source).join('|');
            case 'group':
                return `${n.open}${source(n.body)})`;
            case 'setFold':
                return n.fold ? '(?i)' : '(?-i)';
            case 'rep':
                return (n.body.k === 'lit' || n.body.k === 'class' || n.body.k === 'group' ? source(n.body) : `(?:${source(n.body)})`) + n.src;
        }
    }

    const ORBITS: Record<string, string[]> = {s: ['s', 'S', 'ſ'], k: ['k', 'K', 'K'], é: ['é', 'É']};
    function variant(ch: string, fold: boolean): string {
        if (!fold) return ch;
        const orbit = ORBITS[ch.toLowerCase()];
        if (orbit) return pick(orbit);
        return rnd(2) ? ch.toUpperCase() : ch.toLowerCase();
    }

    /** A text the node matches; `flags.fold` changes as `(?i)` items are met, like the parser's flags. */
    function sample(n: Node, flags: {fold: boolean}): string {
        switch (n.k) {
            case 'lit':
                return variant(n.ch, flags.fold);
            case 'class':
                return pick([...n.chars]);
            case 'cat':
                return n.items.map((i) => sample(i, flags)).join('');
            case 'alt':
                return sample(pick(n.branches), flags);
            case 'group':
                return sample(n.body, {fold: n.fold ?? flags.fold});
            case 'setFold':
                flags.fold = n.fold;
                return '';
            case 'rep': {
                const count = n.min + rnd(n.max - n.min + 1);
                let s = '';
                for (let i = 0; i < count; i++) s += sample(n.body, {fold: flags.fold});
                return s;
            }
        }
    }

    it('every matching text contains a required literal (3,000 generated patterns)', () => {
        let withLiterals = 0;
        let checked = 0;
        for (let round = 0; round < 3000; round++) {
            const node = gen(0);
            const src = source(node);
            const ignoreCase = rnd(3) === 0;
            const compiled = compilePattern(src, {...plain, ignoreCase});
            if (!compiled.ok) throw new Error(`generator produced an invalid pattern ${src}: ${compiled.reason}`);
            const required = requiredLiterals(src, ignoreCase);
            if (required) withLiterals++;
            for (let t = 0; t < 8; t++) {
                // Inline flags inside alternation branches leak into later branches (Go's parser); the sampler follows
                // the same rule only for concatenations, so a text is confirmed by re2js before it is used.
                const text = `${pick(['', 'x ', 'Ship '])}${sample(node, {fold: ignoreCase})}${pick(['', ' y', '!'])}`;
                if (!compiled.pattern.test(text).matched) continue;
                if (!required) continue;
                checked++;
                const lower = text.toLowerCase();
                const found = required.some((l) => (l.folded ? lower : text).includes(l.text));
                if (!found) throw new Error(`pattern ${JSON.stringify(src)} (ignoreCase ${ignoreCase}) matches ${JSON.stringify(text)} which holds none of ${JSON.stringify(required)}`);
            }
        }
        // The property would be empty if the generator rarely yielded literals.
        console.log(`${withLiterals} patterns with required literals, ${checked} matching texts checked`);
        expect(withLiterals).toBeGreaterThan(600);
        expect(checked).toBeGreaterThan(4000);
    });
});

describe('folded literals', () => {
    it('every character a case-insensitive ASCII letter matches lower-cases to that letter, except s (ſ)', () => {
        // The whole BMP in one string (surrogates as spaces), searched once per letter.
        const bmp = Array.from({length: 0x10000}, (_, c) => (c >= 0xd800 && c <= 0xdfff ? ' ' : String.fromCharCode(c))).join('');
        const outliers: string[] = [];
        for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
            const m = RE2JS.compile(`(?i)${letter}`).matcher(bmp);
            let count = 0;
            while (m.find()) {
                count++;
                const ch = bmp.slice(m.start(), m.end());
                if (ch.toLowerCase() !== letter) outliers.push(`${letter}:U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`);
            }
            expect(count).toBeGreaterThanOrEqual(2);
        }
        expect(outliers).toEqual(['s:U+17F']);
    });
});
