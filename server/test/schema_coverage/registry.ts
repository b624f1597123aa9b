/**
 * Which test shows that each field of the rule schema changes behaviour in a real Mattermost: under Mattermost's own
 * plugin host (test/conformance, Go test or subtest names) or in the real server (test/e2e/scenarios, scenario
 * names). schema_coverage.test.ts walks the schemas and fails on a field missing here, and on a named test that does
 * not exist. A unit test does not count: this is about what production does with the field.
 *
 * Paths: `a.b` object keys, `a[]` array items, `a{kind=x}` a variant of a discriminated union (its other keys below it).
 */

/** Field path → the conformance or e2e tests that show it acting. */
export const covered: Record<string, readonly string[]> = {
    scope: ['private channel: regex group, reply in the thread as the bot, hidden from non-members'],
    'scope{kind=channels}': ['private channel: regex group, reply in the thread as the bot, hidden from non-members'],
    // The rule fires in the channels it names, and in the private one only for members.
    'scope{kind=channels}.channelIds': ['private channel: regex group, reply in the thread as the bot, hidden from non-members'],
    'scope{kind=direct}': ["direct message rule: admin guardrail and every member's opt-in"],
    'scope{kind=direct}.channelTypes': [
        "direct message rule: admin guardrail and every member's opt-in",
        'group message rule: members from Mattermost, all three must consent (the last by slash command)',
    ],
    trigger: ['native compatibility, JSON: same request as a native outgoing webhook, signed'],
    'trigger{mode=exact}': ['native compatibility, JSON: same request as a native outgoing webhook, signed'],
    'trigger{mode=exact}.words': ['native compatibility, JSON: same request as a native outgoing webhook, signed'],
    'trigger{mode=regex}': ['private channel: regex group, reply in the thread as the bot, hidden from non-members'],
    // Its named group reaches the payload and the reply.
    'trigger{mode=regex}.pattern': ['private channel: regex group, reply in the thread as the bot, hidden from non-members'],
    endpoints: ['native compatibility, JSON: same request as a native outgoing webhook, signed'],
    // The delivery log keys each endpoint's attempts by it.
    'endpoints[].id': ['TestSecretExposure'],
    'endpoints[].url': ['native compatibility, JSON: same request as a native outgoing webhook, signed'],
    // compat: byte-equal to native; rich: matches.groups and channel_type in the body.
    'endpoints[].payload': [
        'native compatibility, JSON: same request as a native outgoing webhook, signed',
        'private channel: regex group, reply in the thread as the bot, hidden from non-members',
    ],
    'endpoints[].content_type': [
        'native compatibility, JSON: same request as a native outgoing webhook, signed',
        'native compatibility, form: same request as a native outgoing webhook, signed',
    ],
    'endpoints[].headers': ['TestSecretExposure'],
    'endpoints[].query': ['TestSecretExposure'],
    'endpoints[].secret_headers': ['TestSecretExposure'],
    delivery: ['TestSecretExposure'],
    // 1: the failing endpoint ends failed after one attempt; 5: three attempts, then the reply.
    'delivery.max_attempts': ['TestSecretExposure', 'retries: 503, 503, 200 in the delivery log, one reply'],
};

/** Fields the server sets, never a rule's author: they carry no behaviour of their own to show. */
export const serverOwned: Record<string, string> = {
    id: 'assigned on create',
    schemaVersion: 'the stored shape version',
    revision: 'optimistic concurrency counter, bumped on every change',
    ownerId: 'the creator; changes only through transfer',
    createdBy: 'audit',
    createdAt: 'audit',
    updatedBy: 'audit',
    updatedAt: 'audit',
    'endpoints[].has_secret': 'set by the API when a signing secret is stored; ignored on writes',
    'endpoints[].secret_headers_set': 'set by the API: secret header names with a stored value; ignored on writes',
};

/**
 * Fields no conformance or e2e test shows acting yet (each has unit tests). The coverage test prints this list; it
 * shrinks as tests are added and must never hold a field that `covered` has.
 */
export const uncovered: readonly string[] = [
    'name',
    'description',
    'enabled',
    'scope{kind=channels}.teamId',
    'scope{kind=team}',
    'scope{kind=team}.teamId',
    'scope{kind=team}.channelTypes',
    'threads',
    'events',
    'trigger{mode=exact}.ignoreCase',
    'trigger{mode=starts_with}',
    'trigger{mode=starts_with}.words',
    'trigger{mode=starts_with}.ignoreCase',
    'trigger{mode=contains}',
    'trigger{mode=contains}.words',
    'trigger{mode=contains}.ignoreCase',
    'trigger{mode=whole_word}',
    'trigger{mode=whole_word}.words',
    'trigger{mode=whole_word}.ignoreCase',
    'trigger{mode=regex}.ignoreCase',
    'trigger{mode=regex}.multiline',
    'trigger{mode=regex}.dotAll',
    'trigger{mode=any}',
    'conditions',
    'conditions[]{type=all}',
    'conditions[]{type=all}.of',
    'conditions[]{type=any}',
    'conditions[]{type=any}.of',
    'conditions[]{type=not}',
    'conditions[]{type=not}.of',
    'conditions[]{type=user}',
    'conditions[]{type=user}.userIds',
    'conditions[]{type=group}',
    'conditions[]{type=group}.groupIds',
    'conditions[]{type=bot}',
    'conditions[]{type=integration}',
    'conditions[]{type=has_files}',
    'conditions[]{type=has_files}.mimeTypes',
    'conditions[]{type=mentions_bot}',
    'conditions[]{type=length}',
    'conditions[]{type=length}.min',
    'conditions[]{type=length}.max',
    'sources',
    'sources.bots',
    'sources.integrations',
    'cooldown',
    'cooldown.channelSeconds',
    'cooldown.userSeconds',
    'endpoints[].method',
    'endpoints[].body_template',
    'endpoints[].form_fields',
    'endpoints[].timeout_ms',
    'endpoints[].max_concurrency',
    'endpoints[].follow_redirects',
    'endpoints[].enabled',
    'response',
    'response.enabled',
    'response.accept_any_status',
    'response.username',
    'response.icon_url',
    'response.stale_after_seconds',
    'response.stale_action',
    'response.response_url_uses',
    'response.response_url_ttl_seconds',
    'delivery.fan_out',
    'delivery.max_age_seconds',
    'delivery.backoff_base_ms',
    'delivery.backoff_max_ms',
    'delivery.rate_per_rule_per_minute',
    'delivery.rate_per_user_per_minute',
    'delivery.rate_overflow',
];
