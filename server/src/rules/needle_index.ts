import {isWholeWordAt} from './text';

/** A trie node below the first two code units; `ends` are the needles that end here. */
interface TrieNode {
    next: Map<number, TrieNode> | null;
    ends: number[];
}

/**
 * Many literal needles found in one pass over a text. `includes` per needle is a string search each (~100+ ns on a
 * chat line), which dominates a channel with dozens of contains/whole-word rules. Here each position costs a bitset
 * test on its first two code units; only where some needle starts with that pair is a trie walked. Results are
 * exactly `text.includes(needle)` and `includesWholeWord(text, needle)` (the same boundary test).
 */
export class NeedleIndex {
    /** Bit per code unit that starts some needle of length ≥ 2: most positions stop at this test. */
    private readonly firstBits = new Uint32Array(2048);
    /** Bit per first pair (hashed to 16 bits) of some needle of length ≥ 2. */
    private readonly pairBits = new Uint32Array(2048);
    private readonly byPair = new Map<number, TrieNode>();
    /** One-unit needles by their unit. */
    private readonly byUnit = new Map<number, number[]>();
    private readonly lengths: Int32Array;
    private readonly wantWhole: Uint8Array;
    private readonly stampAny: Uint32Array;
    private readonly stampWhole: Uint32Array;
    /** Ids of the needles the last scan found; only the first `scan()` entries are current. */
    readonly found: number[] = [];
    private foundCount = 0;
    private epoch = 0;

    /** @param whole per needle: whether whole-word occurrences are wanted too. */
    constructor(needles: readonly string[], whole: readonly boolean[]) {
        this.lengths = Int32Array.from(needles, (n) => n.length);
        this.wantWhole = Uint8Array.from(needles, (_, i) => (whole[i] ? 1 : 0));
        this.stampAny = new Uint32Array(needles.length);
        this.stampWhole = new Uint32Array(needles.length);
        needles.forEach((needle, i) => {
            if (needle.length === 0) return;
            if (needle.length === 1) {
                const c = needle.charCodeAt(0);
                this.byUnit.set(c, [...(this.byUnit.get(c) ?? []), i]);
                return;
            }
            const a = needle.charCodeAt(0);
            const b = needle.charCodeAt(1);
            const bit = pairBit(a, b);
            this.pairBits[bit >>> 5]! |= 1 << (bit & 31);
            this.firstBits[a >>> 5]! |= 1 << (a & 31);
            const key = pairKey(a, b);
            let node = this.byPair.get(key);
            if (!node) this.byPair.set(key, (node = {next: null, ends: []}));
            for (let d = 2; d < needle.length; d++) {
                const c = needle.charCodeAt(d);
                node.next ??= new Map();
                let child = node.next.get(c);
                if (!child) node.next.set(c, (child = {next: null, ends: []}));
                node = child;
            }
            node.ends.push(i);
        });
    }

    /**
     * Scans `text`; returns how many needles occur, whose ids are then `found[0 .. count-1]`, and `has` and
     * `hasWhole` answer for this text (all valid until the next scan).
     */
    scan(text: string): number {
        const epoch = (this.epoch = (this.epoch + 1) >>> 0 || 1);
        this.foundCount = 0;
        const n = text.length;
        if (this.byUnit.size > 0) {
            for (let p = 0; p < n; p++) {
                const ids = this.byUnit.get(text.charCodeAt(p));
                if (ids) for (const i of ids) this.record(i, text, p, epoch);
            }
        }
        const first = this.firstBits;
        const pairs = this.pairBits;
        for (let p = 0, last = n - 1; p < last; p++) {
            const c = text.charCodeAt(p);
            if ((first[c >>> 5]! & (1 << (c & 31))) === 0) continue;
            const d = text.charCodeAt(p + 1);
            const bit = pairBit(c, d);
            if ((pairs[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
            let node = this.byPair.get(pairKey(c, d));
            for (let q = p + 2; node; q++) {
                for (const i of node.ends) this.record(i, text, p, epoch);
                if (!node.next || q >= n) break;
                node = node.next.get(text.charCodeAt(q));
            }
        }
        return this.foundCount;
    }

    private record(i: number, text: string, at: number, epoch: number): void {
        if (this.stampAny[i] !== epoch) {
            this.stampAny[i] = epoch;
            this.found[this.foundCount++] = i;
        }
        if (this.wantWhole[i] && this.stampWhole[i] !== epoch && isWholeWordAt(text, at, this.lengths[i]!)) this.stampWhole[i] = epoch;
    }

    has(i: number): boolean {
        return this.stampAny[i] === this.epoch;
    }

    hasWhole(i: number): boolean {
        return this.stampWhole[i] === this.epoch;
    }
}

/** Two code units in one exact number (the Map key). */
function pairKey(a: number, b: number): number {
    return a * 0x10000 + b;
}

/** Two code units hashed to 16 bits (the bitset: collisions only cost a Map lookup). */
function pairBit(a: number, b: number): number {
    return ((a << 7) ^ b) & 0xffff;
}
