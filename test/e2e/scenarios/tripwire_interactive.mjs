// Tripwire's end-to-end scenarios for personal rules in direct messages (the system admin's guardrail and every
// member's opt-in) and for interactive replies (buttons, `update`, a dialog opened by the plugin and its submission),
// acted out by real users through Mattermost's REST API and checked through Mattermost's REST API, Tripwire's REST
// API and, for the dialog Mattermost opens in the browser, the clicking user's websocket.
import {setTimeout as sleep} from 'node:timers/promises';
import standardwebhooks from 'standardwebhooks';
import {waitForReply} from '../lib/fixtures.mjs';
import {json, withReceiver} from '../lib/receiver.mjs';
import {allowHosts, carol, check, expectStatus, listen, makeChannel, ruleSpec, tripwireBot, waitForDeliveries} from '../lib/tripwire.mjs';

const {Webhook} = standardwebhooks;

/** Polls `probe` until it returns a truthy value; returns it, or throws with the last value seen. */
async function until(probe, timeoutMs, what) {
    const started = Date.now();
    let last;
    while (Date.now() - started < timeoutMs) {
        last = await probe();
        if (last) return last;
        await sleep(100);
    }
    throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

/**
 * The test bench's verdict on `ruleId` for `message` in `channelId`, as `person` sees it, compared with what the
 * scenario expects (`reason`, 'matched' for a match). The bench is a second opinion next to the real posts, so a
 * disagreement is collected in `problems` (reported at the end) rather than stopping the scenario.
 */
async function benchSays(ctx, person, channelId, ruleId, message, reason, problems) {
    const result = await expectStatus(ctx, person, 'POST', `/channels/${channelId}/test`, {message}, 200);
    const outcome = result.outcomes.find((o) => o.ruleId === ruleId);
    if (!outcome) {
        problems.push(`test bench (POST /channels/${channelId}/test as ${person.user.username}, "${message}"): rule ${ruleId} is not among the outcomes ${JSON.stringify(result.outcomes.map((o) => [o.ruleId, o.reason]))}, expected ${reason}`);
    } else if (outcome.reason !== reason) {
        problems.push(`test bench "${message}": ${outcome.reason} (${outcome.detail}), expected ${reason}`);
    }
}

/** Sets the DM guardrail and waits until the plugin's settings have it (OnConfigurationChange). */
async function setDirectRules(ctx, enabled) {
    const view = await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {dm_rules_enabled: enabled}, 200);
    check(view.dm_rules_enabled === enabled, `PUT /admin/guardrails answered dm_rules_enabled ${view.dm_rules_enabled}`);
    await until(async () => (await expectStatus(ctx, ctx.alice, 'GET', '/me', undefined, 200)).dm_rules_enabled === enabled, 10_000, `GET /me showing dm_rules_enabled ${enabled}`);
}

// How long a post that should not be delivered gets to show up at the receiver anyway. A delivery that does happen
// arrives within a few hundred ms here (measured and reported below).
const QUIET_MS = 2000;

// ---- personal rules in a direct message ----

