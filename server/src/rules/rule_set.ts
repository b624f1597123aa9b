import {type RuleEvent} from '@tripwire/common';
import {compileRule, type CompiledRule, type MatchableRule} from './compiled_rule';
import {type ConditionNeeds} from './conditions';
import {type PostFacts} from './post_facts';
import {NeedleIndex} from './needle_index';
import {type CompiledPattern, PatternSet} from './regex';
import {gateReason, reasonAfterTrigger} from './rule_eval';

/** A rule that matched a post, with what tripped it (for the payload). */
export interface RuleMatch<R extends MatchableRule = MatchableRule> {
    rule: R;
    /** The configured word or phrase, the regex match, or '' for `any`. */
    triggerWord: string;
    /** Regex groups: named, and numbered as "1", "2", ... */
    groups: Record<string, string>;
    notes: string[];
}

/** A rule that could not be compiled (a stored regex the current engine refuses); it never matches. */
export interface RejectedRule {
    ruleId: string;
    reason: string;
}

/** Trigger indexes over the enabled rules of one event. */
interface TriggerIndex {
    /** First word → rules with that exact trigger word (case-sensitive), with the configured word. */
    exact: Map<string, {at: number; word: string}[]>;
    /** Lowercased first word → rules with that word and ignoreCase. */
    exactFold: Map<string, {at: number; word: string}[]>;
    /** starts_with words by their first code unit (folded ones apart), in rule then word order. */
    starts: Map<number, {at: number; key: string; word: string}[]>;
    startsFold: Map<number, {at: number; key: string; word: string}[]>;
    /** contains and whole_word rules: one pass over the text for all their words (case-sensitive, then folded). */
    needles: NeedleGroup[];
    /** Rule position → its words' needle ids, for the rules in `needles`. */
    wordNeedles: Map<number, {group: NeedleGroup; ids: number[]; whole: boolean}>;
    any: number[];
    patterns: PatternSet | null;
    /** Some pattern has no required literal, so the DFA runs on every post; otherwise only when a scan found one. */
    patternsUnfiltered: boolean;
    /** Pattern position → rule position. */
    patternRules: number[];
    /** The PatternSet's hit callback, bound once. */
    onPattern: (index: number) => void;
}

interface NeedleGroup {
    index: NeedleIndex;
    folded: boolean;
    /** Needle id → rule positions using it. */
    rulesOf: number[][];
    /** Needle id → 1 if it is a required literal of some regex (finding it means the regexes must run). */
    gates: Uint8Array;
}

/** The needles of one case mode: contains/whole-word words of rules, and regexes' required literals. */
interface NeedleEntries {
    words: {at: number; words: readonly string[]; whole: boolean}[];
    gates: string[];
}

/** Builds one NeedleGroup from entries that share a case mode. */
function needleGroup(entries: NeedleEntries, folded: boolean, out: TriggerIndex['wordNeedles']): NeedleGroup | null {
    if (entries.words.length === 0 && entries.gates.length === 0) return null;
    const ids = new Map<string, number>();
    const needles: string[] = [];
    const whole: boolean[] = [];
    const rulesOf: number[][] = [];
    const idOf = (w: string): number => {
        let i = ids.get(w);
        if (i === undefined) {
            i = needles.push(w) - 1;
            ids.set(w, i);
            whole.push(false);
            rulesOf.push([]);
        }
        return i;
    };
    const group = {folded, rulesOf} as NeedleGroup;
    for (const e of entries.words) {
        const mine = e.words.map((w) => {
            const i = idOf(w);
            if (e.whole) whole[i] = true;
            if (!rulesOf[i]!.includes(e.at)) rulesOf[i]!.push(e.at);
            return i;
        });
        out.set(e.at, {group, ids: mine, whole: e.whole});
    }
    const gateIds = entries.gates.map(idOf);
    group.gates = new Uint8Array(needles.length);
    for (const i of gateIds) group.gates[i] = 1;
    group.index = new NeedleIndex(needles, whole);
    return group;
}

