import {RE2JS, RE2JSException, RE2Set} from 're2js';
import {triggerLimits} from '@tripwire/common';
import {requiredLiterals, type RequiredLiteral} from './regex_literals';

/**
 * Linear-time regular expressions on re2js (a pure-JS port of RE2: no backtracking, so `(a+)+$` cannot explode).
 *
 * Linear is not the same as cheap, so every path has an explicit bound:
 * - Matching runs re2js's lazy DFA, ~30-70 ns per character, with its state cache capped (`dfaBytes`). Some patterns
 *   (`[ab]*a[ab]{20}c`) have exponentially many DFA states; re2js then gives up on the DFA and silently falls back to
 *   its NFA over the whole input. We intercept that fallback (see `guardedSet`), mark the pattern hostile, and from
 *   then on run it on the NFA over at most `nfaBudget / programSize` characters.
 * - Capture groups need the NFA (or backtracker), whose cost is characters x program size; they are extracted from at
 *   most `captureBudget / programSize` characters.
 * So one evaluation costs at most about max(DFA pass, budget x ~50 ns) whatever the text, and the caller caps the text.
 */

export const regexLimits = {
    patternMax: triggerLimits.patternMax,
    /** RE2 program instructions; `[\p{L}]{500}` is ~500. */
    programMax: 1000,
    groupsMax: 32,
    /** DFA state cache of a single pattern. Giving up after filling it costs ~10-20 ms at this size. */
    dfaBytes: 256 * 1024,
    /** DFA state cache of a channel's combined set, per pattern, within [dfaBytes, setDfaBytesMax]. */
    setDfaBytesPerPattern: 16 * 1024,
    setDfaBytesMax: 2 * 1024 * 1024,
    /** NFA work for a hostile pattern, in characters x instructions (~10 ms). */
    nfaBudget: 200_000,
    /** NFA work to extract capture groups (~5 ms). */
    captureBudget: 100_000,
} as const;

export interface RegexFlags {
    ignoreCase: boolean;
    multiline: boolean;
    dotAll: boolean;
}

export interface RegexTest {
    matched: boolean;
    /** How many characters of the text were examined (less than its length only for hostile patterns). */
    examined: number;
}

export interface RegexCaptures {
    /** The whole match, '' when it could not be extracted within budget. */
    match: string;
    /** Named groups and numbered ones ("1", "2", ...); groups that did not take part are left out. */
    groups: Record<string, string>;
    /** False when the match lies beyond the characters the capture budget allows. */
    complete: boolean;
}

class DfaGaveUp extends Error {
    constructor() {
        super('re2js DFA ran out of memory');
    }
}
const dfaGaveUp = new DfaGaveUp();

/**
 * An RE2Set whose NFA fallback throws instead of running. `RE2Set.match` (re2js 2.10) reads `this.dummyRe2` only to
 * build the fallback Pike VM after the DFA gave up; making that read throw hands the decision back to us. The tests
 * pin this behaviour, so an re2js upgrade that changes it fails loudly rather than silently losing the bound.
 */
function guardedSet(patterns: readonly string[], dfaBytes: number): RE2Set {
    const set = new RE2Set(RE2Set.UNANCHORED, 0, dfaBytes);
    for (const p of patterns) set.add(p);
    set.compile();
    Object.defineProperty(set, 'dummyRe2', {
        get() {
            throw dfaGaveUp;
        },
    });
    return set;
}

/** Indices of the patterns that match, or null when the DFA gave up. */
function runGuarded(set: RE2Set, text: string): number[] | null {
    try {
        return set.match(text);
    } catch (e) {
        if (e === dfaGaveUp) return null;
        throw e;
    }
}

export type CompileResult = {ok: true; pattern: CompiledPattern} | {ok: false; reason: string};

