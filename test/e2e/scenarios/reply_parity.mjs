// Reply parity (issue 14): a native outgoing webhook and a compat rule on the same receiver, which answers each trigger
// with one reply shape; the posts users then see from each (Mattermost's REST API, as bob) are compared field by field.
// Every difference must be listed in the README's table "Replies: where compat mode differs from native outgoing
// webhooks" (read from the README here, so the table and this test cannot drift), and every row of that table that
// names shapes must still show up.
import {readFileSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {withReceiver} from '../lib/receiver.mjs';
import {allowHosts, check, expectStatus, makeChannel, ruleSpec, tripwireBot, waitForDeliveries} from '../lib/tripwire.mjs';

const README = new URL('../../../README.md', import.meta.url);
export const TABLE_HEADING = '## Replies: where compat mode differs from native outgoing webhooks';

const DEFAULT_USERNAME = 'parity-default';
const DEFAULT_ICON = 'https://example.com/parity-default.png';
const LONG = 'x'.repeat(16_383) + 'tail of a long reply';

const jsonAnswer = (value, status = 200) => ({status, headers: {'content-type': 'application/json'}, body: typeof value === 'string' ? value : JSON.stringify(value)});

/** What the native post must show for a shape to have tested what it means to (sanity, not parity). */
const nativeShows = (what, test) => (posts) => (test(posts) ? null : `${what}; native posts: ${JSON.stringify(posts.map((p) => ({message: p.message.slice(0, 200), props: p.props, priority: p.priority})))}`);

/**
 * The shapes. `word` picks the pair: `parity` (hook and rule with a default username and icon) or `bare` (none);
 * `overrides` the server's EnablePostUsernameOverride/EnablePostIconOverride; `inThread` triggers with a thread reply.
 * `answer` may use `ids` (alice's id, the channel's) for Slack references.
 */
const SHAPES = [
    {id: 'plain', answer: () => jsonAnswer({text: 'plain reply'})},
    {id: 'empty_text', answer: () => jsonAnswer({text: ''}), check: nativeShows('an empty post', (p) => p.length === 1 && p[0].message === '')},
    {id: 'no_text', answer: () => jsonAnswer({username: 'only-a-name'})},
    {id: 'null_text_empty_attachments', answer: () => jsonAnswer({text: null, attachments: []})},
    {id: 'empty_body', answer: () => ({status: 200, headers: {'content-type': 'application/json'}, body: ''})},
    {id: 'whitespace_body', answer: () => ({status: 200, headers: {'content-type': 'application/json'}, body: ' \r\n\t '})},
    {id: 'null_body', answer: () => jsonAnswer('null')},
    {id: 'not_json', answer: () => ({status: 200, headers: {'content-type': 'text/plain'}, body: 'ok'})},
    {id: 'html_page', answer: () => ({status: 200, headers: {'content-type': 'text/html'}, body: '<html><body>{"text":"inside html"}</body></html>'})},
    {id: 'json_array', answer: () => jsonAnswer([{text: 'in an array'}])},
    {id: 'text_is_number', answer: () => jsonAnswer({text: 5})},
    {id: 'trailing_text', answer: () => jsonAnswer('{"text":"first value"} and a trailing log line'), check: nativeShows('the first value posted', (p) => p[0]?.message === 'first value')},
    {id: 'two_values', answer: () => jsonAnswer('{"text":"one"}\n{"text":"two"}')},
    {id: 'unterminated', answer: () => jsonAnswer('{"text":"cut off')},
    {id: 'byte_order_mark', answer: () => jsonAnswer('\uFEFF{"text":"after a BOM"}')},
    {id: 'text_plain_type', answer: () => ({status: 200, headers: {'content-type': 'text/plain'}, body: '{"text":"JSON sent as text/plain"}'})},
    {id: 'no_content_type', answer: () => ({status: 200, headers: {}, body: '{"text":"no content type"}'})},
    {id: 'status_201', answer: () => jsonAnswer({text: 'created'}, 201)},
    {id: 'status_400', answer: () => jsonAnswer({text: 'bad request body'}, 400)},
    {id: 'status_404', answer: () => jsonAnswer({text: 'not found body'}, 404)},
    {id: 'status_500', answer: () => jsonAnswer({text: 'server error body'}, 500)},
    {id: 'case_insensitive_keys', answer: () => jsonAnswer('{"TEXT":"upper-case keys","Response_Type":"comment"}')},
    {
        id: 'slack_markup_text',
        answer: ({alice, channel}) =>
            jsonAnswer({
                text: `<!channel> <!here> <!all> <!everyone> <!here|label> <https://a.example/x|a link> <https://b.example/> <mailto:x@y.z|mail> <@${alice.id}> <@${alice.id}|alice> <@nobody000> <#${channel.id}|town> <https://c.example|a|b> a < b > c`,
            }),
        check: nativeShows('announcements expanded and alice resolved', (p) => /^@channel @here @all <!everyone> /.test(p[0]?.message ?? '') && p[0].message.includes(' @alice '))},
    {
        id: 'slack_markup_attachments',
        answer: ({alice}) =>
            jsonAnswer({
                text: 'attachments',
                attachments: [
                    {
                        fallback: 'fb',
                        color: '#36a64f',
                        pretext: '<!here> <https://p.example|pre>',
                        title: '<!channel> <https://t.example|title link> <@' + alice.id + '>',
                        title_link: 'https://t.example',
                        text: '<https://x.example|two\nlines> <https://y.example>',
                        fields: [null, {title: '<!all>', value: 1000000, short: true}, {title: 'flag', value: true}, {title: 'link', value: '<https://v.example|v>'}, {title: 'nothing'}],
                        footer: 'foot',
                        ts: 123456789,
                    },
                ],
            }),
    },
    // Mattermost 11.4 itself panics on this one (app/slack.go ProcessSlackAttachments dereferences the null
    // attachment) and the whole server exits: only Tripwire's rule gets it (trigger word `solo`).
    {id: 'attachments_all_null', word: 'solo', nativeCrashes: true, answer: () => jsonAnswer({attachments: [null]})},
    {id: 'attachment_only', answer: () => jsonAnswer({attachments: [{title: 'only an attachment', text: 'body'}]})},
    {id: 'response_comment', answer: () => jsonAnswer({text: 'in the thread', response_type: 'comment'})},
    {id: 'response_Comment_case', answer: () => jsonAnswer({text: 'capital C', response_type: 'Comment'})},
    {id: 'response_ephemeral', answer: () => jsonAnswer({text: 'just for you', response_type: 'ephemeral'})},
    {id: 'comment_on_thread_reply', inThread: true, answer: () => jsonAnswer({text: 'under the real root?', response_type: 'comment'})},
    {
        id: 'props',
        answer: () =>
            jsonAnswer({
                text: 'with props',
                props: {card: '**more**', n: 7, nested: {a: [1, 2]}, from_webhook: 'false', override_username: 'spoof', override_icon_url: 'https://spoof.example/i.png', webhook_display_name: 'spoof', from_bot: 'spoof', attachments: 'spoof'},
            }),
    },
    {id: 'type_custom', answer: () => jsonAnswer({text: 'custom type', type: 'custom_parity'})},
    {id: 'type_system', answer: () => jsonAnswer({text: 'system type', type: 'system_join_channel'})},
    {id: 'type_unknown', answer: () => jsonAnswer({text: 'unknown type', type: 'parity_unknown'})},
    {id: 'priority_important', answer: () => jsonAnswer({text: 'important', priority: {priority: 'important'}}), check: nativeShows('the priority', (p) => p[0]?.priority?.priority === 'important')},
    {id: 'priority_empty_object', answer: () => jsonAnswer({text: 'priority without priority', priority: {}})},
    {id: 'priority_on_comment', answer: () => jsonAnswer({text: 'priority in a thread', response_type: 'comment', priority: {priority: 'important'}})},
    {id: 'long_text', answer: () => jsonAnswer({text: LONG, attachments: [{text: 'on the last part'}]}), check: nativeShows('two parts', (p) => p.length === 2 && p[0].message.length === 16_383)},
    {id: 'unicode', answer: () => jsonAnswer({text: 'é ü 😀 \u202e <b>not html</b> & "quotes"'})},
    {
        id: 'overrides_on_reply_names',
        overrides: true,
        answer: () => jsonAnswer({text: 'named', username: 'svc-name', icon_url: 'https://example.com/svc.png'}),
        check: nativeShows("the reply's overrides", (p) => p[0]?.props.override_username === 'svc-name' && p[0].props.override_icon_url === 'https://example.com/svc.png'),
    },
    {
        id: 'overrides_on_rule_defaults',
        overrides: true,
        answer: () => jsonAnswer({text: 'defaults'}),
        check: nativeShows("the hook's defaults", (p) => p[0]?.props.override_username === DEFAULT_USERNAME && p[0].props.override_icon_url === DEFAULT_ICON),
    },
    {
        id: 'overrides_on_no_defaults',
        overrides: true,
        word: 'bare',
        answer: () => jsonAnswer({text: 'webhook fallback'}),
        check: nativeShows('"webhook" and no icon', (p) => p[0]?.props.override_username === 'webhook' && !('override_icon_url' in p[0].props)),
    },
    {id: 'overrides_on_attachment', overrides: true, answer: () => jsonAnswer({attachments: [{text: 'attachment with overrides on'}]})},
    {
        id: 'overrides_off_reply_names',
        word: 'bare',
        answer: () => jsonAnswer({text: 'named, overrides off', username: 'svc-name', icon_url: 'https://example.com/svc.png'}),
        check: nativeShows('no overrides', (p) => p.length === 1 && !('override_username' in p[0].props) && !('override_icon_url' in p[0].props)),
    },
];

/** The README table: [{shapes: Set|'*'|null, fields: [...], row}]; rows with `—` as shapes are not exercised here. */
export function readDifferenceTable(text = readFileSync(README, 'utf8')) {
    const start = text.indexOf(`\n${TABLE_HEADING}\n`);
    check(start >= 0, `README.md has no section "${TABLE_HEADING}"`);
    const section = text.slice(start + TABLE_HEADING.length + 2).split(/\n## /)[0];
    const rows = section.split('\n').filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l)).slice(1);
    check(rows.length > 0, 'the README difference table has no rows');
    const ticks = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    return rows.map((row) => {
        const cells = row.split('|').slice(1, -1).map((c) => c.trim());
        const shapes = cells[0] === '*' ? '*' : cells[0] === '—' ? null : new Set(ticks(cells[0]));
        return {shapes, fields: ticks(cells[1]), row};
    });
}

