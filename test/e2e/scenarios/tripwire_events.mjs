// Issue 18: rule events beyond typed messages, in the real server. Real users react, upload a file without text, join
// and leave; Mattermost calls ReactionHasBeenAdded, MessageHasBeenPosted and UserHasJoinedChannel/UserHasLeftChannel;
// the receiver shows what each rule sent.
import {setTimeout as sleep} from 'node:timers/promises';
import {withReceiver} from '../lib/receiver.mjs';
import {allowHosts, check, expectStatus, makeChannel, ruleSpec} from '../lib/tripwire.mjs';

const bodies = (receiver, path) => receiver.requests.filter((r) => r.path === path).map((r) => JSON.parse(r.text));

/** alice reacts with :smile: then :ticket: to bob's post; the rule wants :ticket: only. */
async function reaction(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        const channel = await makeChannel(ctx, {name: 'tw-reactions'});
        // A compat endpoint: native hooks only know posts, so a reaction goes out in the rich body.
        await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name: 'ticket reactions', channels: [channel], trigger: {mode: 'any'}, events: ['reaction_added'], emoji: ['ticket'], endpoint: {url: `${receiver.url}/reactions`, payload: 'compat'}}),
            201,
        );
        const post = await ctx.bob.client.createPost({channel_id: channel.id, message: 'the printer is on fire'});
        await ctx.alice.client.addReaction(ctx.alice.user.id, post.id, 'smile');
        await ctx.alice.client.addReaction(ctx.alice.user.id, post.id, 'ticket');
        await receiver.waitFor((r) => r.path === '/reactions', 1, 15_000, 'the reaction delivery');
        await sleep(500); // a delivery for :smile: (or for bob's post) would show up by now
        const got = bodies(receiver, '/reactions');
        check(got.length === 1, `expected one delivery (for :ticket:), got ${got.length}: ${JSON.stringify(got.map((b) => b.reaction))}`);
        const [body] = got;
        check(body.event_type === 'reaction_added', `event_type ${JSON.stringify(body.event_type)}`);
        check(body.reaction?.emoji_name === 'ticket' && body.reaction?.post_user_id === ctx.bob.user.id, `reaction ${JSON.stringify(body.reaction)}`);
        check(body.post_id === post.id && body.text === 'the printer is on fire', `reacted post ${body.post_id} ${JSON.stringify(body.text)}, expected ${post.id}`);
        check(body.user_id === ctx.alice.user.id && body.user_name === ctx.alice.user.username, `reacting user ${body.user_id} ${body.user_name}, expected alice`);
        return `reaction_added :${body.reaction.emoji_name}: by ${body.user_name} on ${body.post_id}`;
    });
}

/** alice uploads a file and posts it with no text; the rule wants text files. */
async function fileWithoutText(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        const channel = await makeChannel(ctx, {name: 'tw-files'});
        await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {
                name: 'text files',
                channels: [channel],
                trigger: {mode: 'any'},
                conditions: [{type: 'has_files', mimeTypes: ['text/*']}],
                endpoint: {url: `${receiver.url}/files`, payload: 'rich'},
            }),
            201,
        );
        const form = new FormData();
        form.append('channel_id', channel.id);
        form.append('files', new Blob(['a,b\n1,2\n'], {type: 'text/csv'}), 'numbers.csv');
        const uploaded = await ctx.alice.client.uploadFile(form);
        const info = uploaded.file_infos[0];
        const post = await ctx.alice.client.createPost({channel_id: channel.id, message: '', file_ids: [info.id]});
        await ctx.alice.client.createPost({channel_id: channel.id, message: 'no file here'});
        await receiver.waitFor((r) => r.path === '/files', 1, 15_000, 'the file post delivery');
        await sleep(500);
        const got = bodies(receiver, '/files');
        check(got.length === 1, `expected one delivery (the file post), got ${got.length}`);
        const [body] = got;
        check(body.post_id === post.id && body.text === '' && body.file_ids === info.id, `post ${body.post_id} text ${JSON.stringify(body.text)} file_ids ${body.file_ids}`);
        const [file] = body.files ?? [];
        check(
            body.files?.length === 1 && file.id === info.id && file.name === 'numbers.csv' && file.mime_type.startsWith('text/csv') && file.size === info.size,
            `files ${JSON.stringify(body.files)}, expected numbers.csv (${info.id}, ${info.size} bytes)`,
        );
        check(!('content' in file) && !('data' in file), `file metadata carries content: ${JSON.stringify(file)}`);
        return `file post without text: ${file.name} ${file.mime_type} ${file.size} B`;
    });
}

/** bob joins the channel by himself; alice removes him. */
async function joinAndLeave(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        const channel = await makeChannel(ctx, {name: 'tw-joins', members: []});
        const rule = (name, event) =>
            expectStatus(ctx, ctx.alice, 'POST', '/rules', ruleSpec(ctx, {name, channels: [channel], trigger: {mode: 'any'}, events: [event], endpoint: {url: `${receiver.url}/${event}`, payload: 'rich'}}), 201);
        await rule('welcome', 'user_joined');
        await rule('goodbye', 'user_left');
        await ctx.bob.client.addToChannel(ctx.bob.user.id, channel.id);
        const [joined] = await receiver.waitFor((r) => r.path === '/user_joined', 1, 15_000, 'the join delivery');
        await ctx.alice.client.removeFromChannel(ctx.bob.user.id, channel.id);
        const [left] = await receiver.waitFor((r) => r.path === '/user_left', 1, 15_000, 'the leave delivery');
        const [j, l] = [JSON.parse(joined.text), JSON.parse(left.text)];
        check(j.event_type === 'user_joined' && j.user_id === ctx.bob.user.id && j.channel_id === channel.id, `join ${j.event_type} user ${j.user_id} channel ${j.channel_id}`);
        check(j.actor === null, `bob joined by himself, but actor is ${JSON.stringify(j.actor)}`);
        check(l.event_type === 'user_left' && l.user_id === ctx.bob.user.id, `leave ${l.event_type} user ${l.user_id}`);
        check(l.actor?.id === ctx.alice.user.id && l.actor?.username === ctx.alice.user.username, `alice removed bob, but actor is ${JSON.stringify(l.actor)}`);
        await sleep(500);
        check(bodies(receiver, '/user_joined').length === 1 && bodies(receiver, '/user_left').length === 1, 'a membership was delivered twice');
        return `user_joined ${j.user_name} (by himself), user_left ${l.user_name} (removed by ${l.actor.username})`;
    });
}

export const tripwireEventScenarios = [
    {name: 'events: alice reacts with :ticket:, the receiver gets reaction_added with the post and who reacted', run: reaction},
    {name: 'events: alice posts a file without text, the receiver gets its metadata', run: fileWithoutText},
    {name: 'events: bob joins the channel and is removed, the receiver gets user_joined and user_left with the actor', run: joinAndLeave},
];
