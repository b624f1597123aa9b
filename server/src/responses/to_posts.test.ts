import {responseOptionsSchema, type ReplyTarget} from '@tripwire/common';

import {parseReply} from './parse';
import {goPrintV, MAX_POST_RUNES, replyToDrafts, splitRunes, type DraftContext} from './to_posts';

const target = (overrides: Partial<ReplyTarget> = {}): ReplyTarget => ({
    rule_id: 'rule1',
    rule_name: 'Deploys',
    delivery_id: 'd1',
    channel_id: 'chan1',
    trigger_post_id: 'post2',
    thread_root_id: 'post2',
    trigger_in_thread: false,
    user_id: 'user1',
    triggered_at: 1_000_000,
    hops: 0,
    response: responseOptionsSchema.parse({}),
    ...overrides,
});
const ctx = (overrides: Partial<DraftContext> = {}): DraftContext => ({
    botUserId: 'bot1',
    allowUsernameOverride: false,
    allowIconOverride: false,
    now: 1_000_500,
    source: 'response',
    ...overrides,
});

function drafts(body: unknown, t = target(), c = ctx()) {
    const parsed = parseReply({body: Buffer.from(JSON.stringify(body)), truncated: false});
    if (parsed.kind !== 'reply') throw new Error(`not a reply: ${JSON.stringify(parsed)}`);
    return replyToDrafts(parsed.reply, t, c);
}

