import {
    deliveryPolicySchema,
    endpointSchema,
    fieldErrorsOf,
    responseOptionsSchema,
    ruleSpecSchema,
    type Endpoint,
    type FieldErrors,
    type RuleSpec,
    type RuleView,
} from '@tripwire/common';

/**
 * The editor's working copy of a rule: a full RuleSpec (every default filled in), validated on every change with
 * the very schema the server parses requests with, so inline errors and server errors say the same thing.
 */
export type RuleDraft = RuleSpec;

export interface DraftChannel {
    id: string;
    teamId: string;
    type: string;
}

export function newEndpoint(): Endpoint {
    return {...endpointSchema.parse({url: 'https://example.com/hook'}), url: ''};
}

/** A new rule for this channel: watches it, trips on a first word, calls one endpoint (to be filled in). */
export function newRuleDraft(channel: DraftChannel): RuleDraft {
    const direct = channel.type === 'D' || channel.type === 'G';
    return {
        name: '',
        description: '',
        enabled: true,
        scope: {kind: 'channels', teamId: direct ? '' : channel.teamId, channelIds: [channel.id]},
        threads: 'all',
        events: ['posted'],
        trigger: {mode: 'exact', words: [], ignoreCase: false},
        conditions: [],
        sources: {bots: false, integrations: false},
        cooldown: {channelSeconds: 0, userSeconds: 0},
        endpoints: [newEndpoint()],
        response: responseOptionsSchema.parse({}),
        delivery: deliveryPolicySchema.parse({}),
    };
}

/** The editable part of a stored rule (server-owned fields and view flags dropped). */
export function draftFromRule(rule: RuleView): RuleDraft {
    const {
        id: _id,
        schemaVersion: _v,
        revision: _rev,
        ownerId: _owner,
        createdBy: _cb,
        createdAt: _ca,
        updatedBy: _ub,
        updatedAt: _ua,
        has_token: _t,
        has_inbound: _i,
        can_manage: _m,
        orphaned: _orphaned,
        ...spec
    } = rule;
    return spec;
}

export interface DraftCheck {
    spec: RuleSpec | null;
    errors: FieldErrors;
}

export function checkDraft(draft: RuleDraft): DraftCheck {
    const parsed = ruleSpecSchema.safeParse(draft);
    return parsed.success ? {spec: parsed.data, errors: {}} : {spec: null, errors: fieldErrorsOf(parsed.error)};
}

/** The message for one field path (`trigger.words`, `endpoints.0.url`), also found under an index (`trigger.words.2`). */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
    if (errors[path] !== undefined) return errors[path];
    const nested = Object.keys(errors).find((k) => k.startsWith(`${path}.`) && /^\d+$/.test(k.slice(path.length + 1).split('.')[0] ?? ''));
    return nested === undefined ? undefined : errors[nested];
}

/** How many errors sit under a path prefix (for section headers). */
export function errorCountUnder(errors: FieldErrors, prefixes: readonly string[]): number {
    return Object.keys(errors).filter((k) => prefixes.some((p) => k === p || k.startsWith(`${p}.`))).length;
}

/** Drops keys whose value is undefined (exactOptionalPropertyTypes: absent, never `undefined`). */
export function compact<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