async function directMessageRule(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        receiver.respond((req) => {
            const body = JSON.parse(req.text);
            return json({text: `pong for ${body.user_name}: ${body.text}`, response_type: 'comment'});
        });
        const before = await expectStatus(ctx, ctx.admin, 'GET', '/admin/guardrails', undefined, 200);
        const {alice, bob} = ctx;
        const dm = await alice.client.createDirectChannel([alice.user.id, bob.user.id]);
        check(dm.type === 'D', `createDirectChannel made a channel of type ${dm.type}`);
        const problems = [];
        const spec = {name: 'my pings', scope: {kind: 'direct', channelTypes: ['D']}, trigger: {mode: 'exact', words: ['ping']}, endpoints: [{id: 'recv', url: `${receiver.url}/dm`}]};
        try {
            // Off (the default): nobody may create a personal rule.
            if (before.dm_rules_enabled) await setDirectRules(ctx, false);
            await expectStatus(ctx, alice, 'POST', '/rules', spec, 403);

            await setDirectRules(ctx, true);
            const rule = await expectStatus(ctx, alice, 'POST', '/rules', spec, 201);
            check(rule.ownerId === alice.user.id && rule.scope.kind === 'direct', `rule owner ${rule.ownerId}, scope ${JSON.stringify(rule.scope)}`);
            const mine = await expectStatus(ctx, alice, 'GET', '/me/rules', undefined, 200);
            check(mine.rules.some((r) => r.id === rule.id), `GET /me/rules lacks the new rule: ${JSON.stringify(mine.rules.map((r) => r.id))}`);
            await expectStatus(ctx, bob, 'GET', `/rules/${rule.id}`, undefined, 404); // someone else's personal rule

            // alice consents everywhere; bob has said nothing yet; carol cannot consent for a conversation she is not in.
            const aliceOptIn = await expectStatus(ctx, alice, 'PUT', '/me/direct-opt-in', {all: true}, 200);
            check(aliceOptIn.all === true, `alice's opt-in: ${JSON.stringify(aliceOptIn)}`);
            const bobBefore = await expectStatus(ctx, bob, 'GET', '/me/direct-opt-in', undefined, 200);
            check(bobBefore.all === false && !bobBefore.channels[dm.id], `bob's opt-in before: ${JSON.stringify(bobBefore)}`);
            await expectStatus(ctx, await carol(ctx), 'PUT', '/me/direct-opt-in', {channel: {id: dm.id, opted_in: true}}, 404);

            await benchSays(ctx, alice, dm.id, rule.id, 'ping one', 'not_opted_in', problems);
            const first = await alice.client.createPost({channel_id: dm.id, message: 'ping one'});
            await sleep(QUIET_MS);
            check(receiver.requests.length === 0, `${receiver.requests.length} deliveries while bob had not opted in: ${receiver.requests.map((r) => r.text.slice(0, 120))}`);
            const quiet = await expectStatus(ctx, alice, 'GET', `/rules/${rule.id}/deliveries?per_page=100`, undefined, 200);
            check(quiet.entries.length === 0, `the delivery log has ${quiet.entries.length} entries while bob had not opted in`);

            // bob consents for this conversation only.
            const bobOptIn = await expectStatus(ctx, bob, 'PUT', '/me/direct-opt-in', {channel: {id: dm.id, opted_in: true}}, 200);
            check(bobOptIn.all === false && bobOptIn.channels[dm.id] === true, `bob's opt-in after: ${JSON.stringify(bobOptIn)}`);
            await benchSays(ctx, alice, dm.id, rule.id, 'ping two', 'matched', problems);

            const bot = await tripwireBot(ctx);
            const second = await alice.client.createPost({channel_id: dm.id, message: 'ping two'});
            const [req] = await receiver.waitFor((r) => JSON.parse(r.text).post_id === second.id, 1, 15_000, 'delivery of "ping two"');
            const latency = req.at - second.create_at;
            const body = JSON.parse(req.text);
            check(body.channel_id === dm.id && body.text === 'ping two' && body.user_id === alice.user.id, `payload: ${req.text}`);
            const {post: reply, ms} = await waitForReply(bob.client, second.id, (p) => p.user_id === bot.id);
            check(reply.channel_id === dm.id && reply.message === 'pong for alice: ping two', `bob sees reply ${JSON.stringify(reply.message)} in ${reply.channel_id}`);
            check(reply.props?.tripwire_rule_id === rule.id, `reply props: ${JSON.stringify(reply.props)}`);
            await waitForReply(alice.client, second.id, (p) => p.id === reply.id, 5000);
            const page = await waitForDeliveries(ctx, alice, rule.id, (es) => es.some((e) => e.post_id === second.id && e.status === 'succeeded'), 10_000, 'succeeded entry');
            check(page.entries.every((e) => e.post_id === second.id), `the log has entries for other posts: ${JSON.stringify(page.entries.map((e) => e.post_id))}`);

            // The system admin turns DM rules off: the rule stays, enabled, and does nothing.
            await setDirectRules(ctx, false);
            const stored = await expectStatus(ctx, alice, 'GET', `/rules/${rule.id}`, undefined, 200);
            check(stored.enabled === true, `the rule is ${stored.enabled ? 'enabled' : 'disabled'} after the guardrail went off`);
            await benchSays(ctx, alice, dm.id, rule.id, 'ping three', 'direct_disabled', problems);
            const third = await alice.client.createPost({channel_id: dm.id, message: 'ping three'});
            await sleep(QUIET_MS);
            const delivered = receiver.requests.map((r) => JSON.parse(r.text).post_id);
            check(delivered.length === 1 && delivered[0] === second.id, `deliveries for posts ${JSON.stringify(delivered)}; expected only "ping two" (${second.id}), not "ping one" (${first.id}) nor "ping three" (${third.id})`);
            const replies = (await bob.client.getPostThread(third.id)).order.length - 1;
            check(replies === 0, `${replies} replies to "ping three" with the guardrail off`);
            check(problems.length === 0, `the posts behaved, but:\n    ${problems.join('\n    ')}`);
            return `no delivery before bob opted in; delivered ${latency} ms after the post, reply in the DM after ${ms} ms; guardrail off: nothing; the test bench agrees`;
        } finally {
            await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {dm_rules_enabled: before.dm_rules_enabled}, 200);
        }
    });
}

