/**
 * Required literals of an RE2 pattern: strings of which every match contains at least one. The rule set finds them
 * in the same one-pass needle scan as contains/whole-word words, and skips the regex DFA for a post that holds none
 * (most chat lines), the idea of RE2's FilteredRE2.
 *
 * Soundness is all that matters: a wrong literal would silently lose matches, a missing one only costs a DFA pass.
 * So anything this parser does not fully understand yields "nothing known" (null), and the property test in
 * regex_literals.test.ts checks the promise against re2js on generated patterns and matching texts.
 *
 * Folded literals (from case-insensitive parts) are lower-case and must be looked for in `text.toLowerCase()`. Only
 * ASCII characters enter them, except `s`, whose case-fold orbit includes U+017F (ſ), which `toLowerCase` keeps:
 * `(?i)s` matches "ſ" yet "ſ".toLowerCase() holds no "s". Every other ASCII letter's orbit lower-cases to itself
 * (the Kelvin sign K becomes "k"), which the exhaustive test pins.
 */
export interface RequiredLiteral {
    readonly text: string;
    /** Compare with the lower-cased text. */
    readonly folded: boolean;
}

/** Fewer and longer literals filter better; shorter ones would be found in most posts anyway. */
const MIN_LENGTH = 2;
const EXACT_MAX = 16;
const ANY_OF_MAX = 32;

interface Lit {
    s: string;
    f: boolean;
}

/**
 * What is known of a piece of the pattern: `exact`, every string it can match (when few); `req`, literals one of
 * which each of its matches contains (null: none known).
 */
interface Info {
    exact: Lit[] | null;
    req: Lit[] | null;
}

/** The empty string alone: what zero-width items (`^`, `\b`) match. */
const EMPTY_STRING: Lit[] = [{s: '', f: false}];
const EMPTY: Info = {exact: EMPTY_STRING, req: null};
const OPAQUE: Info = {exact: null, req: null};

/** The pattern used syntax this parser leaves alone. */
class Unknown extends Error {}

function isAscii(s: string): boolean {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
    return true;
}

/** Joins two literals; a case-sensitive ASCII part may become folded, other mixes cannot be joined. */
function join(a: Lit, b: Lit): Lit | null {
    if (a.f === b.f) return {s: a.s + b.s, f: a.f};
    const [sensitive, folded] = a.f ? [b, a] : [a, b];
    if (!isAscii(sensitive.s)) return null;
    return a.f ? {s: a.s + b.s.toLowerCase(), f: true} : {s: a.s.toLowerCase() + b.s, f: folded.f};
}

