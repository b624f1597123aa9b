import {compilePattern, PatternSet, regexLimits, type CompiledPattern, type RegexFlags} from './regex';

const plain: RegexFlags = {ignoreCase: false, multiline: false, dotAll: false};

function compile(source: string, flags: Partial<RegexFlags> = {}): CompiledPattern {
    const r = compilePattern(source, {...plain, ...flags});
    if (!r.ok) throw new Error(r.reason);
    return r.pattern;
}

/** A deterministic random string over `chars`. */
function noise(chars: string, length: number, seed = 7): string {
    let s = '';
    let x = seed;
    for (let i = 0; i < length; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        s += chars[(x >>> 16) % chars.length];
    }
    return s;
}

describe('compilePattern', () => {
    it.each([
        ['an unbalanced group', '(abc', 'missing closing )'],
        ['a backreference', 'a\\1', 'backreferences are not supported'],
        ['a lookahead', '(?=x)y', 'lookahead and lookbehind are not supported'],
        ['a lookbehind', '(?<!x)y', 'lookahead and lookbehind are not supported'],
        ['a repeat count over 1000', 'x{1001}', 'invalid repeat count'],
        ['a program over the size cap', '[\\p{L}]{999}x', 'too complex'],
        ['a repeated group name', '(?P<a>x)(?P<a>y)', 'duplicate capture group name'],
        ['an over-long pattern', 'a'.repeat(regexLimits.patternMax + 1), 'longer than'],
        ['an empty pattern', '', 'empty'],
        ['33 capture groups', '(x)'.repeat(33), 'at most 32 capture groups'],
    ])('refuses %s with the reason', (_label, source, reason) => {
        const r = compilePattern(source, plain);
        expect(r.ok).toBe(false);
        expect(r.ok ? '' : r.reason).toContain(reason);
    });

    it('accepts RE2 syntax: classes, Unicode, both named-group spellings', () => {
        for (const p of ['\\bdeploy\\b', '\\p{Greek}+', '(?P<a>x)(?<b>y)', '[[:alpha:]]+', '(?i)abc', '^\\s*$']) {
            expect(compilePattern(p, plain).ok).toBe(true);
        }
    });
});

describe('CompiledPattern', () => {
    it('applies the flags', () => {
        expect(compile('deploy').test('DEPLOY').matched).toBe(false);
        expect(compile('deploy', {ignoreCase: true}).test('DEPLOY').matched).toBe(true);
        expect(compile('^now$').test('a\nnow\nb').matched).toBe(false);
        expect(compile('^now$', {multiline: true}).test('a\nnow\nb').matched).toBe(true);
        expect(compile('a.b').test('a\nb').matched).toBe(false);
        expect(compile('a.b', {dotAll: true}).test('a\nb').matched).toBe(true);
    });

    it('extracts the leftmost match with named and numbered groups, leaving out groups that did not take part', () => {
        const p = compile('(?P<key>[A-Z]+)-(?P<num>\\d+)(?P<suffix>!)?');
        expect(p.groupNames).toEqual(['key', 'num', 'suffix']);
        expect(p.captures('see JIRA-12 and OPS-7!')).toEqual({
            match: 'JIRA-12',
            groups: {'1': 'JIRA', '2': '12', key: 'JIRA', num: '12'},
            complete: true,
        });
    });

    it('runs the classic catastrophic-backtracking pattern without backtracking', () => {
        const p = compile('(a+)+$');
        const text = 'a'.repeat(100_000) + '!';
        expect(p.test(text)).toEqual({matched: false, examined: text.length});
        expect(p.hostile).toBe(false);
    });

    it('intercepts the DFA giving up on a state blow-up and falls back to a bounded NFA prefix', () => {
        // 2^20 DFA states: re2js's DFA gives up; without the guard it would run its NFA over all 100k characters.
        const p = compile('(a|b)*a(a|b){20}c');
        const text = noise('ab', 100_000) + 'c';
        const first = p.test(text);
        expect(p.hostile).toBe(true);
        const limit = Math.floor(regexLimits.nfaBudget / p.programSize);
        expect(first.examined).toBe(limit);
        expect(first.matched).toBe(false); // the 'c' is beyond the prefix
        expect(p.test('b'.repeat(30) + 'a'.repeat(21) + 'c').matched).toBe(true); // short texts are still judged in full
    });

    it('does not count a match that ends exactly where the NFA prefix was cut', () => {
        const p = compile('(a|b)*a(a|b){20}$');
        p.markHostile();
        const limit = Math.floor(regexLimits.nfaBudget / p.programSize);
        const text = 'a'.repeat(limit + 50) + 'x';
        expect(p.test(text).matched).toBe(false); // `$` would hold at the cut, not at the real end
    });

    it('flags blow-up patterns when probed, and leaves ordinary ones alone', () => {
        expect(compile('.*a.{30}c').probeHostile()).toBe(true);
        expect(compile('[ab]*a[ab]{25}d').probeHostile()).toBe(true);
        for (const p of ['(?i)\\bdeploy\\b', '(?P<key>[A-Z][A-Z0-9]+)-(?P<n>\\d+)', '(a+)+$', '^!(?P<cmd>\\w+)\\s+(?P<arg>.*)$']) {
            expect(compile(p).probeHostile()).toBe(false);
        }
    });

    it('gives up on groups rather than run the NFA past its budget', () => {
        const p = compile('(?P<tail>x+)$');
        const text = 'y'.repeat(200_000) + 'xxx';
        expect(p.test(text).matched).toBe(true);
        expect(p.captures(text)).toEqual({match: '', groups: {}, complete: false});
    });
});