describe('replyToDrafts', () => {
    it('posts a new post in the channel as the bot, with webhook props and the next hop count', () => {
        expect(drafts({text: 'hello'}, target({hops: 1}))).toEqual({
            kind: 'drafts',
            drafts: {
                delayed: false,
                ephemerals: [],
                posts: [
                    {
                        channel_id: 'chan1',
                        user_id: 'bot1',
                        message: 'hello',
                        props: {from_webhook: 'true', webhook_display_name: 'Deploys', tripwire_rule_id: 'rule1', tripwire_delivery_id: 'd1', tripwire_hops: 2},
                    },
                ],
            },
        });
    });

    it('replies in the real thread for comment, also when the trigger was itself a reply', () => {
        const r = drafts({text: 'in thread', response_type: 'comment'}, target({trigger_post_id: 'reply9', thread_root_id: 'root1', trigger_in_thread: true}));
        expect(r.kind === 'drafts' && r.drafts.posts[0]!.root_id).toBe('root1');
    });

    it('puts every reply where the rule says when it chose (thread or channel), whatever the response_type', () => {
        const withPlacement = (reply_to: 'thread' | 'channel' | 'service') => target({response: responseOptionsSchema.parse({reply_to})});
        const root = (body: unknown, t: ReplyTarget) => {
            const r = drafts(body, t);
            return r.kind === 'drafts' ? r.drafts.posts.map((p) => p.root_id ?? '') : null;
        };
        expect(root({text: 'a', response_type: 'in_channel'}, withPlacement('thread'))).toEqual(['post2']);
        expect(root({text: 'a'}, withPlacement('thread'))).toEqual(['post2']);
        expect(root({text: 'a', response_type: 'comment'}, withPlacement('channel'))).toEqual(['']);
        expect(root({text: 'a', response_type: 'comment'}, withPlacement('service'))).toEqual(['post2']);
        expect(root({text: 'a'}, withPlacement('service'))).toEqual(['']);
        // extra_responses follow the same choice
        expect(root({text: 'a', response_type: 'comment', extra_responses: [{text: 'b', response_type: 'comment'}]}, withPlacement('channel'))).toEqual(['', '']);
    });

    it('keeps ephemeral replies ephemeral and stale delayed replies in the thread whatever the placement', () => {
        const t = target({response: responseOptionsSchema.parse({reply_to: 'channel', stale_after_seconds: 1}), triggered_at: 0});
        const r = drafts({text: 'late'}, t, ctx({now: 10_000}));
        expect(r.kind === 'drafts' && r.drafts.posts[0]!.root_id).toBe('post2');
        const e = drafts({text: 'you', response_type: 'ephemeral'}, target({response: responseOptionsSchema.parse({reply_to: 'thread'})}));
        expect(e.kind === 'drafts' && [e.drafts.posts.length, e.drafts.ephemerals.length]).toEqual([0, 1]);
    });

    it('sends ephemeral replies to the triggering user only, in the thread when the trigger was in one', () => {
        const r = drafts({text: 'just you', response_type: 'ephemeral'}, target({thread_root_id: 'root1', trigger_in_thread: true}));
        expect(r).toMatchObject({kind: 'drafts', drafts: {posts: [], ephemerals: [{user_id: 'user1', post: {message: 'just you', root_id: 'root1', user_id: 'bot1'}}]}});
    });

    it('posts extra_responses after the main one, each where it asks', () => {
        const r = drafts({text: 'main', extra_responses: [{text: 'second', response_type: 'comment'}, {text: 'private', response_type: 'ephemeral'}]});
        expect(r.kind === 'drafts' && r.drafts.posts.map((p) => [p.message, p.root_id])).toEqual([
            ['main', undefined],
            ['second', 'post2'],
        ]);
        expect(r.kind === 'drafts' && r.drafts.ephemerals.map((e) => e.post.message)).toEqual(['private']);
    });

    it('translates Slack markup unless skip_slack_parsing', () => {
        const translated = drafts({text: '<!here> <https://x.io|see>'});
        const raw = drafts({text: '<!here> <https://x.io|see>', skip_slack_parsing: true});
        expect(translated.kind === 'drafts' && translated.drafts.posts[0]!.message).toBe('@here [see](https://x.io)');
        expect(raw.kind === 'drafts' && raw.drafts.posts[0]!.message).toBe('<!here> <https://x.io|see>');
    });

    it('applies username and icon overrides only when Mattermost allows them', () => {
        const body = {text: 'x', username: 'ci-bot', icon_url: 'https://x/i.png'};
        const off = drafts(body);
        const on = drafts(body, target(), ctx({allowUsernameOverride: true, allowIconOverride: true}));
        expect(off.kind === 'drafts' && off.drafts.posts[0]!.props).not.toHaveProperty('override_username');
        expect(on.kind === 'drafts' && on.drafts.posts[0]!.props).toMatchObject({override_username: 'ci-bot', override_icon_url: 'https://x/i.png'});
        const fallback = drafts({text: 'x'}, target({response: responseOptionsSchema.parse({username: 'Deploy bot'})}), ctx({allowUsernameOverride: true}));
        expect(fallback.kind === 'drafts' && fallback.drafts.posts[0]!.props!.override_username).toBe('Deploy bot');
    });

    it('never lets a reply spoof server-set props', () => {
        const r = drafts({text: 'x', props: {from_webhook: 'false', override_username: 'admin', tripwire_hops: 0, card: 'md', attachments: 'not typed'}});
        expect(r.kind === 'drafts' && r.drafts.posts[0]!.props).toMatchObject({from_webhook: 'true', tripwire_hops: 1, card: 'md'});
        expect(r.kind === 'drafts' && r.drafts.posts[0]!.props).not.toHaveProperty('override_username');
        // CreateWebhookPost takes a props `attachments` only as typed attachments, which JSON never gives it.
        expect(r.kind === 'drafts' && r.drafts.posts[0]!.props).not.toHaveProperty('attachments');
    });

    it('turns attachments into props with the slack_attachment type, stringified fields and action ids', () => {
        const r = drafts({attachments: [{text: '<!channel>', fields: [{title: 'n', value: 3}], actions: [{name: 'Go', integration: {url: 'https://svc/act'}}]}]});
        expect(r.kind === 'drafts' && r.drafts.posts[0]).toMatchObject({
            type: 'slack_attachment',
            message: '',
            props: {attachments: [{text: '@channel', fields: [{title: 'n', value: '3', short: false}], actions: [{id: 'tw0a0', name: 'Go'}]}]},
        });
    });

    it('keeps priority on root posts and thread replies (CreateWebhookPost does), not on ephemeral posts', () => {
        const root = drafts({text: 'x', priority: {priority: 'urgent', requested_ack: true}});
        const comment = drafts({text: 'x', response_type: 'comment', priority: {priority: 'urgent'}});
        const ephemeral = drafts({text: 'x', response_type: 'ephemeral', priority: {priority: 'urgent'}});
        expect(root.kind === 'drafts' && root.drafts.posts[0]!.metadata).toEqual({priority: {priority: 'urgent', requested_ack: true}});
        expect(comment.kind === 'drafts' && comment.drafts.posts[0]).toMatchObject({root_id: 'post2', metadata: {priority: {priority: 'urgent'}}});
        expect(ephemeral.kind === 'drafts' && ephemeral.drafts.ephemerals[0]!.post).not.toHaveProperty('metadata');
    });

    it('accepts an mm_blocks-only reply but not an empty one', () => {
        expect(drafts({props: {mm_blocks: [{type: 'text', text: 'hi'}]}}).kind).toBe('drafts');
        expect(drafts({username: 'x'})).toEqual({kind: 'none', reason: 'the reply has no text, attachments or mm_blocks'});
    });

    describe('stale replies', () => {
        const late = ctx({now: 1_000_000 + 10 * 60_000});
        const withAction = (stale_action: 'post' | 'thread' | 'drop') => target({response: responseOptionsSchema.parse({stale_after_seconds: 60, stale_action})});

        it('posts as a delayed thread reply', () => {
            const r = drafts({text: 'ok'}, withAction('thread'), late);
            expect(r).toMatchObject({kind: 'drafts', drafts: {delayed: true, posts: [{root_id: 'post2', message: '_Delayed reply (10 min after the trigger)_\nok', props: {tripwire_delayed: true}}]}});
        });

        it('drops', () => {
            expect(drafts({text: 'ok'}, withAction('drop'), late)).toEqual({kind: 'dropped', reason: 'stale: the reply came 600 s after the trigger'});
        });

        it('posts normally when asked, and never judges response_url replies stale', () => {
            const post = drafts({text: 'ok'}, withAction('post'), late);
            expect(post.kind === 'drafts' && post.drafts.posts[0]).toMatchObject({message: 'ok'});
            const viaUrl = drafts({text: 'ok'}, withAction('drop'), {...late, source: 'response_url'});
            expect(viaUrl.kind).toBe('drafts');
        });
    });

    it('splits a reply longer than a post can hold, attachments on the last part', () => {
        const long = 'word '.repeat(4000);
        const r = drafts({text: long, attachments: [{text: 'a'}]});
        expect(r.kind === 'drafts' && r.drafts.posts.map((p) => [Array.from(p.message).length <= MAX_POST_RUNES, Boolean(p.props!.attachments)])).toEqual([
            [true, false],
            [true, true],
        ]);
    });
});

