import {type Condition, type ConditionTrace} from '@tripwire/common';
import {type PostFacts} from './post_facts';
import {mentionsUsername} from './text';

/** A compiled condition tree: `test` for matching, `trace` for explaining (same logic, plus labels). */
export interface CompiledCondition {
    test(facts: PostFacts): boolean;
    trace(facts: PostFacts): ConditionTrace;
}

/** Facts a rule's conditions need the engine to resolve before matching. */
export interface ConditionNeeds {
    groups: boolean;
    files: boolean;
}

function leaf(label: (f: PostFacts) => string, test: (f: PostFacts) => boolean): CompiledCondition {
    return {test, trace: (f) => ({label: label(f), passed: test(f)})};
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `image/*` matches `image/png`; comparison ignores case and parameters (`text/plain; charset=utf-8`). */
function mimeMatches(pattern: string, mime: string): boolean {
    const [type = '', sub = ''] = mime.split(';', 1)[0]!.trim().toLowerCase().split('/');
    const [pType, pSub] = pattern.toLowerCase().split('/');
    return (pType === '*' || pType === type) && (pSub === '*' || pSub === sub);
}

export function compileCondition(c: Condition): CompiledCondition {
    switch (c.type) {
        case 'all': {
            const kids = c.of.map(compileCondition);
            return {
                test: (f) => kids.every((k) => k.test(f)),
                trace: (f) => {
                    const children = kids.map((k) => k.trace(f));
                    return {label: 'all of', passed: children.every((t) => t.passed), children};
                },
            };
        }
        case 'any': {
            const kids = c.of.map(compileCondition);
            return {
                test: (f) => kids.some((k) => k.test(f)),
                trace: (f) => {
                    const children = kids.map((k) => k.trace(f));
                    return {label: 'any of', passed: children.some((t) => t.passed), children};
                },
            };
        }
        case 'not': {
            const kid = compileCondition(c.of);
            return {
                test: (f) => !kid.test(f),
                trace: (f) => {
                    const child = kid.trace(f);
                    return {label: 'not', passed: !child.passed, children: [child]};
                },
            };
        }
        case 'user': {
            const ids = new Set(c.userIds);
            return leaf(() => `author is one of ${plural(ids.size, 'user')}`, (f) => ids.has(f.post.user_id));
        }
        case 'group': {
            const ids = c.groupIds;
            return leaf(
                (f) => `author is in one of ${plural(ids.length, 'group')}${f.groupIds ? '' : ' (groups not resolved: treated as no)'}`,
                (f) => f.groupIds !== undefined && ids.some((g) => f.groupIds!.has(g)),
            );
        }
        case 'bot':
            return leaf(() => 'author is a bot', (f) => f.isBot);
        case 'integration':
            return leaf(() => 'posted by an integration (webhook or plugin)', (f) => f.isIntegration);
        case 'has_files': {
            const types = c.mimeTypes;
            if (types.length === 0) return leaf((f) => `has files (${f.fileCount})`, (f) => f.fileCount > 0);
            return leaf(
                (f) =>
                    `has a file of type ${types.join(', ')}` +
                    (f.context.files === undefined && f.fileCount > 0 ? ' (file types not resolved: treated as no)' : ''),
                (f) => (f.context.files ?? []).some((file) => types.some((t) => mimeMatches(t, file.mime_type))),
            );
        }
        case 'mentions_bot':
            return leaf(
                (f) => (f.context.bot ? `mentions @${f.context.bot.username}` : 'mentions the bot (bot unknown: treated as no)'),
                (f) => f.context.bot !== undefined && mentionsUsername(f.view.text, f.context.bot.username),
            );
        case 'length': {
            const {min, max} = c;
            const bounds = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
            return leaf(
                (f) => `length ${f.length} is ${bounds}`,
                (f) => (min === undefined || f.length >= min) && (max === undefined || f.length <= max),
            );
        }
    }
}

/** A rule's condition list (an implicit AND); null when it has none. */
export function compileConditions(conditions: readonly Condition[]): CompiledCondition | null {
    if (conditions.length === 0) return null;
    return conditions.length === 1 ? compileCondition(conditions[0]!) : compileCondition({type: 'all', of: [...conditions]});
}

export function conditionNeeds(conditions: readonly Condition[]): ConditionNeeds {
    const needs: ConditionNeeds = {groups: false, files: false};
    const walk = (c: Condition): void => {
        if (c.type === 'all' || c.type === 'any') c.of.forEach(walk);
        else if (c.type === 'not') walk(c.of);
        else if (c.type === 'group') needs.groups = true;
        else if (c.type === 'has_files' && c.mimeTypes.length > 0) needs.files = true;
    };
    conditions.forEach(walk);
    return needs;
}