// ---- personal rules in a group message ----

/**
 * A group message's members come from Mattermost (GetChannelMembers): the rule fires once all three consented, the
 * last of them with `/tripwire consent here`.
 */
async function groupMessageRule(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        receiver.respond((req) => json({text: `ack ${JSON.parse(req.text).text}`, response_type: 'comment'}));
        const before = await expectStatus(ctx, ctx.admin, 'GET', '/admin/guardrails', undefined, 200);
        const {alice, bob} = ctx;
        const third = await carol(ctx);
        const gm = await alice.client.createGroupChannel([alice.user.id, bob.user.id, third.user.id]);
        check(gm.type === 'G', `createGroupChannel made a channel of type ${gm.type}`);
        const problems = [];
        const spec = {name: 'group pings', scope: {kind: 'direct', channelTypes: ['G']}, trigger: {mode: 'exact', words: ['gping']}, endpoints: [{id: 'recv', url: `${receiver.url}/gm`}]};
        try {
            await setDirectRules(ctx, true);
            const rule = await expectStatus(ctx, alice, 'POST', '/rules', spec, 201);
            for (const person of [alice, bob]) await expectStatus(ctx, person, 'PUT', '/me/direct-opt-in', {channel: {id: gm.id, opted_in: true}}, 200);

            // carol has not consented: nothing goes out.
            await benchSays(ctx, alice, gm.id, rule.id, 'gping one', 'not_opted_in', problems);
            const first = await alice.client.createPost({channel_id: gm.id, message: 'gping one'});
            await sleep(QUIET_MS);
            check(receiver.requests.length === 0, `${receiver.requests.length} deliveries before carol consented`);

            // carol consents with the slash command, through Mattermost's own /commands/execute.
            const said = await third.client.executeCommand('/tripwire consent here', {channel_id: gm.id, team_id: ctx.team.id});
            check(said.response_type === 'ephemeral' && said.text.includes('in this conversation **allowed**'), `/tripwire consent here answered ${JSON.stringify(said)}`);
            await benchSays(ctx, alice, gm.id, rule.id, 'gping two', 'matched', problems);
            const second = await alice.client.createPost({channel_id: gm.id, message: 'gping two'});
            const [req] = await receiver.waitFor((r) => JSON.parse(r.text).post_id === second.id, 1, 15_000, 'delivery of "gping two"');
            const body = JSON.parse(req.text);
            check(body.channel_id === gm.id && body.text === 'gping two', `payload: ${req.text}`);
            const bot = await tripwireBot(ctx);
            const {post: reply, ms} = await waitForReply(third.client, second.id, (p) => p.user_id === bot.id);
            check(reply.message === 'ack gping two', `carol sees reply ${JSON.stringify(reply.message)}`);
            const delivered = receiver.requests.map((r) => JSON.parse(r.text).post_id);
            check(!delivered.includes(first.id), `"gping one" (${first.id}) was delivered before carol consented`);
            check(problems.length === 0, `the posts behaved, but:\n    ${problems.join('\n    ')}`);
            return `no delivery until the third member consented; then delivered and answered in the group after ${ms} ms`;
        } finally {
            await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {dm_rules_enabled: before.dm_rules_enabled}, 200);
        }
    });
}

// ---- buttons, update and a dialog ----