describe('PatternSet', () => {
    const sources = ['deploy', '(?i)rollback', '^!cmd\\s', 'PROJ-\\d+', '\\bci\\b', 'x{3}$'];
    const texts = ['deploy now', 'ROLLBACK please', '!cmd run', 'see PROJ-12', 'the ci is red', 'circle', 'axxx', 'nothing', ''];

    it('finds exactly the patterns that match alone, in order', () => {
        const patterns = sources.map((s) => compile(s));
        const set = new PatternSet(patterns);
        for (const text of texts) {
            const hits: number[] = [];
            set.match(text, (i) => hits.push(i));
            const alone = patterns.flatMap((p, i) => (p.test(text).matched ? [i] : []));
            const native = sources.flatMap((s, i) => (new RegExp(s.replace('(?i)', ''), s.startsWith('(?i)') ? 'i' : '').test(text) ? [i] : []));
            expect(hits).toEqual(alone);
            expect(hits).toEqual(native);
        }
    });

    it('quarantines a pattern that blows up the combined DFA and keeps matching the others', () => {
        const patterns = [compile('PROJ-\\d+'), compile('(a|b)*a(a|b){20}c'), compile('urgent')];
        const set = new PatternSet(patterns);
        const attack = noise('ab', 50_000) + ' PROJ-1 urgent';
        const hits: number[] = [];
        set.match(attack, (i) => hits.push(i));
        expect(hits).toEqual([0, 2]);
        expect(patterns[1]!.hostile).toBe(true);
        const again: number[] = [];
        set.match('PROJ-9 and ' + 'a'.repeat(21) + 'c', (i) => again.push(i));
        expect(again).toEqual([0, 1]);
    });

    it('drops a pattern found hostile elsewhere before meeting the attack itself', () => {
        const shared = compile('(a|b)*a(a|b){20}c');
        const set = new PatternSet([compile('PROJ-\\d+'), shared]);
        shared.test(noise('ab', 50_000) + 'c'); // found out by its own test (another channel, the test bench)
        expect(shared.hostile).toBe(true);
        const quarantine = jest.spyOn(PatternSet.prototype as unknown as {quarantine: () => void}, 'quarantine');
        const hits: number[] = [];
        set.match(noise('ab', 50_000) + ' PROJ-1', (i) => hits.push(i));
        expect(hits).toEqual([0]);
        expect(quarantine).not.toHaveBeenCalled(); // the combined DFA never had to give up on it
        quarantine.mockRestore();
    });
});