function addTo(map: Map<string, {at: number; word: string}[]>, key: string, at: number, word: string): void {
    const list = map.get(key);
    if (!list) map.set(key, [{at, word}]);
    else if (list[list.length - 1]!.at !== at) list.push({at, word}); // a rule's first word with this key wins
}

/**
 * The rules that may apply to one channel, compiled and indexed so a post that trips nothing costs one map lookup
 * and one or two scans for many literals at once; the regex rules' combined DFA runs only when the scan found one
 * of their required literals (see regex_literals.ts) or some regex has none. Immutable: the rule store builds a new one
 * when rules change.
 */
export class RuleSet<R extends MatchableRule = MatchableRule> {
    readonly compiled: readonly CompiledRule<R>[];
    readonly rejected: readonly RejectedRule[];
    /** What the engine must resolve before matching: the author's groups, file types. */
    readonly needs: ConditionNeeds;
    private readonly indexes: Partial<Record<RuleEvent, TriggerIndex>> = {};
    private readonly stamp: Uint32Array;
    private readonly words: string[];
    private epoch = 0;
    private hits = 0;

    constructor(rules: readonly R[]) {
        const compiled: CompiledRule<R>[] = [];
        const rejected: RejectedRule[] = [];
        for (const rule of rules) {
            try {
                compiled.push(compileRule(rule));
            } catch (e) {
                rejected.push({ruleId: rule.id, reason: e instanceof Error ? e.message : String(e)});
            }
        }
        this.compiled = compiled;
        this.rejected = rejected;
        this.needs = {
            groups: compiled.some((c) => c.rule.enabled && c.needs.groups),
            files: compiled.some((c) => c.rule.enabled && c.needs.files),
        };
        this.stamp = new Uint32Array(compiled.length);
        this.words = new Array<string>(compiled.length).fill('');
    }

    get size(): number {
        return this.compiled.length;
    }

    private index(event: RuleEvent): TriggerIndex {
        const existing = this.indexes[event];
        if (existing) return existing;
        const idx: TriggerIndex = {
            exact: new Map(),
            exactFold: new Map(),
            starts: new Map(),
            startsFold: new Map(),
            needles: [],
            wordNeedles: new Map(),
            any: [],
            patterns: null,
            patternsUnfiltered: false,
            patternRules: [],
            onPattern: (i) => this.mark(idx.patternRules[i]!, ''),
        };
        const patterns: CompiledPattern[] = [];
        const sensitive: NeedleEntries = {words: [], gates: []};
        const folded: NeedleEntries = {words: [], gates: []};
        this.compiled.forEach((c, at) => {
            if (!c.rule.enabled || !c.rule.events.includes(event)) return;
            const t = c.rule.trigger;
            if (t.mode === 'exact') {
                for (const w of t.words) addTo(t.ignoreCase ? idx.exactFold : idx.exact, t.ignoreCase ? w.toLowerCase() : w, at, w);
            } else if (t.mode === 'any') {
                idx.any.push(at);
            } else if (t.mode === 'regex') {
                const pattern = c.trigger.pattern!;
                patterns.push(pattern);
                idx.patternRules.push(at);
                if (!pattern.required) idx.patternsUnfiltered = true;
                for (const lit of pattern.required ?? []) (lit.folded ? folded : sensitive).gates.push(lit.text);
            } else if (t.mode === 'contains' || t.mode === 'whole_word') {
                const entry = {at, words: t.ignoreCase ? t.words.map((w) => w.toLowerCase()) : t.words, whole: t.mode === 'whole_word'};
                (t.ignoreCase ? folded : sensitive).words.push(entry);
            } else {
                for (const word of t.words) {
                    const key = t.ignoreCase ? word.toLowerCase() : word;
                    const map = t.ignoreCase ? idx.startsFold : idx.starts;
                    const list = map.get(key.charCodeAt(0));
                    if (list) list.push({at, key, word});
                    else map.set(key.charCodeAt(0), [{at, key, word}]);
                }
            }
        });
        for (const g of [needleGroup(sensitive, false, idx.wordNeedles), needleGroup(folded, true, idx.wordNeedles)]) if (g) idx.needles.push(g);
        idx.patterns = patterns.length ? new PatternSet(patterns) : null;
        this.indexes[event] = idx;
        return idx;
    }

