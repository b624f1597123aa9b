import {fieldErrorsOf, ruleSpecSchema, type FieldErrors, type RuleSpec} from '@tripwire/common';
import {compilePattern} from './regex';

/**
 * Save-time validation of a rule spec: the shared zod schema (field errors the webapp shows as is) plus what only
 * the server can check, the regex. Who may save it where is the permissions module's job.
 */

export type RuleValidation = {ok: true; spec: RuleSpec} | {ok: false; fields: FieldErrors};

/** Deeper than any valid rule (conditions nest 5 levels); stops hostile JSON before zod recurses into it. */
const MAX_JSON_DEPTH = 32;

function tooDeep(value: unknown): boolean {
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length) {
        const [v, depth] = stack.pop()!;
        if (v === null || typeof v !== 'object') continue;
        if (depth >= MAX_JSON_DEPTH) return true;
        for (const child of Object.values(v)) stack.push([child, depth + 1]);
    }
    return false;
}

/** Why a regex trigger cannot be saved, or null. Costs a few milliseconds (it probes for DFA blow-up). */
export function regexProblem(pattern: string, flags: {ignoreCase: boolean; multiline: boolean; dotAll: boolean}): string | null {
    const compiled = compilePattern(pattern, flags);
    if (!compiled.ok) return compiled.reason;
    if (compiled.pattern.probeHostile()) {
        return 'this pattern would make matching slow on some messages (its automaton explodes, as with .*a.{20}): ' +
            'shorten the counted repetition, anchor it, or make the part before it more specific';
    }
    return null;
}

export function validateRuleSpec(input: unknown): RuleValidation {
    if (tooDeep(input)) return {ok: false, fields: {'': `nested more than ${MAX_JSON_DEPTH} levels deep`}};
    const parsed = ruleSpecSchema.safeParse(input);
    if (!parsed.success) return {ok: false, fields: fieldErrorsOf(parsed.error)};
    const spec = parsed.data;
    if (spec.trigger.mode === 'regex') {
        const problem = regexProblem(spec.trigger.pattern, spec.trigger);
        if (problem) return {ok: false, fields: {'trigger.pattern': problem}};
    }
    return {ok: true, spec};
}
