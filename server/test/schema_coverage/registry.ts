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
    // test/conformance/fields: TestRuleFieldsAct's subtests, one rule per field, posts through the real hooks.
    // The bot is created with the rule (username, display name, avatar), posts the reply, and is deactivated with the rule.
    'bot': [
        "bot: the reply is posted as the rule's own bot; deleting the rule deactivates it and keeps its posts",
        "rule bot: the reply comes from the rule's own bot, which its deletion deactivates",
    ],
    'bot.username': ["bot: the reply is posted as the rule's own bot; deleting the rule deactivates it and keeps its posts"],
    'bot.display_name': ["bot: the reply is posted as the rule's own bot; deleting the rule deactivates it and keeps its posts"],
    'bot.icon': ["bot: the reply is posted as the rule's own bot; deleting the rule deactivates it and keeps its posts"],
    'name': ['response enabled and accept_any_status; the rule name on the reply'],
    'enabled': ['enabled: a disabled rule never fires'],
    'threads': ['threads: roots or replies only'],
    'events': [
        'events: edited fires when an edit makes the post match',
        // test/conformance/fields TestRuleEventsAct: the hooks through Mattermost's RPC client into the real plugin.
        'events reaction_added with emoji: the reacted post and who reacted, in the rich body even for a compat endpoint',
        'events reaction_removed: a removed reaction, with the user conditions about who reacted',
        'events user_joined and user_left: who joined or left, and who added them',
        // test/e2e/scenarios/tripwire_events.mjs: real users in the real server.
        'events: alice reacts with :ticket:, the receiver gets reaction_added with the post and who reacted',
        'events: bob joins the channel and is removed, the receiver gets user_joined and user_left with the actor',
    ],
    // Only the listed emoji fire (another emoji, and Tripwire's own reaction, do not).
    'emoji': [
        'events reaction_added with emoji: the reacted post and who reacted, in the rich body even for a compat endpoint',
        'events: alice reacts with :ticket:, the receiver gets reaction_added with the post and who reacted',
    ],
    'trigger{mode=exact}.ignoreCase': ['trigger ignoreCase: exact and starts_with compare without case'],
    'trigger{mode=starts_with}': ['trigger starts_with: the first word starts with a word'],
    'trigger{mode=starts_with}.words': ['trigger starts_with: the first word starts with a word'],
    'trigger{mode=starts_with}.ignoreCase': ['trigger ignoreCase: exact and starts_with compare without case'],
    'trigger{mode=contains}': ['trigger contains: anywhere, case ignored by default, case-sensitive when ignoreCase is off'],
    'trigger{mode=contains}.words': ['trigger contains: anywhere, case ignored by default, case-sensitive when ignoreCase is off'],
    'trigger{mode=contains}.ignoreCase': ['trigger contains: anywhere, case ignored by default, case-sensitive when ignoreCase is off'],
    'trigger{mode=whole_word}': ['trigger whole_word: only with no letter or digit around it, case per ignoreCase'],
    'trigger{mode=whole_word}.words': ['trigger whole_word: only with no letter or digit around it, case per ignoreCase'],
    'trigger{mode=whole_word}.ignoreCase': ['trigger whole_word: only with no letter or digit around it, case per ignoreCase'],
    'trigger{mode=regex}.ignoreCase': ['trigger regex flags: ignoreCase, multiline and dotAll'],
    'trigger{mode=regex}.multiline': ['trigger regex flags: ignoreCase, multiline and dotAll'],
    'trigger{mode=regex}.dotAll': ['trigger regex flags: ignoreCase, multiline and dotAll'],
    'trigger{mode=any}': ['trigger any: every message'],
    'conditions': ['conditions user, not, all, any and length'],
    'conditions[]{type=all}': ['conditions user, not, all, any and length'],
    'conditions[]{type=all}.of': ['conditions user, not, all, any and length'],
    'conditions[]{type=any}': ['conditions user, not, all, any and length'],
    'conditions[]{type=any}.of': ['conditions user, not, all, any and length'],
    'conditions[]{type=not}': ['conditions user, not, all, any and length'],
    'conditions[]{type=not}.of': ['conditions user, not, all, any and length'],
    'conditions[]{type=user}': ['conditions user, not, all, any and length'],
    'conditions[]{type=user}.userIds': ['conditions user, not, all, any and length'],
    'conditions[]{type=group}': ['conditions group: the author is in one of the groups'],
    'conditions[]{type=group}.groupIds': ['conditions group: the author is in one of the groups'],
    'conditions[]{type=bot}': ['conditions mentions_bot, bot and integration'],
    'conditions[]{type=integration}': ['conditions mentions_bot, bot and integration'],
    'conditions[]{type=mentions_bot}': ['conditions mentions_bot, bot and integration'],
    'conditions[]{type=has_files}': ['conditions has_files: any file, or one of the MIME types'],
    'conditions[]{type=has_files}.mimeTypes': [
        'conditions has_files: any file, or one of the MIME types',
        'file posted without text: a has_files rule gets the file metadata',
        'events: alice posts a file without text, the receiver gets its metadata',
    ],
    'conditions[]{type=length}': ['conditions user, not, all, any and length'],
    'conditions[]{type=length}.min': ['conditions user, not, all, any and length'],
    'conditions[]{type=length}.max': ['conditions user, not, all, any and length'],
    'sources': ['sources: bot and integration posts only where allowed'],
    'sources.bots': ['sources: bot and integration posts only where allowed'],
    'sources.integrations': ['sources: bot and integration posts only where allowed'],
    'cooldown': ['cooldown: per channel and per author'],
    'cooldown.channelSeconds': ['cooldown: per channel and per author'],
    'cooldown.userSeconds': ['cooldown: per channel and per author'],
    'endpoints[].method': ['endpoint method, template body and form fields'],
    'endpoints[].body_template': ['endpoint method, template body and form fields'],
    'endpoints[].form_fields': ['endpoint method, template body and form fields'],
    'endpoints[].enabled': ['endpoint enabled and fan_out failover'],
    'response': ['response enabled and accept_any_status; the rule name on the reply'],
    'response.enabled': ['response enabled and accept_any_status; the rule name on the reply'],
    'response.accept_any_status': ['response enabled and accept_any_status; the rule name on the reply'],
    'delivery.fan_out': ['endpoint enabled and fan_out failover'],
    'delivery.rate_per_rule_per_minute': ['delivery rates: per rule and per user, excess dropped'],
    'delivery.rate_per_user_per_minute': ['delivery rates: per rule and per user, excess dropped'],
    'delivery.rate_overflow': ['delivery rates: per rule and per user, excess dropped'],
    'scope{kind=team}': ["scope team: the team's public channels, its private ones only when asked"],
    'scope{kind=team}.teamId': ["scope team: the team's public channels, its private ones only when asked"],
    'scope{kind=team}.channelTypes': ["scope team: the team's public channels, its private ones only when asked"],
    'endpoints[].follow_redirects': ["endpoint follow_redirects: a 3xx is followed only when on"],
    'endpoints[].timeout_ms': ["endpoint timeout_ms: a slower answer is a timeout"],
    'response.stale_after_seconds': ["response stale_after_seconds and stale_action: a late reply is dropped or threaded as delayed"],
    'response.stale_action': ["response stale_after_seconds and stale_action: a late reply is dropped or threaded as delayed"],
    'response.response_url_uses': ["response response_url_uses: the late-reply URL works that many times"],
    // A Beta teamId over a town-square (Alpha) channel is refused; the same channel under Alpha fires.
    'scope{kind=channels}.teamId': ["scope channels teamId: every channel must be in the rule's team"],
    // 1: three slow answers one after another; the default (8): at once.
    'endpoints[].max_concurrency': ['endpoint max_concurrency: 1 never has two requests in flight'],
    // thread/channel override the service's response_type both ways; `service` follows it.
    'response.reply_to': ["response reply_to: thread or channel, whatever the service's response_type"],
    // override_username/override_icon_url: absent while Mattermost forbids overrides, the rule's once it allows them.
    // A PagerDuty-style answer (not Mattermost's format) becomes the reply post, rendered from the rule's template.
    'response.reply_template': ['response reply_template: a PagerDuty-style answer becomes the reply post'],
    'response.username': ['response username and icon_url: on replies only when Mattermost allows overrides'],
    'response.icon_url': ['response username and icon_url: on replies only when Mattermost allows overrides'],
    // The signed expiry in the URL the service gets (60 s vs 2 h). That the plugin then refuses it is unit-tested:
    // the conformance host cannot move the plugin's clock.
    'response.response_url_ttl_seconds': ['response response_url_ttl_seconds: the late-reply URL expires that long after the delivery'],
    // A Retry-After past the maximum age fails the delivery `expired`; under a longer maximum age it is retried.
    'delivery.max_age_seconds': ['delivery max_age_seconds: a retry that would come later is not made, the delivery fails expired'],
    // Base 10 ms, or an hour capped at 10 ms: three retries at once; an hour uncapped: none.
    'delivery.backoff_base_ms': ['delivery backoff_base_ms and backoff_max_ms: the wait before each retry'],
    'delivery.backoff_max_ms': ['delivery backoff_base_ms and backoff_max_ms: the wait before each retry'],
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
    botUserId: "the user id of the rule's bot, set when the server creates or takes back the bot of `bot` (its test shows the id posting)",
    'endpoints[].has_secret': 'set by the API when a signing secret is stored; ignored on writes',
    'endpoints[].secret_headers_set': 'set by the API: secret header names with a stored value; ignored on writes',
};

/**
 * Fields written for people, not for Tripwire: stored, returned by the API and shown in the webapp, with no effect on
 * what a rule does (`name` is not one: it names the replies' sender).
 */
export const metadata: Record<string, string> = {
    description: "free text shown under the rule's name in the channel's rule list; nothing reads it to decide anything",
};

/**
 * Fields no conformance or e2e test shows acting yet (each has unit tests). The coverage test prints this list; it
 * shrinks as tests are added and must never hold a field that `covered` has.
 */
export const uncovered: readonly string[] = [];
