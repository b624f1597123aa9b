import * as z from 'zod';

/**
 * Conditions narrow a rule beyond its trigger. Leaves test one fact about the post; `all`, `any` and `not` combine
 * them (AND, OR, NOT). "Exclude these users" is `{type: 'not', of: {type: 'user', userIds}}`.
 */

export const conditionLimits = {
    depthMax: 5,
    nodesMax: 50,
    idsMax: 200,
    mimeTypesMax: 20,
    lengthMax: 100_000,
} as const;

export type Condition =
    | {type: 'all'; of: Condition[]}
    | {type: 'any'; of: Condition[]}
    | {type: 'not'; of: Condition}
    /** The author is one of these users. */
    | {type: 'user'; userIds: string[]}
    /** The author belongs to at least one of these user groups. */
    | {type: 'group'; groupIds: string[]}
    /** The author is a bot account (or the post says it comes from one). */
    | {type: 'bot'}
    /** The post was made by an integration: an incoming webhook or a plugin. */
    | {type: 'integration'}
    /** The post has files; with `mimeTypes`, at least one file of such a type (`image/png`, `image/*`). */
    | {type: 'has_files'; mimeTypes: string[]}
    /** The message @-mentions Tripwire's bot. */
    | {type: 'mentions_bot'}
    /** The message length in characters (Unicode code points) is within the bounds. */
    | {type: 'length'; min?: number | undefined; max?: number | undefined};

export type ConditionInput = Exclude<Condition, {type: 'has_files'} | {type: 'all'} | {type: 'any'} | {type: 'not'}>
    | {type: 'has_files'; mimeTypes?: string[] | undefined}
    | {type: 'all' | 'any'; of: ConditionInput[]}
    | {type: 'not'; of: ConditionInput};

const id = z.string().regex(/^[a-z0-9]{26}$/, 'must be a Mattermost id (26 lowercase letters and digits)');
const ids = (what: string) =>
    z
        .array(id)
        .min(1, `choose at least one ${what}`)
        .max(conditionLimits.idsMax, `at most ${conditionLimits.idsMax} ${what}s`);

/** `type/subtype`, `type/*` or `*\/*`, as in an Accept header. */
const mimePattern = z
    .string()
    .regex(/^(?:\*\/\*|[a-z0-9][a-z0-9!#$&^_.+-]*\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*))$/i, 'must look like image/png or image/*');

const bound = z
    .number()
    .int('must be a whole number')
    .min(0, 'cannot be negative')
    .max(conditionLimits.lengthMax, `at most ${conditionLimits.lengthMax}`);

export const conditionSchema: z.ZodType<Condition, ConditionInput> = z.lazy(() =>
    z.discriminatedUnion(
        'type',
        [
            z.strictObject({type: z.literal('all'), of: z.array(conditionSchema).min(1, 'add at least one condition')}),
            z.strictObject({type: z.literal('any'), of: z.array(conditionSchema).min(1, 'add at least one condition')}),
            z.strictObject({type: z.literal('not'), of: conditionSchema}),
            z.strictObject({type: z.literal('user'), userIds: ids('user')}),
            z.strictObject({type: z.literal('group'), groupIds: ids('group')}),
            z.strictObject({type: z.literal('bot')}),
            z.strictObject({type: z.literal('integration')}),
            z.strictObject({
                type: z.literal('has_files'),
                mimeTypes: z.array(mimePattern).max(conditionLimits.mimeTypesMax, `at most ${conditionLimits.mimeTypesMax} types`).default([]),
            }),
            z.strictObject({type: z.literal('mentions_bot')}),
            z
                .strictObject({type: z.literal('length'), min: bound.optional(), max: bound.optional()})
                .refine((c) => c.min !== undefined || c.max !== undefined, 'set a minimum, a maximum or both')
                .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, 'the minimum is above the maximum'),
        ],
        {error: 'must be all, any, not, user, group, bot, integration, has_files, mentions_bot or length'},
    ),
);

/** Why a condition list is too big or too deep to accept, or null. Keeps evaluation cost and recursion bounded. */
export function conditionShapeProblem(conditions: readonly Condition[]): string | null {
    let nodes = 0;
    let depth = 0;
    const walk = (c: Condition, level: number): void => {
        nodes += 1;
        depth = Math.max(depth, level);
        if (c.type === 'all' || c.type === 'any') c.of.forEach((child) => walk(child, level + 1));
        else if (c.type === 'not') walk(c.of, level + 1);
    };
    conditions.forEach((c) => walk(c, 1));
    if (nodes > conditionLimits.nodesMax) return `at most ${conditionLimits.nodesMax} conditions in all (found ${nodes})`;
    if (depth > conditionLimits.depthMax) return `conditions nest at most ${conditionLimits.depthMax} levels deep (found ${depth})`;
    return null;
}
