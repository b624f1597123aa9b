import * as z from 'zod';
import {deliveryPolicySchema, endpointSchema, responseOptionsSchema} from './endpoint';
import {conditionSchema, conditionShapeProblem} from './rule_condition';
import {triggerSchema} from './rule_trigger';

/**
 * The rule model, shared by the server (validation, storage) and the webapp (forms). A rule says where it listens
 * (scope, threads, events), what trips it (trigger, conditions, sources), how often (cooldown) and what happens next
 * (endpoints, response, delivery — owned by the delivery schemas in ./endpoint).
 */

/** Bump when the stored shape changes, and add a step to `ruleMigrations`. */
export const RULE_SCHEMA_VERSION = 1;

export const ruleLimits = {
    nameMax: 64,
    descriptionMax: 500,
    channelsMax: 50,
    endpointsMax: 10,
    cooldownMaxSeconds: 86_400,
    emojiMax: 50,
} as const;

/** A Mattermost id: 26 lowercase letters and digits. */
export const mattermostIdSchema = z.string().regex(/^[a-z0-9]{26}$/, 'must be a Mattermost id (26 lowercase letters and digits)');

function unique<T>(items: readonly T[]): boolean {
    return new Set(items).size === items.length;
}

export const channelTypeSchema = z.enum(['O', 'P', 'D', 'G'], {error: 'must be O (public), P (private), D (direct) or G (group)'});
export type RuleChannelType = z.infer<typeof channelTypeSchema>;

/**
 * Where a rule listens.
 * - `channels`: the listed channels of one team (`teamId` is '' when they are direct or group conversations).
 * - `team`: every public channel of a team, and its private channels when `channelTypes` says so (only a system
 *   admin may ask for that: nobody else can see every private channel).
 * - `direct`: the owner's own direct and group conversations ("personal rules"); they apply only while the system
 *   admin allows them and every member of the conversation opted in.
 */
export const ruleScopeSchema = z.discriminatedUnion(
    'kind',
    [
        z.strictObject({
            kind: z.literal('channels'),
            teamId: z.union([mattermostIdSchema, z.literal('')]),
            channelIds: z
                .array(mattermostIdSchema)
                .min(1, 'choose at least one channel')
                .max(ruleLimits.channelsMax, `at most ${ruleLimits.channelsMax} channels`)
                .refine(unique, 'channels must not repeat'),
        }),
        z.strictObject({
            kind: z.literal('team'),
            teamId: mattermostIdSchema,
            channelTypes: z
                .array(z.enum(['O', 'P'], {error: 'a team rule covers public (O) and private (P) channels only'}))
                .min(1, 'choose at least one channel type')
                .refine(unique, 'channel types must not repeat')
                .default(['O']),
        }),
        z.strictObject({
            kind: z.literal('direct'),
            channelTypes: z
                .array(z.enum(['D', 'G'], {error: 'a direct rule covers direct (D) and group (G) conversations only'}))
                .min(1, 'choose at least one conversation type')
                .refine(unique, 'conversation types must not repeat')
                .default(['D', 'G']),
        }),
    ],
    {error: 'must be channels, team or direct'},
);
export type RuleScope = z.output<typeof ruleScopeSchema>;

/**
 * What a rule listens to. `posted`/`edited` are messages (file posts without text included); `reaction_added` and
 * `reaction_removed` are emoji reactions on a post in scope; `user_joined` and `user_left` are channel memberships.
 * Reactions and memberships carry no typed text: a rule that listens to them has the `any` trigger, and `emoji`
 * narrows the reactions.
 */
export const ruleEvents = ['posted', 'edited', 'reaction_added', 'reaction_removed', 'user_joined', 'user_left'] as const;
export const ruleEventSchema = z.enum(ruleEvents, {error: 'must be posted, edited, reaction_added, reaction_removed, user_joined or user_left'});
export type RuleEvent = z.infer<typeof ruleEventSchema>;

/** Mattermost's username rules (model.IsValidUsername), with a leading letter as its own sign-up form asks. */
const RESERVED_USERNAMES: readonly string[] = ['all', 'channel', 'here', 'matterbot', 'system'];
export const ruleBotLimits = {usernameMin: 3, usernameMax: 64, displayNameMax: 64, iconMaxBytes: 64 * 1024} as const;
const ICON_DATA_URL = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/]+={0,2})$/;
const IMAGE_SIGNATURES: Readonly<Record<string, string>> = {png: '\x89PNG\r\n\x1a\n', jpeg: '\xff\xd8\xff'};