async function buttonsAndDialog(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        const actionUrl = `${receiver.url}/actions`;
        const context = (action) => ({action, deploy: 42, nested: {env: 'sealed-env-7'}});
        receiver.respond((req) => {
            const body = JSON.parse(req.text);
            if (req.path === '/hook') {
                return json({
                    response_type: 'comment',
                    text: 'Deploy #42 needs approval',
                    attachments: [
                        {
                            text: 'billing-api to production',
                            actions: [
                                {id: 'approve', name: 'Approve', integration: {url: actionUrl, context: context('approve')}},
                                {id: 'details', name: 'Details', integration: {url: actionUrl, context: context('details')}},
                            ],
                        },
                    ],
                });
            }
            if (body.type === 'dialog_submission') {
                const reason = String(body.submission?.reason ?? '');
                return reason.length < 10 ? json({errors: {reason: `"${reason}" is too short: at least 10 characters`}}) : json({});
            }
            if (body.context?.action === 'approve') return json({update: {message: `Deploy #42 approved by @${body.user_name}`}});
            if (body.context?.action === 'details') {
                return json({
                    dialog: {
                        callback_id: 'deploy-42',
                        title: 'Deploy #42',
                        introduction_text: 'Why?',
                        submit_label: 'Send',
                        state: 'service-state-42',
                        elements: [{display_name: 'Reason', name: 'reason', type: 'text', min_length: 1}],
                    },
                });
            }
            return {status: 400, body: 'unexpected'};
        });
        const channel = await makeChannel(ctx, {name: 'tw-interactive'});
        const rule = await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name: 'deploy approvals', channels: [channel], trigger: {mode: 'exact', words: ['deploy']}, endpoint: {url: `${receiver.url}/hook`}}),
            201,
        );
        const {secret} = await expectStatus(ctx, ctx.alice, 'PUT', `/rules/${rule.id}/endpoints/recv/secret`, {}, 200);
        const verify = (req, what) => {
            try {
                new Webhook(secret).verify(req.text, {'webhook-id': req.headers['webhook-id'], 'webhook-timestamp': req.headers['webhook-timestamp'], 'webhook-signature': req.headers['webhook-signature']});
            } catch (err) {
                throw new Error(`${what}: standardwebhooks rejects the signature (${err.message}); headers ${JSON.stringify(req.headers)}`);
            }
        };
        const bot = await tripwireBot(ctx);
        const {alice, bob} = ctx;

        // The reply: buttons that point at the plugin, with the service's URL and context sealed away.
        const root = await bob.client.createPost({channel_id: channel.id, message: 'deploy billing-api'});
        const {post: reply} = await waitForReply(bob.client, root.id, (p) => p.user_id === bot.id);
        const actions = reply.props?.attachments?.[0]?.actions ?? [];
        check(actions.map((a) => a.id).join() === 'approve,details', `reply actions: ${JSON.stringify(actions)}`);
        // Mattermost strips `integration` from the posts it gives clients (Post.StripActionIntegrations), so REST cannot
        // show where a button points: the click below proves it (only the plugin signs, and the service URL is sealed).
        check(!JSON.stringify(reply).includes(receiver.url) && !JSON.stringify(reply).includes('sealed-env-7'), `the post members read shows the service URL or context: ${JSON.stringify(reply.props)}`);

        // 1. Approve: the service gets the signed click with its own context and answers with an update.
        const clickAt = receiver.requests.length;
        const approve = await bob.client.doPostAction(reply.id, 'approve');
        check(approve.status === 'OK' && approve.trigger_id, `POST /posts/{id}/actions/approve answered ${JSON.stringify(approve)}`);
        const [click] = receiver.requests.slice(clickAt).filter((r) => r.path === '/actions');
        check(click, `the service got no click: ${JSON.stringify(receiver.requests.slice(clickAt).map((r) => r.path))}`);
        verify(click, 'the approve click');
        check(click.headers['user-agent']?.startsWith('Tripwire/'), `the click came from ${click.headers['user-agent']}, not through Tripwire`);
        const clickBody = JSON.parse(click.text);
        check(JSON.stringify(clickBody.context) === JSON.stringify(context('approve')), `click context ${JSON.stringify(clickBody.context)}, expected ${JSON.stringify(context('approve'))}`);
        check(clickBody.user_id === bob.user.id && clickBody.post_id === reply.id && clickBody.channel_id === channel.id && clickBody.team_id === ctx.team.id, `click body: ${click.text}`);
        check(typeof clickBody.trigger_id === 'string' && clickBody.trigger_id.length > 0, `click without trigger_id: ${click.text}`);
        const updated = await alice.client.getPost(reply.id);
        check(updated.message === 'Deploy #42 approved by @bob', `after the click alice reads ${JSON.stringify(updated.message)}`);
        check(updated.edit_at > 0 && updated.props?.attachments?.[0]?.actions?.length === 2 && updated.props.tripwire_rule_id === rule.id, `the updated post lost its props or was not edited: ${JSON.stringify({edit_at: updated.edit_at, props: updated.props})}`);

        // 2. Details: the service answers with a dialog; the plugin opens it for bob with the click's trigger_id.
        const [bobWs, aliceWs] = [await listen(ctx, bob), await listen(ctx, alice)];
        check(bobWs && aliceWs, 'no websocket client (ws) available: the dialog cannot be observed');
        try {
            const detailsAt = receiver.requests.length;
            const details = await bob.client.doPostAction(reply.id, 'details');
            check(details.status === 'OK', `POST /posts/{id}/actions/details answered ${JSON.stringify(details)}`);
            const [detailsClick] = receiver.requests.slice(detailsAt);
            verify(detailsClick, 'the details click');
            check(JSON.parse(detailsClick.text).context?.action === 'details', `details click body: ${detailsClick.text}`);
            const event = await bobWs.waitFor((e) => e.event === 'open_dialog', 10_000, 'open_dialog');
            check(event.broadcast?.user_id === bob.user.id, `open_dialog broadcast ${JSON.stringify(event.broadcast)}, expected bob`);
            const opened = JSON.parse(event.data.dialog);
            check(opened.url === '/plugins/tripwire/interactive/dialog', `the dialog submits to ${opened.url}`);
            check(opened.dialog?.callback_id === 'deploy-42' && opened.dialog.title === 'Deploy #42' && opened.dialog.elements?.[0]?.name === 'reason', `dialog: ${event.data.dialog}`);
            check(opened.dialog.state && opened.dialog.state !== 'service-state-42' && !opened.dialog.state.includes(receiver.url), `the dialog state is not sealed: ${opened.dialog.state}`);
            await sleep(300);
            check(!aliceWs.events.some((e) => e.event === 'open_dialog'), 'alice got an open_dialog for bob\'s click');

            // 3. Submit as bob: the service gets the submission (its own state back) and its field errors reach the dialog.
            const submission = (reason) => ({url: opened.url, callback_id: opened.dialog.callback_id, state: opened.dialog.state, submission: {reason}, channel_id: channel.id, team_id: ctx.team.id});
            const submitAt = receiver.requests.length;
            const rejected = await bob.client.submitInteractiveDialog(submission('why not'));
            check(rejected?.errors?.reason === '"why not" is too short: at least 10 characters', `submit answered ${JSON.stringify(rejected)}, expected the service's field error`);
            const [sub] = receiver.requests.slice(submitAt);
            check(sub?.path === '/actions', `the submission went to ${sub?.path}`);
            verify(sub, 'the dialog submission');
            const subBody = JSON.parse(sub.text);
            check(
                subBody.type === 'dialog_submission' && subBody.callback_id === 'deploy-42' && subBody.state === 'service-state-42' && subBody.user_id === bob.user.id && subBody.channel_id === channel.id && subBody.submission?.reason === 'why not',
                `submission body: ${sub.text}`,
            );
            const accepted = await bob.client.submitInteractiveDialog(submission('rollback of #41 failed'));
            check(!accepted?.errors && !accepted?.error, `a valid submission answered ${JSON.stringify(accepted)}`);

            // 4. alice replays bob's dialog state: the plugin refuses it in SubmitDialogResponse's own shape (an `error`
            // line; Mattermost decodes the plugin's answer as that struct whatever the status), the service hears nothing.
            const replayAt = receiver.requests.length;
            const replay = await alice.client.submitInteractiveDialog(submission('i am alice, honestly'));
            const refusal = String(replay?.error ?? '');
            const status = 200;
            check(/not a Tripwire dialog/.test(refusal), `alice's replay of bob's dialog answered ${JSON.stringify(replay)}`);
            check(receiver.requests.length === replayAt, 'the service got alice\'s replay of bob\'s dialog');

            const log = await waitForDeliveries(ctx, alice, rule.id, (es) => es.filter((e) => e.event_type === 'dialog_submission').length >= 2, 10_000, 'dialog submissions in the log');
            const kinds = log.entries.map((e) => e.event_type).reduce((acc, k) => ({...acc, [k]: (acc[k] ?? 0) + 1}), {});
            check(kinds.post_action === 2 && kinds.dialog_submission === 2, `delivery log event types: ${JSON.stringify(kinds)}`);
            return `click signed with its context, update seen by alice; open_dialog on bob's websocket only; field error returned; alice's replay refused, HTTP ${status} "${refusal}"; log ${JSON.stringify(kinds)}`;
        } finally {
            bobWs?.close();
            aliceWs?.close();
        }
    });
}

export const tripwireInteractiveScenarios = [
    {name: 'direct message rule: admin guardrail and every member\'s opt-in', run: directMessageRule},
    {name: 'group message rule: members from Mattermost, all three must consent (the last by slash command)', run: groupMessageRule},
    {name: 'buttons and a dialog: signed click, update, dialog opened and submitted, field errors back', run: buttonsAndDialog},
];