/** A readable reason for a pattern RE2 refuses, with a hint for the features people most often expect. */
function refusal(source: string, error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    if (/\(\?<?[=!]/.test(source)) return `lookahead and lookbehind are not supported (RE2 runs in linear time and has none): ${message}`;
    if (/\\[1-9]/.test(source) || /\\k</.test(source)) return `backreferences are not supported (RE2 runs in linear time and has none): ${message}`;
    return message.replace(/^error parsing regexp: /, '');
}

function inlineFlags(flags: RegexFlags): string {
    return (flags.ignoreCase ? 'i' : '') + (flags.multiline ? 'm' : '') + (flags.dotAll ? 's' : '');
}

/**
 * Compiles a pattern, or says why not (syntax, unsupported feature, too long, too complex, too many groups).
 * The result is immutable apart from learning that it is hostile to the DFA.
 */
export function compilePattern(source: string, flags: RegexFlags): CompileResult {
    if (source.length === 0) return {ok: false, reason: 'pattern is empty'};
    if (source.length > regexLimits.patternMax) return {ok: false, reason: `pattern is longer than ${regexLimits.patternMax} characters`};
    let re: RE2JS;
    try {
        re = RE2JS.compile(
            source,
            (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (flags.multiline ? RE2JS.MULTILINE : 0) | (flags.dotAll ? RE2JS.DOTALL : 0),
        );
    } catch (e) {
        if (e instanceof RE2JSException || e instanceof Error) return {ok: false, reason: refusal(source, e)};
        throw e;
    }
    const size = re.programSize();
    if (size > regexLimits.programMax) {
        return {ok: false, reason: `pattern is too complex (${size} steps, at most ${regexLimits.programMax}): simplify counted repetitions like {500}`};
    }
    if (re.groupCount() > regexLimits.groupsMax) return {ok: false, reason: `at most ${regexLimits.groupsMax} capture groups`};
    const fl = inlineFlags(flags);
    return {ok: true, pattern: new CompiledPattern(source, flags, fl ? `(?${fl}:${source})` : source, re)};
}

/** The literal characters of a pattern plus a space, a digit and a letter, for `probeHostile`. */
function probeAlphabet(source: string): string[] {
    const chars = new Set<string>();
    for (const ch of source.replace(/\\[pP]\{[^}]*\}|\\[pP][A-Za-z]|\(\?P?<[^>]*>|\{\d*,?\d*\}/g, '')) {
        if (!'\\^$.|?*+()[]{}'.includes(ch)) chars.add(ch);
    }
    for (const ch of [' ', '0', 'x']) chars.add(ch);
    return [...chars].slice(0, 16);
}

/** Bumped whenever some pattern turns out hostile, so every set holding it can drop it at its next match. */
let hostileGeneration = 0;

export class CompiledPattern {
    readonly programSize: number;
    readonly groupNames: readonly string[];
    /** Literals one of which every match contains (null: none known): the rule set skips the DFA without them. */
    readonly required: readonly RequiredLiteral[] | null;
    private readonly named: readonly [string, number][];
    private isHostile = false;
    private single: RE2Set | null = null;

    /** @param setSource the pattern with its flags inline, for combining into a channel's set. */
    constructor(
        readonly source: string,
        readonly flags: Readonly<RegexFlags>,
        readonly setSource: string,
        private readonly re: RE2JS,
    ) {
        this.programSize = re.programSize();
        this.named = Object.entries(re.namedGroups());
        this.groupNames = this.named.map(([name]) => name);
        this.required = requiredLiterals(source, flags.ignoreCase);
    }

    /** True once the DFA gave up on this pattern: it then runs on the NFA over a bounded prefix. */
    get hostile(): boolean {
        return this.isHostile;
    }

    markHostile(): void {
        if (this.isHostile) return;
        this.isHostile = true;
        hostileGeneration++;
    }

    /** Characters the NFA may examine within `budget`. */
    private window(budget: number): number {
        return Math.max(64, Math.floor(budget / Math.max(1, this.programSize)));
    }

    /** Whether the pattern matches anywhere in `text`. */
    test(text: string): RegexTest {
        if (!this.hostile) {
            this.single ??= guardedSet([this.setSource], regexLimits.dfaBytes);
            const ids = runGuarded(this.single, text);
            if (ids !== null) return {matched: ids.length > 0, examined: text.length};
            this.markHostile();
        }
        return this.testOnNfa(text);
    }

    /**
     * The NFA over a bounded prefix. A match that ends exactly where the prefix was cut might owe that to the cut (`$`,
     * `\b`, a greedy run), so it does not count; any other match in the prefix is a match in the whole text.
     */
    private testOnNfa(text: string): RegexTest {
        const limit = this.window(regexLimits.nfaBudget);
        const cut = text.length > limit;
        const prefix = cut ? text.slice(0, limit) : text;
        const span = this.re.re2().findIndex(prefix) as number[] | null; // the NFA/backtracker: never the DFA
        const found = span !== null && !(cut && span[1] === prefix.length);
        return {matched: found, examined: prefix.length};
    }

    /**
     * Looks for DFA blow-up before the pattern meets real traffic: random texts over the characters the pattern
     * mentions (all of them, then each pair) are what the classic blow-ups (`.*a.{20}`, `[ab]*a[ab]{20}`) feed on.
     * A heuristic (~5 ms): the runtime quarantine in `test` remains the guarantee. Returns and records the verdict.
     */
    probeHostile(): boolean {
        if (this.hostile) return true;
        const alphabet = probeAlphabet(this.source);
        const probes = [alphabet];
        const few = alphabet.slice(0, 8);
        for (let i = 0; i < few.length; i++) for (let j = i + 1; j < few.length; j++) probes.push([few[i]!, few[j]!]);
        const set = guardedSet([this.setSource], regexLimits.dfaBytes);
        let seed = 0x9e3779b9;
        for (const chars of probes) {
            let text = '';
            for (let k = 0; k < 2048; k++) {
                seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; // deterministic, so verdicts are reproducible
                text += chars[(seed >>> 16) % chars.length]; // high bits: an LCG's low bits cycle
            }
            if (runGuarded(set, text) === null) {
                this.markHostile();
                return true;
            }
        }
        return false;
    }

    /** The leftmost match and its groups; call after `test` said it matches. */
    captures(text: string): RegexCaptures {
        const limit = this.window(regexLimits.captureBudget);
        const cut = text.length > limit;
        const prefix = cut ? text.slice(0, limit) : text;
        // RE2.findSubmatchIndex: [start0, end0, start1, end1, ...], -1 for groups that did not take part. Several
        // times cheaper than a Matcher, whose set-up alone costs microseconds.
        const at = this.re.re2().findSubmatchIndex(prefix) as number[] | null;
        if (!at || (cut && at[1] === prefix.length)) return {match: '', groups: {}, complete: false};
        const group = (i: number): string | null => (at[2 * i]! >= 0 ? prefix.slice(at[2 * i], at[2 * i + 1]) : null);
        const groups: Record<string, string> = {};
        for (let i = 1; 2 * i < at.length; i++) {
            const g = group(i);
            if (g !== null) groups[String(i)] = g;
        }
        for (const [name, i] of this.named) {
            const g = group(i);
            if (g !== null) groups[name] = g;
        }
        return {match: group(0) ?? '', groups, complete: true};
    }
}

/**
 * Many patterns matched in one DFA pass: a channel's regex rules cost about as much as one. If the combined DFA gives
 * up, each pattern is probed alone to find the hostile ones, which then leave the set; if none is hostile alone, the
 * set stays split into single patterns.
 */
export class PatternSet {
    private set: RE2Set | null = null;
    /** Positions (in `patterns`) that go through `set`, and those tested one by one. */
    private inSet: number[] = [];
    private alone: number[] = [];
    private degraded = false;
    private generation = -1;

    constructor(readonly patterns: readonly CompiledPattern[]) {
        this.rebuild();
    }

    private rebuild(): void {
        this.generation = hostileGeneration;
        const healthy = this.degraded ? [] : this.patterns.flatMap((p, i) => (p.hostile ? [] : [i]));
        if (healthy.length > 1) {
            const bytes = Math.min(regexLimits.setDfaBytesMax, Math.max(regexLimits.dfaBytes, healthy.length * regexLimits.setDfaBytesPerPattern));
            this.set = guardedSet(healthy.map((i) => this.patterns[i]!.setSource), bytes);
            this.inSet = healthy;
        } else {
            this.set = null;
            this.inSet = [];
        }
        const inSet = new Set(this.inSet);
        this.alone = this.patterns.flatMap((_, i) => (inSet.has(i) ? [] : [i]));
    }

    /** Calls `hit(i)` for each pattern that matches, in ascending order of i. */
    match(text: string, hit: (index: number) => void): void {
        // A pattern found hostile elsewhere (another channel's set, a test-bench run) leaves this set too.
        if (this.generation !== hostileGeneration && this.inSet.some((i) => this.patterns[i]!.hostile)) this.rebuild();
        else this.generation = hostileGeneration;
        let fromSet: number[] = [];
        if (this.set) {
            const ids = runGuarded(this.set, text);
            if (ids === null) {
                this.quarantine(text, hit);
                return;
            }
            fromSet = ids;
        }
        if (this.alone.length === 0) {
            for (const id of fromSet) hit(this.inSet[id]!);
            return;
        }
        const matched = fromSet.map((id) => this.inSet[id]!);
        for (const i of this.alone) if (this.patterns[i]!.test(text).matched) matched.push(i);
        matched.sort((a, b) => a - b).forEach(hit);
    }

    private quarantine(text: string, hit: (index: number) => void): void {
        const hostileBefore = this.patterns.filter((p) => p.hostile).length;
        const results = this.patterns.map((p) => p.test(text).matched);
        // Nobody is hostile alone: the combination is. Test them one by one from now on.
        if (this.patterns.filter((p) => p.hostile).length === hostileBefore) this.degraded = true;
        this.rebuild();
        results.forEach((m, i) => m && hit(i));
    }
}