/** What a user sees of a post, with ids made symbolic (the trigger, the thread root, who posted). */
function view(post, names) {
    const priority = post.metadata?.priority;
    return {
        user_id: names[post.user_id] ?? post.user_id,
        root_id: names[post.root_id] ?? post.root_id,
        message: post.message,
        type: post.type,
        priority: priority ? {priority: priority.priority, requested_ack: priority.requested_ack ?? false, persistent_notifications: priority.persistent_notifications ?? false} : null,
        props: post.props ?? {},
    };
}

/** The differing fields of two posts' views: `user_id`, `message`, ..., `props.<key>` for each prop. */
function differences(n, t) {
    const out = [];
    for (const field of ['user_id', 'root_id', 'message', 'type', 'priority']) {
        if (JSON.stringify(n[field]) !== JSON.stringify(t[field])) out.push({field, native: n[field], tripwire: t[field]});
    }
    for (const key of new Set([...Object.keys(n.props), ...Object.keys(t.props)])) {
        if (JSON.stringify(n.props[key]) !== JSON.stringify(t.props[key])) out.push({field: `props.${key}`, native: n.props[key], tripwire: t.props[key]});
    }
    return out;
}

async function setOverrides(ctx, on) {
    await ctx.admin.client.patchConfig({ServiceSettings: {EnablePostUsernameOverride: on, EnablePostIconOverride: on}});
    await sleep(500); // Tripwire reads the server config again in OnConfigurationChange
}