/** Why a data: URL is no acceptable bot avatar, or null. Checked by signature so a renamed SVG or HTML file never passes. */
export function botIconProblem(icon: string): string | null {
    const m = ICON_DATA_URL.exec(icon);
    if (!m) return 'must be a PNG or JPEG image as a base64 data: URL (data:image/png;base64,...)';
    const [, kind = '', data = ''] = m;
    const bytes = Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
    if (bytes > ruleBotLimits.iconMaxBytes) return `at most ${ruleBotLimits.iconMaxBytes / 1024} KiB`;
    const signature = IMAGE_SIGNATURES[kind] ?? '';
    return base64Head(data, signature.length) === signature ? null : `the data is not a ${kind.toUpperCase()} image`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The first `n` bytes of base64 text, one char per byte (common/ runs in browsers and Node alike: no atob, no Buffer). */
function base64Head(data: string, n: number): string {
    let bits = 0;
    let value = 0;
    let out = '';
    for (const ch of data) {
        if (out.length >= n) break;
        const v = B64.indexOf(ch);
        if (v < 0) break;
        value = (value << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += String.fromCharCode((value >> bits) & 0xff);
        }
    }
    return out;
}

/**
 * The bot account a rule posts its replies as, instead of Tripwire's shared bot, while the system admin allows it
 * (guardrail allow_rule_bots). The plugin creates and keeps the account; deleting the rule deactivates it.
 */
export const ruleBotSchema = z.strictObject({
    username: z
        .string()
        .trim()
        .min(ruleBotLimits.usernameMin, `at least ${ruleBotLimits.usernameMin} characters`)
        .max(ruleBotLimits.usernameMax, `at most ${ruleBotLimits.usernameMax} characters`)
        .regex(/^[a-z][a-z0-9._-]*$/, 'a Mattermost username: a lowercase letter first, then lowercase letters, digits, ".", "-" or "_"')
        .refine((u) => !RESERVED_USERNAMES.includes(u), 'Mattermost reserves this name'),
    display_name: z.string().trim().max(ruleBotLimits.displayNameMax, `at most ${ruleBotLimits.displayNameMax} characters`).default(''),
    /** The avatar: a PNG or JPEG of at most 64 KiB as a data: URL (no SVG: it can carry script). */
    icon: z.string().superRefine((icon, ctx) => {
        const problem = botIconProblem(icon);
        if (problem) ctx.addIssue({code: 'custom', message: problem});
    }).optional(),
});
export type RuleBot = z.output<typeof ruleBotSchema>;

/** Events about a message's text (posts and edits), the only ones native outgoing webhooks know. */
export const messageEvents: readonly RuleEvent[] = ['posted', 'edited'];
export const reactionEvents: readonly RuleEvent[] = ['reaction_added', 'reaction_removed'];
export const membershipEvents: readonly RuleEvent[] = ['user_joined', 'user_left'];
export const isMessageEvent = (event: RuleEvent): boolean => messageEvents.includes(event);
export const isReactionEvent = (event: RuleEvent): boolean => reactionEvents.includes(event);

/** A delivery's `event_type` for each rule event (payloads and the delivery log use these names). */
export const deliveryEventTypes = {
    posted: 'post_created',
    edited: 'post_edited',
    reaction_added: 'reaction_added',
    reaction_removed: 'reaction_removed',
    user_joined: 'user_joined',
    user_left: 'user_left',
} as const satisfies Record<RuleEvent, string>;

/** Mattermost's emoji names (system and custom): letters, digits, `-`, `+`, `_`; colons around them are dropped. */
export const emojiNameSchema = z
    .string()
    .trim()
    .transform((s) => s.replace(/^:(.*):$/, '$1'))
    .pipe(z.string().regex(/^[a-zA-Z0-9_+-]{1,64}$/, 'must be an emoji name such as ticket or +1'));

const seconds = z
    .number()
    .int('whole seconds')
    .min(0, 'cannot be negative')
    .max(ruleLimits.cooldownMaxSeconds, `at most ${ruleLimits.cooldownMaxSeconds} seconds (a day)`);

/** The fields a client sends to create or replace a rule. */
const ruleSpecShape = {
    name: z.string().trim().min(1, 'name is required').max(ruleLimits.nameMax, `at most ${ruleLimits.nameMax} characters`),
    description: z.string().max(ruleLimits.descriptionMax, `at most ${ruleLimits.descriptionMax} characters`).default(''),
    /** A disabled rule is a draft: it never fires and may have no endpoint yet. */
    enabled: z.boolean().default(true),
    scope: ruleScopeSchema,
    /** Root posts, thread replies, or both. */
    threads: z.enum(['all', 'roots', 'replies'], {error: 'must be all, roots or replies'}).default('all'),
    /** `edited` fires only when an edit makes the post match for the first time, and never twice for one post. */
    events: z.array(ruleEventSchema).min(1, 'choose at least one event').refine(unique, 'events must not repeat').default(['posted']),
    /**
     * Reaction events: only these emoji (names, e.g. `ticket`, `+1`); empty = any emoji. Only for rules that listen to
     * a reaction event.
     */
    emoji: z.array(emojiNameSchema).max(ruleLimits.emojiMax, `at most ${ruleLimits.emojiMax} emoji`).refine(unique, 'emoji must not repeat').default([]),
    trigger: triggerSchema,
    /** All must hold (AND); each may itself be an all/any/not tree. */
    conditions: z.array(conditionSchema).default([]),
    /**
     * Posts from bot accounts and from integrations (webhooks, plugins) are ignored unless allowed here; Tripwire's own
     * posts are never matched whatever this says.
     */
    sources: z
        .strictObject({
            bots: z.boolean().default(false),
            integrations: z.boolean().default(false),
        })
        .prefault({}),
    /** After firing, stay quiet this long in the same channel / for the same author. 0 = no cooldown. */
    cooldown: z
        .strictObject({
            channelSeconds: seconds.default(0),
            userSeconds: seconds.default(0),
        })
        .prefault({}),
    endpoints: z.array(endpointSchema).max(ruleLimits.endpointsMax, `at most ${ruleLimits.endpointsMax} endpoints`).default([]),
    response: responseOptionsSchema.prefault({}),
    delivery: deliveryPolicySchema.prefault({}),
    /** Post replies as a bot of the rule's own (absent: Tripwire's bot). */
    bot: ruleBotSchema.optional(),
};

/** Server-owned fields of a stored rule. */
const ruleMetaShape = {
    id: mattermostIdSchema,
    schemaVersion: z.literal(RULE_SCHEMA_VERSION),
    /** Increases by one on every change; clients send it back to detect concurrent edits. */
    revision: z.number().int().min(1),
    ownerId: mattermostIdSchema,
    createdBy: mattermostIdSchema,
    createdAt: z.number().int().min(0),
    updatedBy: mattermostIdSchema,
    updatedAt: z.number().int().min(0),
    /** The user id of the rule's bot account (see `bot`), set by the server when it creates or adopts the bot. */
    botUserId: mattermostIdSchema.optional(),
};

type SpecFields = z.output<z.ZodObject<typeof ruleSpecShape>>;

function checkRuleSpec(spec: SpecFields, ctx: z.RefinementCtx): void {
    if (spec.enabled && spec.endpoints.length === 0) {
        ctx.addIssue({code: 'custom', path: ['endpoints'], message: 'an enabled rule needs at least one endpoint (save it disabled as a draft)'});
    }
    if (new Set(spec.endpoints.map((e) => e.id)).size !== spec.endpoints.length) {
        ctx.addIssue({code: 'custom', path: ['endpoints'], message: 'endpoint ids must be distinct'});
    }
    // Reactions and memberships have no text of their own for trigger words to look at (the emoji filter picks reactions).
    const textless = spec.events.filter((e) => !isMessageEvent(e));
    if (textless.length > 0 && spec.trigger.mode !== 'any') {
        ctx.addIssue({code: 'custom', path: ['trigger'], message: `${textless.join(' and ')} events carry no text: use the "any" trigger (emoji narrow reactions)`});
    }
    if (spec.emoji.length > 0 && !spec.events.some(isReactionEvent)) {
        ctx.addIssue({code: 'custom', path: ['emoji'], message: 'an emoji filter needs a reaction event (reaction_added or reaction_removed)'});
    }
    const problem = conditionShapeProblem(spec.conditions);
    if (problem) {
        ctx.addIssue({code: 'custom', path: ['conditions'], message: problem});
    }
}

/** What clients send to create or replace a rule. Server checks that need Mattermost or RE2 come on top. */
export const ruleSpecSchema = z.strictObject(ruleSpecShape).superRefine(checkRuleSpec);
/** Every field of a spec, from the schema itself (an export built from a hand-kept list missed new fields). */
export const ruleSpecKeys = Object.keys(ruleSpecShape) as ReadonlyArray<keyof SpecFields>;
export type RuleSpecInput = z.input<typeof ruleSpecSchema>;
export type RuleSpec = z.output<typeof ruleSpecSchema>;

/** A rule as stored and as the API returns it. */
export const ruleSchema = z.strictObject({...ruleMetaShape, ...ruleSpecShape}).superRefine(checkRuleSpec);
export type Rule = z.output<typeof ruleSchema>;

/**
 * Upgrades for stored rules, keyed by the version they upgrade from. Each takes the raw JSON of version N and returns
 * the raw JSON of version N+1; `parseStoredRule` runs them in order before validating.
 */
export const ruleMigrations: Readonly<Record<number, (raw: Record<string, unknown>) => Record<string, unknown>>> = {};

/** Reads a stored rule of any known version. @throws ZodError when it is not a valid rule after migration. */
export function parseStoredRule(raw: unknown): Rule {
    let value = raw;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        let record = value as Record<string, unknown>;
        let version = typeof record.schemaVersion === 'number' ? record.schemaVersion : RULE_SCHEMA_VERSION;
        while (version < RULE_SCHEMA_VERSION) {
            const step = ruleMigrations[version];
            if (!step) break;
            record = step(record);
            version += 1;
        }
        value = record;
    }
    return ruleSchema.parse(value);
}

/** The channels a rule names explicitly ('channels' scope), else none. */
export function scopedChannelIds(rule: Pick<Rule, 'scope'>): readonly string[] {
    return rule.scope.kind === 'channels' ? rule.scope.channelIds : [];
}
