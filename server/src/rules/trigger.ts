import {type Trigger} from '@tripwire/common';
import {type MessageView} from './message_view';
import {compilePattern, type CompiledPattern} from './regex';
import {includesWholeWord} from './text';

/** What tripped a rule. */
export interface TriggerHit {
    /** The configured word or phrase that matched, the regex match, or '' for `any`. */
    word: string;
    groups: Record<string, string>;
    notes: string[];
}

/** A trigger ready to run; `pattern` is set for regex triggers (the rule set batches those). */
export interface CompiledTrigger {
    readonly trigger: Trigger;
    readonly pattern: CompiledPattern | null;
    /** The first configured word (in list order, as native Mattermost) that matches, or null. */
    matchWord(view: MessageView): string | null;
    /** Full evaluation: for regex, runs the pattern and extracts the groups. */
    evaluate(view: MessageView): TriggerHit | null;
    /** Why `evaluate` returned null, for people. */
    describeMiss(view: MessageView): string;
}

function quoteList(words: readonly string[]): string {
    const shown = words.slice(0, 5).map((w) => JSON.stringify(w));
    return shown.join(', ') + (words.length > 5 ? `, … (${words.length - 5} more)` : '');
}

function describeRegexHit(pattern: CompiledPattern, view: MessageView, examined: number): TriggerHit {
    const captures = pattern.captures(view.text);
    const notes: string[] = [];
    if (examined < view.text.length) notes.push(`pattern evaluated on the first ${examined} characters only (it is costly for the matcher)`);
    if (!captures.complete) notes.push('capture groups not extracted: the match lies too far into a long message');
    return {word: captures.match, groups: captures.groups, notes};
}

/** @throws Error for a regex the validator should have refused (rules are validated before they are stored). */
export function compileTrigger(trigger: Trigger): CompiledTrigger {
    switch (trigger.mode) {
        case 'any':
            return {
                trigger,
                pattern: null,
                matchWord: () => '',
                evaluate: () => ({word: '', groups: {}, notes: []}),
                describeMiss: () => 'matches every message',
            };
        case 'regex': {
            const compiled = compilePattern(trigger.pattern, trigger);
            if (!compiled.ok) throw new Error(`invalid pattern reached the matcher: ${compiled.reason}`);
            const pattern = compiled.pattern;
            return {
                trigger,
                pattern,
                matchWord: (view) => (pattern.test(view.text).matched ? '' : null),
                evaluate(view) {
                    const t = pattern.test(view.text);
                    return t.matched ? describeRegexHit(pattern, view, t.examined) : null;
                },
                describeMiss(view) {
                    const t = pattern.test(view.text);
                    const where = t.examined < view.text.length ? ` in the first ${t.examined} characters` : '';
                    return `pattern /${trigger.pattern}/ does not match${where}`;
                },
            };
        }
        default:
            return compileWordTrigger(trigger);
    }
}

type WordTrigger = Extract<Trigger, {words: string[]}>;

function compileWordTrigger(trigger: WordTrigger): CompiledTrigger {
    const {words, ignoreCase} = trigger;
    const folded = ignoreCase ? words.map((w) => w.toLowerCase()) : words;
    let find: (view: MessageView) => number;
    let miss: (view: MessageView) => string;
    const caseNote = ignoreCase ? ' (ignoring case)' : '';
    switch (trigger.mode) {
        case 'exact':
            find = (view) => folded.indexOf(ignoreCase ? view.lowerFirstWord : view.firstWord);
            miss = (view) => `first word ${JSON.stringify(view.firstWord)} is not one of ${quoteList(words)}${caseNote}`;
            break;
        case 'starts_with':
            find = (view) => {
                const first = ignoreCase ? view.lowerFirstWord : view.firstWord;
                return folded.findIndex((w) => first.startsWith(w));
            };
            miss = (view) => `first word ${JSON.stringify(view.firstWord)} does not start with ${quoteList(words)}${caseNote}`;
            break;
        case 'contains':
            find = (view) => {
                const text = ignoreCase ? view.lowerText : view.text;
                return folded.findIndex((w) => text.includes(w));
            };
            miss = () => `message does not contain ${quoteList(words)}${caseNote}`;
            break;
        case 'whole_word':
            find = (view) => {
                const text = ignoreCase ? view.lowerText : view.text;
                return folded.findIndex((w) => includesWholeWord(text, w));
            };
            miss = () => `message does not contain the whole word ${quoteList(words)}${caseNote}`;
            break;
    }
    return {
        trigger,
        pattern: null,
        matchWord(view) {
            const i = find(view);
            return i < 0 ? null : words[i]!;
        },
        evaluate(view) {
            const i = find(view);
            return i < 0 ? null : {word: words[i]!, groups: {}, notes: []};
        },
        describeMiss: miss,
    };
}