    /** Records that rule `at` was tripped by `word` in this evaluation (the first record wins). */
    private mark(at: number, word: string): void {
        if (this.stamp[at] === this.epoch) return;
        this.stamp[at] = this.epoch;
        this.words[at] = word;
        this.hits++;
    }

    /** Marks the rules with a word the first word starts with (the earliest such word of each rule). */
    private markStartsWith(map: TriggerIndex['starts'], first: string): void {
        const list = map.get(first.charCodeAt(0));
        if (list) for (const e of list) if (this.stamp[e.at] !== this.epoch && first.startsWith(e.key)) this.mark(e.at, e.word);
    }

    /** The configured word (not its folded form) of a contains/whole_word rule that the last scan found, or null. */
    private firstNeedleWord(at: number, idx: TriggerIndex): string | null {
        const entry = idx.wordNeedles.get(at)!;
        const words = (this.compiled[at]!.rule.trigger as {words: string[]}).words;
        for (let j = 0; j < entry.ids.length; j++) {
            const id = entry.ids[j]!;
            if (entry.whole ? entry.group.index.hasWhole(id) : entry.group.index.has(id)) return words[j]!;
        }
        return null;
    }

    /** The rules that match, in rule order. */
    match(f: PostFacts): RuleMatch<R>[] {
        if (f.isSystem || this.compiled.length === 0) return [];
        const idx = this.index(f.event);
        const view = f.view;
        this.epoch = (this.epoch + 1) >>> 0 || 1;
        this.hits = 0;

        for (const e of idx.exact.get(view.firstWord) ?? []) this.mark(e.at, e.word);
        if (idx.exactFold.size) for (const e of idx.exactFold.get(view.lowerFirstWord) ?? []) this.mark(e.at, e.word);
        if (view.firstWord.length > 0) {
            if (idx.starts.size) this.markStartsWith(idx.starts, view.firstWord);
            if (idx.startsFold.size) this.markStartsWith(idx.startsFold, view.lowerFirstWord);
        }
        let runPatterns = idx.patternsUnfiltered;
        for (const group of idx.needles) {
            const count = group.index.scan(group.folded ? view.lowerText : view.text);
            for (let k = 0; k < count; k++) {
                const id = group.index.found[k]!;
                if (group.gates[id]) runPatterns = true;
                for (const at of group.rulesOf[id]!) {
                    if (this.stamp[at] === this.epoch) continue;
                    const w = this.firstNeedleWord(at, idx);
                    if (w !== null) this.mark(at, w);
                }
            }
        }
        for (const at of idx.any) this.mark(at, '');
        if (runPatterns) idx.patterns?.match(view.text, idx.onPattern);
        if (this.hits === 0) return [];

        const out: RuleMatch<R>[] = [];
        for (let at = 0; at < this.stamp.length; at++) {
            if (this.stamp[at] !== this.epoch) continue;
            const c = this.compiled[at]!;
            if (gateReason(c, f) !== null || reasonAfterTrigger(c, f) !== null) continue;
            if (c.trigger.pattern) {
                const caps = c.trigger.pattern.captures(view.text);
                const notes = caps.complete ? [] : ['capture groups not extracted: the match lies too far into a long message'];
                out.push({rule: c.rule, triggerWord: caps.match, groups: caps.groups, notes});
            } else {
                out.push({rule: c.rule, triggerWord: this.words[at]!, groups: {}, notes: []});
            }
        }
        return out;
    }
}