async function replyParity(ctx) {
    const table = readDifferenceTable();
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        const channel = await makeChannel(ctx, {name: 'tw-reply-parity'});
        const bot = await tripwireBot(ctx);
        const shapeOf = (req) => {
            try {
                return SHAPES.find((s) => JSON.parse(req.text).text?.split(/\s+/)[1] === s.id);
            } catch {
                return undefined;
            }
        };
        // Tripwire's request (it carries a webhook-id) is answered 150 ms after native's: the two replies must not race.
        // Mattermost 11.4 fails one of two replies that start a thread at the same moment ("update thread from posts
        // failed: duplicate key value violates unique constraint threads_pkey"): native loses its reply then, while
        // Tripwire retries it (a 5xx), so the comparison would measure the race, not the replies.
        receiver.respond(async (req) => {
            const shape = shapeOf(req);
            if (req.headers['webhook-id']) await new Promise((r) => setTimeout(r, 150));
            return shape ? shape.answer({alice: ctx.alice.user, channel}) : {status: 200, body: ''};
        });

        // One native hook and one compat rule per trigger word, same receiver path, same display name.
        const rules = {};
        for (const [word, defaults, native] of [['parity', true, true], ['bare', false, true], ['solo', true, false]]) {
            const path = `/reply-${word}`;
            if (native) await ctx.admin.client.createOutgoingWebhook({
                team_id: ctx.team.id,
                channel_id: channel.id,
                display_name: `parity ${word}`,
                trigger_words: [word],
                trigger_when: 0,
                callback_urls: [receiver.url + path],
                content_type: 'application/json',
                ...(defaults && {username: DEFAULT_USERNAME, icon_url: DEFAULT_ICON}),
            });
            rules[word] = await expectStatus(
                ctx,
                ctx.alice,
                'POST',
                '/rules',
                ruleSpec(ctx, {
                    name: `parity ${word}`,
                    channels: [channel],
                    trigger: {mode: 'exact', words: [word]},
                    endpoint: {url: receiver.url + path, payload: 'compat', content_type: 'json'},
                    response: defaults ? {username: DEFAULT_USERNAME, icon_url: DEFAULT_ICON} : {},
                    delivery: {max_attempts: 1},
                }),
                201,
            );
        }

        const threadRoot = await ctx.alice.client.createPost({channel_id: channel.id, message: 'a thread root for comment_on_thread_reply'});
        const observed = []; // {shape, field, native, tripwire}
        const summary = [];
        let overrides = null;
        try {
            // E2E_SHAPES=<regex> runs only some shapes (debugging; the table checks then see only those).
            const only = process.env.E2E_SHAPES ? new RegExp(process.env.E2E_SHAPES) : null;
            for (const shape of SHAPES.filter((s) => !only || only.test(s.id))) {
                const wanted = Boolean(shape.overrides);
                if (overrides !== wanted) await setOverrides(ctx, (overrides = wanted));
                const word = shape.word ?? 'parity';
                const trigger = await ctx.alice.client.createPost({channel_id: channel.id, message: `${word} ${shape.id}`, ...(shape.inThread && {root_id: threadRoot.id})});
                const forTrigger = (r) => {
                    try {
                        return JSON.parse(r.text).post_id === trigger.id;
                    } catch {
                        return false;
                    }
                };
                // Both answered (native posts right after reading the answer), and Tripwire's delivery logged.
                await receiver.waitFor((r) => forTrigger(r) && r.answered !== undefined, shape.nativeCrashes ? 1 : 2, 15_000, `native + Tripwire requests for ${shape.id}`);
                // Until what became of the reply is logged too: the posts are counted after that, not by a quiet spell
                // alone (a reply posted just after 600 ms of quiet was once counted under the next shape).
                const settled = (e) => e.post_id === trigger.id && e.status !== 'retrying' && (e.status !== 'succeeded' || e.reply !== undefined);
                await waitForDeliveries(ctx, ctx.alice, rules[word].id, (entries) => entries.some(settled), 15_000, `the delivery and its reply for ${shape.id}`);
                const posts = await settledPostsAfter(ctx, channel.id, trigger);
                const names = {[trigger.id]: 'TRIGGER', [threadRoot.id]: 'THREAD_ROOT', [bot.id]: 'BOT', [ctx.admin.user.id]: 'HOOK_CREATOR'};
                const native = posts.filter((p) => p.user_id === ctx.admin.user.id).map((p) => view(p, names));
                const tripwire = posts.filter((p) => p.user_id === bot.id).map((p) => view(p, names));
                const insane = shape.check?.(native);
                check(!insane, `shape ${shape.id} did not test what it means to: ${insane}`);
                if (shape.nativeCrashes) {
                    observed.push({shape: shape.id, field: 'posts', native: 'the server crashes', tripwire: tripwire.length});
                } else if (native.length !== tripwire.length) {
                    observed.push({shape: shape.id, field: 'posts', native: native.length, tripwire: tripwire.length});
                } else {
                    for (let i = 0; i < native.length; i++) for (const d of differences(native[i], tripwire[i])) observed.push({shape: shape.id, ...d});
                }
                summary.push(`${shape.id}:${native.length}/${tripwire.length}`);
            }
        } finally {
            if (overrides) await setOverrides(ctx, false);
        }

        // Every difference is in the table; every table row naming shapes still describes one.
        const listed = (o) => table.some((r) => (r.shapes === '*' || r.shapes?.has(o.shape)) && r.fields.includes(o.field));
        const unlisted = observed.filter((o) => !listed(o));
        const brief = (v) => (typeof v === 'string' && v.length > 120 ? `${v.slice(0, 120)}…` : JSON.stringify(v));
        check(
            unlisted.length === 0,
            `differences not in the README table (${unlisted.length}):\n  ${unlisted.map((o) => `${o.shape} ${o.field}: native ${brief(o.native)} | Tripwire ${brief(o.tripwire)}`).join('\n  ')}`,
        );
        const filtered = Boolean(process.env.E2E_SHAPES);
        const stale = table.filter((r) => !filtered && r.shapes !== null && !observed.some((o) => (r.shapes === '*' || r.shapes.has(o.shape)) && r.fields.includes(o.field)));
        check(stale.length === 0, `README table rows that no shape shows any more:\n  ${stale.map((r) => r.row).join('\n  ')}`);
        const unknownShapes = table.flatMap((r) => (r.shapes instanceof Set ? [...r.shapes].filter((s) => !SHAPES.some((x) => x.id === s)) : []));
        check(unknownShapes.length === 0, `README table names shapes this test does not have: ${unknownShapes.join(', ')}`);
        return `${SHAPES.length} shapes (posts native/Tripwire: ${summary.join(' ')}); ${observed.length} differences, all in the README table`;
    });
}

/** The posts after the trigger (not the trigger itself), once nothing new has arrived for a while. */
async function settledPostsAfter(ctx, channelId, trigger) {
    let last = '';
    let stableSince = Date.now();
    const started = Date.now();
    for (;;) {
        const list = await ctx.bob.client.getPostsSince(channelId, trigger.create_at);
        const posts = list.order.map((id) => list.posts[id]).filter((p) => p.id !== trigger.id && p.create_at >= trigger.create_at);
        posts.sort((a, b) => a.create_at - b.create_at || a.id.localeCompare(b.id));
        const key = posts.map((p) => p.id).join();
        if (key !== last) {
            last = key;
            stableSince = Date.now();
        } else if (Date.now() - stableSince >= 600) {
            return posts;
        }
        if (Date.now() - started > 10_000) return posts;
        await sleep(100);
    }
}

export const replyParityScenarios = [{name: 'reply parity: native outgoing webhook vs compat rule, reply shape by shape', run: replyParity}];