// Native parity, each case from Mattermost 11.4's app/webhook.go TriggerWebhook / CreateWebhookPost / splitWebhookPost
// and app/slack.go ProcessSlackAttachments (server v8 3321db82c3e7).
describe('replyToDrafts: native parity', () => {
    const first = (r: ReturnType<typeof drafts>) => (r.kind === 'drafts' ? r.drafts.posts[0]! : undefined);

    it('posts when text is present but empty (webhookResp.Text != nil)', () => {
        expect(first(drafts({text: ''}))).toMatchObject({message: ''});
    });

    it('posts when the attachments list is not empty, even if every attachment is null (the check comes before the nulls go)', () => {
        const post = first(drafts({attachments: [null]}));
        expect(post).toMatchObject({message: ''});
        expect(post!.props).not.toHaveProperty('attachments');
        expect(post!.type).toBeUndefined();
    });

    it('threads only on the exact lowercase "comment", like OutgoingHookResponseTypeComment', () => {
        expect(first(drafts({text: 'x', response_type: 'Comment'}))!.root_id).toBeUndefined();
        expect(first(drafts({text: 'x', response_type: 'comment'}))!.root_id).toBe('post2');
    });

    it('falls back to "webhook" as the username when overrides are on and nobody names one; nothing when off', () => {
        expect(first(drafts({text: 'x'}, target(), ctx({allowUsernameOverride: true})))!.props).toMatchObject({override_username: 'webhook'});
        expect(first(drafts({text: 'x', username: 'u'}, target(), ctx({allowUsernameOverride: false})))!.props).not.toHaveProperty('override_username');
        // The icon has no default: only the reply's or the rule's.
        expect(first(drafts({text: 'x'}, target(), ctx({allowIconOverride: true})))!.props).not.toHaveProperty('override_icon_url');
        const ruleIcon = target({response: responseOptionsSchema.parse({icon_url: 'https://x/rule.png'})});
        expect(first(drafts({text: 'x'}, ruleIcon, ctx({allowIconOverride: true})))!.props).toMatchObject({override_icon_url: 'https://x/rule.png'});
        expect(first(drafts({text: 'x', icon_url: 'https://x/r.png'}, ruleIcon, ctx({allowIconOverride: true})))!.props).toMatchObject({override_icon_url: 'https://x/r.png'});
    });

    it('processes attachments as ProcessSlackAttachments + ParseSlackAttachment', () => {
        const post = first(
            drafts({
                attachments: [
                    {
                        pretext: '<!here> <https://p|pre>',
                        title: '<!channel> <https://t|not a link in a title>',
                        text: '<https://x|two\nlines>',
                        fields: [null, {title: '<!all>', value: 1000000}, {title: 'b', value: true}, {title: 'l', value: '<https://v|v>'}, {title: 'none'}],
                    },
                ],
            }),
        );
        expect(post!.props!.attachments).toEqual([
            {
                pretext: '@here [pre](https://p)',
                title: '@channel <https://t|not a link in a title>',
                text: '[two\nlines](https://x)',
                // Field titles are not processed; values are Go's %v of what encoding/json decoded.
                fields: [
                    {title: '<!all>', value: '1e+06', short: false},
                    {title: 'b', value: 'true', short: false},
                    {title: 'l', value: '[v](https://v)', short: false},
                    // A missing value stays null (Go's nil interface).
                    {title: 'none', value: null, short: false},
                ],
            },
        ]);
        expect(post!.type).toBe('slack_attachment');
    });

    it('splits every 16383 runes, with props, type and priority on every part and the attachments on the last', () => {
        const text = 'x'.repeat(MAX_POST_RUNES) + 'y'.repeat(10);
        const r = drafts({text, type: 'custom_ci', props: {card: 'c'}, priority: {priority: 'important'}, attachments: [{text: 'a'}]});
        const posts = r.kind === 'drafts' ? r.drafts.posts : [];
        expect(posts.map((p) => [p.message.length, p.type, p.props!.card, p.metadata?.priority.priority, Boolean(p.props!.attachments)])).toEqual([
            [MAX_POST_RUNES, 'custom_ci', 'c', 'important', false],
            [10, 'custom_ci', 'c', 'important', true],
        ]);
    });
});

describe('goPrintV', () => {
    it.each([
        [3, '3'],
        [1.5, '1.5'],
        [123456, '123456'],
        [1000000, '1e+06'],
        [1234567, '1.234567e+06'],
        [0.0001, '0.0001'],
        [0.00001, '1e-05'],
        [-2.5e-7, '-2.5e-07'],
        [1e21, '1e+21'],
        [true, 'true'],
        ['s', 's'],
    ])('%p → %s (fmt.Sprintf("%%v") of a decoded JSON value)', (value, printed) => {
        expect(goPrintV(value)).toBe(printed);
    });
});

describe('splitRunes', () => {
    it('counts code points, not UTF-16 units, and keeps every character (exact cuts, like splitWebhookPost)', () => {
        const text = '😀'.repeat(10);
        const parts = splitRunes(text, 4);
        expect(parts.map((p) => Array.from(p).length)).toEqual([4, 4, 2]);
        expect(parts.join('')).toBe(text);
    });
});
