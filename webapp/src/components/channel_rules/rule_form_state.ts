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

/** A blank endpoint (URL to fill in) with the first free short id: `ep1`, `ep2`, … */
export function newEndpoint(taken: readonly string[] = []): Endpoint {
    let n = 1;
    while (taken.includes(`ep${n}`)) n++;
    return {...endpointSchema.parse({id: `ep${n}`, url: 'https://example.com/hook'}), url: ''};
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
        emoji: [],
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
        botUserId: _bot,
        has_token: _t,
        has_inbound: _i,
        can_manage: _m,
        orphaned: _orphaned,
        warnings: _w,
        ...spec
    } = rule;
    return spec;
}

export interface DraftCheck {
    spec: RuleSpec | null;
    errors: FieldErrors;
}

/** What the panel knows beyond the rule itself. */
export interface DraftContext {
    /** The system admin's "Allow rules in direct and group messages" (null: not known yet). */
    dmRulesEnabled?: boolean | null;
}

/**
 * The schema's verdict, with every problem at the field that can fix it and worded as the panel labels things:
 * duplicate endpoint ids at each id, a template left behind by a payload switch at the payload, conditions that
 * could never hold while their posts are excluded, direct-message rules the admin turned off.
 */
export function checkDraft(draft: RuleDraft, context: DraftContext = {}): DraftCheck {
    const parsed = ruleSpecSchema.safeParse(draft);
    const errors: FieldErrors = {};
    if (!parsed.success) {
        for (const [path, message] of Object.entries(fieldErrorsOf(parsed.error))) errors[path] = humanize(path, message);
    }
    for (const [path, message] of Object.entries(panelProblems(draft, context))) errors[path] ??= message;
    // The schema says it of the list; the panel says it at each id concerned.
    if (errors.endpoints === 'endpoint ids must be distinct' && Object.values(errors).includes(DUPLICATE_IDS)) delete errors.endpoints;
    const ok = parsed.success && Object.keys(errors).length === 0;
    return ok ? {spec: parsed.data, errors: {}} : {spec: null, errors};
}

const DUPLICATE_IDS = 'Two endpoints have this id; give each its own.';

function panelProblems(draft: RuleDraft, context: DraftContext): FieldErrors {
    const out: FieldErrors = {};
    const seen = new Map<string, number>();
    draft.endpoints.forEach((e, i) => {
        const first = seen.get(e.id);
        if (first === undefined) seen.set(e.id, i);
        else out[`endpoints.${first}.id`] = out[`endpoints.${i}.id`] = DUPLICATE_IDS;
        if (e.payload !== 'template' && (e.body_template !== undefined || e.form_fields !== undefined)) {
            out[`endpoints.${i}.payload`] = 'A template is left over from the Template payload and would not be sent. Remove it, or switch back to Template.';
        }
    });
    draft.conditions.forEach((c, i) => {
        if (c.type === 'bot' && !draft.sources.bots) out[`conditions.${i}.type`] = 'Posts from bots are ignored (see “Also take posts from bots”), so with this condition the rule could never fire.';
        if (c.type === 'integration' && !draft.sources.integrations) {
            out[`conditions.${i}.type`] = 'Posts from webhooks and plugins are ignored (see “Also take posts from webhooks and plugins”), so with this condition the rule could never fire.';
        }
    });
    if (draft.scope.kind === 'direct' && context.dmRulesEnabled === false) {
        out['scope.kind'] = 'Your system admin has turned off rules in direct and group messages; ask them to allow these rules, or choose channels.';
    }
    return out;
}

/** Known schema wordings that name API fields or say it the programmer's way, as the panel says them. */
const rewrites: Array<[RegExp, (m: RegExpExecArray, path: string) => string]> = [
    [/^a template payload needs body_template or form_fields$/, () => 'Write a body template (or form fields, for the Form content type).'],
    [/^form_fields need content_type "form"$/, () => 'Form fields are sent only with the Form content type.'],
    [/^compat payloads are JSON or form$/, () => 'The Mattermost-compatible payload is sent as JSON or as a form.'],
    [/^an enabled rule needs at least one endpoint/, () => 'Add a callback URL, or turn the rule off to save it as a draft.'],
    [/^must be an http\(s\) URL without credentials/, () => 'Enter an http:// or https:// address without a user name or password; placeholders only after the host.'],
    [/^Invalid key in record$/, (_m, path) => (/\.headers\./.test(path) ? 'Not a header name Tripwire can send: letters, digits and - only, and not one Tripwire sets itself.' : 'Not a valid name.')],
    [/^Too big: expected string to have <=(\d+) characters$/, (m) => `At most ${m[1]} characters.`],
    [/^Too small: expected string to have >=1 characters$/, () => 'Required.'],
    [/^Too small: expected number to be >=(\d+)$/, (m, path) => (msPaths.has(lastSegment(path)) ? `At least ${Number(m[1]) / 1000} seconds.` : `At least ${m[1]}.`)],
    [/^Too big: expected number to be <=(\d+)$/, (m, path) => (msPaths.has(lastSegment(path)) ? `At most ${Number(m[1]) / 1000} seconds.` : `At most ${m[1]}.`)],
    [/^Invalid input: expected int, received number$/, (_m, path) => (msPaths.has(lastSegment(path)) ? 'Use at most 3 decimals.' : 'Use a whole number.')],
    [/^Invalid input: expected number, received NaN$/, () => 'Enter a number.'],
];

/** Fields stored in milliseconds but typed in seconds: their bounds are said in seconds. */
const msPaths = new Set(['timeout_ms', 'backoff_base_ms', 'backoff_max_ms']);
const lastSegment = (path: string) => path.split('.').pop() ?? '';

export function humanize(path: string, message: string): string {
    for (const [re, say] of rewrites) {
        const m = re.exec(message);
        if (m) return say(m, path);
    }
    return message;
}

/**
 * Whether an error shows yet: after a save was tried, or once its field (or one inside it, or the list holding it)
 * was left after editing. So nothing is red before you have typed.
 */
export function isVisible(path: string, touched: ReadonlySet<string>, showAll: boolean): boolean {
    if (showAll) return true;
    for (const t of touched) if (path === t || path.startsWith(`${t}.`) || t.startsWith(`${path}.`)) return true;
    return false;
}

/** Errors under a path, keyed by the rest of their path (`headers.X-Foo` → `X-Foo`). */
export function errorsUnder(errors: FieldErrors, path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(errors)) if (k.startsWith(`${path}.`)) out[k.slice(path.length + 1)] = v;
    return out;
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
