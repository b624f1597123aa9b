// Scenarios for the conformance plugin (server/test/conformance/plugin.ts): the first milestone of issue 9.
// A user's post reaches MessageHasBeenPosted in the TypeScript plugin, whose CreatePost reply (as its bot, in the
// post's thread) is then visible to other members through the REST API.
import {waitForReply} from '../lib/fixtures.mjs';

async function echoScenario(ctx, {author, reader, channel, text}) {
    const bot = await ctx.admin.client.getUserByUsername('conformance-bot');
    if (!bot.is_bot) throw new Error('conformance-bot is not a bot account');
    const root = await author.client.createPost({channel_id: channel.id, message: `echo ${text}`});
    const {post, ms} = await waitForReply(reader.client, root.id, (p) => p.user_id === bot.id);
    if (post.message !== `echo: ${text}`) throw new Error(`reply is ${JSON.stringify(post.message)}, expected ${JSON.stringify(`echo: ${text}`)}`);
    if (post.root_id !== root.id) throw new Error(`reply root_id ${post.root_id} is not the post ${root.id}`);
    if (post.props?.from_conformance !== true) throw new Error(`reply props lack from_conformance: ${JSON.stringify(post.props)}`);
    return `reply after ${ms} ms`;
}

export const conformanceScenarios = [
    {
        name: 'public channel: alice posts "echo hi", bob sees the reply "echo: hi"',
        run: (ctx) => echoScenario(ctx, {author: ctx.alice, reader: ctx.bob, channel: ctx.publicChannel, text: 'hi'}),
    },
    {
        name: 'private channel: bob posts "echo from the private side", alice sees the reply',
        run: (ctx) => echoScenario(ctx, {author: ctx.bob, reader: ctx.alice, channel: ctx.privateChannel, text: 'from the private side'}),
    },
    {
        name: 'a post without the trigger gets no reply',
        run: async (ctx) => {
            const root = await ctx.alice.client.createPost({channel_id: ctx.publicChannel.id, message: 'no trigger here'});
            // The echo scenarios above answered within milliseconds; 1.5 s of silence is a clear negative.
            await new Promise((resolve) => setTimeout(resolve, 1500));
            const thread = await ctx.bob.client.getPostThread(root.id);
            const replies = thread.order.filter((id) => id !== root.id);
            if (replies.length) throw new Error(`unexpected replies: ${JSON.stringify(replies.map((id) => thread.posts[id].message))}`);
            return 'no reply after 1500 ms';
        },
    },
];
