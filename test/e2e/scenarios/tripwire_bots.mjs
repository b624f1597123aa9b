// A rule that posts as a bot of its own (issue 18), in the real server: the guardrail refuses it while off; once on,
// Mattermost's bot API makes the account (name, display name, avatar), a real user's post gets its reply from that
// bot, and deleting the rule deactivates the bot while its reply stays.
import {setTimeout as sleep} from 'node:timers/promises';
import {json, withReceiver} from '../lib/receiver.mjs';
import {allowHosts, call, check, expectStatus, makeChannel, PLUGIN_ID, ruleSpec} from '../lib/tripwire.mjs';

/** A real 1×1 PNG: Mattermost decodes and re-encodes avatars, so it must be an image, not just a signature. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

async function mattermostGet(ctx, path) {
    const res = await fetch(`${ctx.siteURL}/api/v4${path}`, {headers: {Authorization: `Bearer ${ctx.admin.client.getToken()}`}, signal: AbortSignal.timeout(15_000)});
    const text = await res.text();
    check(res.ok, `GET /api/v4${path}: ${res.status} ${text}`);
    return JSON.parse(text);
}

async function waitForChannelPost(client, channelId, match, timeoutMs = 15_000) {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
        const list = await client.getPosts(channelId);
        const post = list.order.map((id) => list.posts[id]).find(match);
        if (post) return {post, ms: Date.now() - started};
        await sleep(50);
    }
    throw new Error(`no matching post in ${channelId} within ${timeoutMs / 1000} s`);
}

async function ruleBot(ctx) {
    return withReceiver({}, async (receiver) => {
        const before = await allowHosts(ctx, ['127.0.0.1']);
        receiver.respond(() => json({text: 'shipped, says the rule bot'}));
        const channel = await makeChannel(ctx, {name: 'tw-rule-bot'});
        const username = `ship-bot-${Date.now().toString(36)}`;
        const spec = ruleSpec(ctx, {
            name: 'ship',
            channels: [channel],
            trigger: {mode: 'exact', words: ['ship']},
            endpoint: {url: `${receiver.url}/ship`},
            bot: {username, display_name: 'Ship It', icon: PNG},
        });
        if (!before.allow_rule_bots) {
            const refused = await call(ctx, ctx.alice, 'POST', '/rules', spec);
            check(refused.status === 400 && String(refused.body?.error?.fields?.bot).includes('allow_rule_bots'), `a rule bot while the guardrail is off: ${refused.status} ${refused.text.slice(0, 300)}`);
        }
        await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {allow_rule_bots: true}, 200);
        try {
            const rule = await expectStatus(ctx, ctx.alice, 'POST', '/rules', spec, 201);
            const botId = rule.botUserId;
            const bot = await mattermostGet(ctx, `/bots/${botId}`);
            check(bot.username === username && bot.display_name === 'Ship It' && bot.owner_id === PLUGIN_ID && bot.delete_at === 0, `the rule's bot: ${JSON.stringify(bot)}`);
            const user = await ctx.admin.client.getUser(botId);
            check(user.is_bot && user.last_picture_update > 0, `the bot user has no avatar set: ${JSON.stringify({is_bot: user.is_bot, last_picture_update: user.last_picture_update})}`);

            await ctx.bob.client.createPost({channel_id: channel.id, message: 'ship it'});
            const {post: reply, ms} = await waitForChannelPost(ctx.alice.client, channel.id, (p) => p.props?.tripwire_rule_id === rule.id);
            check(reply.user_id === botId && reply.message === 'shipped, says the rule bot', `reply by ${reply.user_id} (rule bot ${botId}): ${JSON.stringify(reply.message)}`);

            await expectStatus(ctx, ctx.alice, 'DELETE', `/rules/${rule.id}`, undefined, 204);
            const retired = await mattermostGet(ctx, `/bots/${botId}?include_deleted=true`);
            check(retired.delete_at > 0, `the bot after its rule was deleted: ${JSON.stringify(retired)}`);
            const kept = await ctx.alice.client.getPost(reply.id);
            check(kept.user_id === botId && !kept.delete_at, `the bot's reply after the rule was deleted: ${JSON.stringify(kept)}`);
            return `reply from @${username} after ${ms} ms; bot deactivated with the rule, its post kept`;
        } finally {
            await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {allow_rule_bots: before.allow_rule_bots}, 200);
        }
    });
}

export const tripwireBotScenarios = [{name: "rule bot: the reply comes from the rule's own bot, which its deletion deactivates", run: ruleBot}];
