import * as z from 'zod';

/**
 * What in the message trips a rule. `exact` and `starts_with` are Mattermost's native `trigger_when` 0 and 1: they
 * look only at the first word, split like Go's `strings.Fields`, and are case-sensitive unless `ignoreCase`.
 * Regular expressions use RE2 syntax and run in linear time; the server compiles them when a rule is saved and
 * refuses patterns RE2 does not support (backreferences, lookarounds) with the reason.
 */

export const triggerLimits = {
    wordsMax: 50,
    wordMax: 128,
    patternMax: 512,
} as const;

/**
 * The characters Go's `unicode.IsSpace` accepts, which is where `strings.Fields` splits. It differs from JavaScript's
 * `\s`: it includes U+0085 (NEL) and excludes U+FEFF.
 */
export const GO_SPACE_CLASS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const goSpace = new RegExp(`[${GO_SPACE_CLASS}]`, 'u');

const word = z
    .string()
    .min(1, 'words cannot be empty')
    .max(triggerLimits.wordMax, `at most ${triggerLimits.wordMax} characters per word`);

const wordList = (item: z.ZodType<string, string>) =>
    z
        .array(item)
        .min(1, 'add at least one word')
        .max(triggerLimits.wordsMax, `at most ${triggerLimits.wordsMax} words`)
        .refine((items) => new Set(items).size === items.length, 'words must not repeat');

/** Only the first word is compared, so a trigger word with a space in it could never match. */
const firstWord = word.refine((w) => !goSpace.test(w), 'only the first word of a message is compared: trigger words cannot contain spaces');

export const triggerSchema = z.discriminatedUnion(
    'mode',
    [
        /** Native trigger_when=0: the first word equals one of the words. */
        z.strictObject({mode: z.literal('exact'), words: wordList(firstWord), ignoreCase: z.boolean().default(false)}),
        /** Native trigger_when=1: the first word starts with one of the words. */
        z.strictObject({mode: z.literal('starts_with'), words: wordList(firstWord), ignoreCase: z.boolean().default(false)}),
        /** One of the words or phrases appears anywhere. */
        z.strictObject({mode: z.literal('contains'), words: wordList(word), ignoreCase: z.boolean().default(true)}),
        /** One of the words or phrases appears with no letter, digit or underscore right before or after it. */
        z.strictObject({mode: z.literal('whole_word'), words: wordList(word), ignoreCase: z.boolean().default(true)}),
        /** An RE2 pattern matches somewhere; named groups `(?P<name>…)` go into the payload. */
        z.strictObject({
            mode: z.literal('regex'),
            pattern: z
                .string()
                .min(1, 'pattern is required')
                .max(triggerLimits.patternMax, `at most ${triggerLimits.patternMax} characters`),
            ignoreCase: z.boolean().default(false),
            /** `^` and `$` match at line breaks too. */
            multiline: z.boolean().default(false),
            /** `.` matches line breaks too. */
            dotAll: z.boolean().default(false),
        }),
        /** Every message (native: a channel hook without trigger words). */
        z.strictObject({mode: z.literal('any')}),
    ],
    {error: 'must be exact, starts_with, contains, whole_word, regex or any'},
);
export type Trigger = z.output<typeof triggerSchema>;
export type TriggerMode = Trigger['mode'];
export type TriggerInput = z.input<typeof triggerSchema>;