function dedupe(lits: Lit[]): Lit[] {
    const seen = new Set<string>();
    return lits.filter((l) => {
        const key = (l.f ? 'f' : 's') + l.s;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

function cross(a: Lit[], b: Lit[]): Lit[] | null {
    if (a.length * b.length > EXACT_MAX) return null;
    const out: Lit[] = [];
    for (const x of a) {
        for (const y of b) {
            const j = join(x, y);
            if (!j) return null;
            out.push(j);
        }
    }
    return dedupe(out);
}

/** A set of literals as a requirement: usable only if each is long enough. */
function asReq(set: Lit[] | null): Lit[] | null {
    return set && set.length > 0 && set.every((l) => l.s.length >= MIN_LENGTH) ? set : null;
}

/** The best-filtering requirement: the longest shortest literal, then the fewest literals. */
function better(a: Lit[] | null, b: Lit[] | null): Lit[] | null {
    if (!a) return b;
    if (!b) return a;
    const minA = Math.min(...a.map((l) => l.s.length));
    const minB = Math.min(...b.map((l) => l.s.length));
    if (minA !== minB) return minA > minB ? a : b;
    return b.length < a.length ? b : a;
}

const reqOf = (info: Info): Lit[] | null => better(asReq(info.exact), info.req);

class Parser {
    private pos = 0;

    constructor(private readonly src: string) {}

    parse(fold: boolean): Info {
        const info = this.alternation({fold});
        if (this.pos !== this.src.length) throw new Unknown();
        return info;
    }

    private peek(): string {
        return this.src[this.pos] ?? '';
    }

    /** Branches separated by `|`, up to `)` or the end. Flags set by `(?i)` last to the end of the group. */
    private alternation(flags: {fold: boolean}): Info {
        const branches = [this.concatenation(flags)];
        while (this.peek() === '|') {
            this.pos++;
            branches.push(this.concatenation(flags));
        }
        if (branches.length === 1) return branches[0]!;
        let exact: Lit[] | null = [];
        for (const b of branches) exact = exact && b.exact ? dedupe([...exact, ...b.exact]) : null;
        if (exact && exact.length > EXACT_MAX) exact = null;
        let req: Lit[] | null = [];
        for (const b of branches) {
            const r = reqOf(b);
            req = req && r ? dedupe([...req, ...r]) : null;
        }
        return {exact, req: req && req.length <= ANY_OF_MAX ? req : null};
    }

    private concatenation(flags: {fold: boolean}): Info {
        let current = EMPTY_STRING;
        let whole = true; // every item so far was exact
        let best: Lit[] | null = null;
        while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
            const item = this.quantified(this.atom(flags));
            if (item.exact) {
                const joined = cross(current, item.exact);
                if (joined) {
                    current = joined;
                    continue;
                }
                best = better(best, asReq(current));
                current = item.exact;
                whole = false;
                continue;
            }
            best = better(better(best, asReq(current)), item.req);
            current = EMPTY_STRING;
            whole = false;
        }
        best = better(best, asReq(current));
        return {exact: whole ? current : null, req: best};
    }

    /** Applies a following `*`, `+`, `?` or `{n,m}` (and its lazy `?`) to `item`. */
    private quantified(item: Info): Info {
        const c = this.peek();
        let min: number;
        let max: number;
        if (c === '*' || c === '+' || c === '?') {
            this.pos++;
            [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
        } else if (c === '{') {
            const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
            if (!m) throw new Unknown();
            this.pos += m[0].length;
            min = Number(m[1]);
            max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
        } else {
            return item;
        }
        if (this.peek() === '?') this.pos++;
        if ('*+?{'.includes(this.peek()) && this.peek() !== '') throw new Unknown();
        if (min === 0) return max === 1 && item.exact ? {exact: dedupe([...item.exact, ...EMPTY_STRING]), req: null} : OPAQUE;
        if (min === 1 && max === 1) return item;
        return {exact: null, req: reqOf(item)};
    }

    private atom(flags: {fold: boolean}): Info {
        const c = this.peek();
        switch (c) {
            case '(':
                return this.group(flags);
            case '[':
                this.skipClass();
                return OPAQUE;
            case '.':
                this.pos++;
                return OPAQUE;
            case '^':
            case '$':
                this.pos++;
                return EMPTY;
            case '\\':
                return this.escape(flags);
            case '*':
            case '+':
            case '?':
            case '{':
                throw new Unknown();
            default: {
                const cp = this.src.codePointAt(this.pos)!;
                const ch = String.fromCodePoint(cp);
                this.pos += ch.length;
                return literal(ch, flags.fold);
            }
        }
    }

    private group(outer: {fold: boolean}): Info {
        this.pos++; // (
        const flags = {fold: outer.fold};
        if (this.peek() === '?') {
            const rest = this.src.slice(this.pos);
            const named = /^\?P?<[A-Za-z0-9_]+>/.exec(rest);
            const setting = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
            if (named) {
                this.pos += named[0].length;
            } else if (setting) {
                this.pos += setting[0].length;
                const fold = setting[1]!.includes('i') ? true : setting[2]?.includes('i') ? false : flags.fold;
                if (setting[3] === ')') {
                    outer.fold = fold; // `(?i)`: for the rest of the enclosing group
                    return EMPTY;
                }
                flags.fold = fold;
            } else {
                throw new Unknown();
            }
        }
        const inner = this.alternation(flags);
        if (this.peek() !== ')') throw new Unknown();
        this.pos++;
        return inner;
    }

    /** Skips a bracket expression: `[]a]`, `[^]a]`, `[[:alpha:]]`, escapes inside. */
    private skipClass(): void {
        this.pos++; // [
        if (this.peek() === '^') this.pos++;
        if (this.peek() === ']') this.pos++;
        while (this.pos < this.src.length) {
            const c = this.peek();
            if (c === ']') {
                this.pos++;
                return;
            }
            if (c === '[' && this.src[this.pos + 1] === ':') {
                const end = this.src.indexOf(':]', this.pos + 2);
                if (end < 0) throw new Unknown();
                this.pos = end + 2;
            } else if (c === '\\') {
                this.skipEscape();
            } else {
                this.pos++;
            }
        }
        throw new Unknown();
    }

    /** Skips an escape whose extent is known (inside a class, any escape is just part of the set). */
    private skipEscape(): void {
        const e = this.src[this.pos + 1] ?? '';
        if ((e === 'p' || e === 'P' || e === 'x') && this.src[this.pos + 2] === '{') {
            const end = this.src.indexOf('}', this.pos + 3);
            if (end < 0) throw new Unknown();
            this.pos = end + 1;
        } else if (e === 'p' || e === 'P') {
            this.pos += 3;
        } else if (e === 'x') {
            this.pos += 4;
        } else if (/^[!-/:-@[-`{-~]$/.test(e) || 'dDwWsSbBAzntrfvaC'.includes(e)) {
            this.pos += 2;
        } else {
            throw new Unknown(); // octal, \Q…\E and anything rarer
        }
    }

    private escape(flags: {fold: boolean}): Info {
        const e = this.src[this.pos + 1] ?? '';
        if (/^[!-/:-@[-`{-~]$/.test(e)) {
            this.pos += 2;
            return literal(e, flags.fold);
        }
        this.skipEscape();
        return 'bBAz'.includes(e) ? EMPTY : OPAQUE;
    }
}

function literal(ch: string, fold: boolean): Info {
    if (!fold) return {exact: [{s: ch, f: false}], req: null};
    const lower = ch.toLowerCase();
    if (!isAscii(ch) || lower === 's') return OPAQUE;
    return {exact: [{s: lower, f: true}], req: null};
}

/**
 * Literals of which every match of `source` (compiled with `ignoreCase` as the outer flag) contains at least one,
 * or null when none is known. `source` must already have compiled.
 */
export function requiredLiterals(source: string, ignoreCase: boolean): RequiredLiteral[] | null {
    let info: Info;
    try {
        info = new Parser(source).parse(ignoreCase);
    } catch (e) {
        if (e instanceof Unknown) return null;
        throw e;
    }
    const req = reqOf(info);
    return req ? req.map((l) => ({text: l.s, folded: l.f})) : null;
}
