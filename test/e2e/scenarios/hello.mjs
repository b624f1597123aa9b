// Scenarios for examples/hello, the SDK's example plugin (31 lines on @tripwire/sdk), in the real server: its
// /hello slash command through Mattermost's /commands/execute, its "pong" to a "ping", its HTTP route.
import {waitForReply} from '../lib/fixtures.mjs';

function check(condition, message) {
    if (!condition) throw new Error(message);
}

export const helloScenarios = [
    {
        name: '/hello answers the caller by username',
        run: async (ctx) => {
            const res = await ctx.alice.client.executeCommand('/hello', {channel_id: ctx.publicChannel.id, team_id: ctx.team.id});
            const me = await ctx.alice.client.getMe();
            check(res.text === `Hello, @${me.username}!`, `/hello said ${JSON.stringify(res)}`);
        },
    },
    {
        name: 'alice posts "ping", bob sees the bot\'s "pong" in its thread',
        run: async (ctx) => {
            const bot = await ctx.admin.client.getUserByUsername('hello-bot');
            check(bot.is_bot, 'hello-bot is not a bot account');
            const root = await ctx.alice.client.createPost({channel_id: ctx.publicChannel.id, message: 'ping'});
            const {post, ms} = await waitForReply(ctx.bob.client, root.id, (p) => p.user_id === bot.id);
            check(post.message === 'pong' && post.root_id === root.id, `reply ${JSON.stringify(post.message)} in ${post.root_id}, expected "pong" in ${root.id}`);
            return `pong after ${ms} ms`;
        },
    },
    {
        name: 'GET /plugins/hello/hello answers with the signed-in user, anonymous without a session',
        run: async (ctx) => {
            const get = (headers) => fetch(`${ctx.siteURL}/plugins/${ctx.pluginId}/hello`, {headers, signal: AbortSignal.timeout(10_000)});
            const signedIn = await get({Authorization: `Bearer ${ctx.bob.client.getToken()}`});
            const me = await ctx.bob.client.getMe();
            const body = await signedIn.json();
            check(signedIn.status === 200 && body.hello === me.id, `signed in: ${signedIn.status} ${JSON.stringify(body)}`);
            const anonymous = await get({});
            const anonBody = await anonymous.json();
            check(anonymous.status === 200 && anonBody.hello === 'anonymous', `anonymous: ${anonymous.status} ${JSON.stringify(anonBody)}`);
        },
    },
];
