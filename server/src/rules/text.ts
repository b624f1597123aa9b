/**
 * String primitives for the triggers. Plain loops over UTF-16 code units: no regex is ever built from user input, and
 * every function is linear in the text (indexOf aside, which V8 bounds for needles this short).
 */

/** Go's `unicode.IsSpace`, where `strings.Fields` splits (all of these are in the BMP, so code units suffice). */
export function isGoSpace(c: number): boolean {
    if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
    if (c < 0x85) return false;
    return (
        c === 0x85 ||
        c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000
    );
}

/** `strings.Fields(message)[0]` as Mattermost computes it for trigger words; '' when the message is blank. */
export function firstWordOf(message: string): string {
    const n = message.length;
    let start = 0;
    while (start < n && isGoSpace(message.charCodeAt(start))) start++;
    let end = start;
    while (end < n && !isGoSpace(message.charCodeAt(end))) end++;
    return message.slice(start, end);
}

const unicodeWordChar = /^[\p{L}\p{N}\p{M}_]$/u;

/** Letters, digits, combining marks and underscore count as word characters for whole-word matching. */
function isWordCharAt(text: string, index: number): boolean {
    const c = text.charCodeAt(index);
    if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    const cp = text.codePointAt(index);
    return cp !== undefined && unicodeWordChar.test(String.fromCodePoint(cp));
}

/** The code point ending just before `index` may be a surrogate pair: step back to its start. */
function isWordCharBefore(text: string, index: number): boolean {
    if (index <= 0) return false;
    const low = text.charCodeAt(index - 1);
    const start = low >= 0xdc00 && low <= 0xdfff && index >= 2 ? index - 2 : index - 1;
    return isWordCharAt(text, start);
}

/** Whether the occurrence of `length` units at `at` has no word character right before or right after it. */
export function isWholeWordAt(text: string, at: number, length: number): boolean {
    const end = at + length;
    return !isWordCharBefore(text, at) && (end >= text.length || !isWordCharAt(text, end));
}

/** Whether `needle` occurs in `text` with no word character right before or right after it. */
export function includesWholeWord(text: string, needle: string): boolean {
    if (needle.length === 0) return false;
    let from = 0;
    for (;;) {
        const at = text.indexOf(needle, from);
        if (at < 0) return false;
        if (isWholeWordAt(text, at, needle.length)) return true;
        from = at + 1;
    }
}

/** Length in Unicode code points, as Mattermost counts message length (runes). */
export function codePointLength(text: string): number {
    let count = text.length;
    for (let i = 0; i < text.length - 1; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff) {
            const next = text.charCodeAt(i + 1);
            if (next >= 0xdc00 && next <= 0xdfff) {
                count--;
                i++;
            }
        }
    }
    return count;
}

function isUsernameChar(c: number): boolean {
    return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2e || c === 0x2d || c === 0x5f;
}

/**
 * Whether `text` @-mentions `username` the way Mattermost highlights it: case-insensitive, not inside a longer name,
 * and trailing `.`, `-` or `_` ("@tripwire.") still count as punctuation after the name.
 */
export function mentionsUsername(text: string, username: string): boolean {
    if (username === '') return false;
    const hay = text.toLowerCase();
    const needle = `@${username.toLowerCase()}`;
    let from = 0;
    for (;;) {
        const at = hay.indexOf(needle, from);
        if (at < 0) return false;
        from = at + 1;
        if (at > 0 && isUsernameChar(hay.charCodeAt(at - 1))) continue;
        let end = at + needle.length;
        // Skip trailing punctuation that could also be part of a name; what follows it decides.
        while (end < hay.length && (hay.charCodeAt(end) === 0x2e || hay.charCodeAt(end) === 0x2d || hay.charCodeAt(end) === 0x5f)) end++;
        if (end >= hay.length || !isUsernameChar(hay.charCodeAt(end))) return true;
    }
}
