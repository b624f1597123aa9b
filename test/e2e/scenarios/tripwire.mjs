// Tripwire's own end-to-end scenarios (issue 9): each one sets up its own channel, receiver and rule, acts as real
// users through Mattermost's REST API, and asserts what those users would see — through Mattermost's REST API, Tripwire's
// REST API (/plugins/tripwire/api/v1) and, where REST cannot show it (ephemeral posts), the websocket.
import {statSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import standardwebhooks from 'standardwebhooks';
import {waitForReply} from '../lib/fixtures.mjs';
import {json, withReceiver} from '../lib/receiver.mjs';
import {
    allowHosts,
    check,
    call,
    carol,
    expectMattermostError,
    expectStatus,
    listen,
    makeChannel,
    PLUGIN_ID,
    ruleSpec,
    tripwireBot,
    waitForDeliveries,
    waitForHealth,
    waitForPluginState,
} from '../lib/tripwire.mjs';

const {Webhook} = standardwebhooks;

// ---- 1. native compatibility ----

/** HTML-sensitive characters (Go escapes them in JSON), form-escaped punctuation, a non-ASCII letter and an emoji. */
const TRICKY = `deploy api <v2> & "now" é \u{1F600} ~*'()!`;

/** A body's fields in their order on the wire: [[name, value]...]. */
function fieldsOf(req, form) {
    if (form) return [...new URLSearchParams(req.text).entries()];
    return Object.entries(JSON.parse(req.text));
}

function fieldOf(req, form, name) {
    return new Map(fieldsOf(req, form)).get(name);
}

/** The body with its token value replaced, so two bodies with different tokens can be compared byte for byte. */
function withoutToken(req, form, token) {
    const encoded = form ? `token=${encodeURIComponent(token)}` : `"token":${JSON.stringify(token)}`;
    check(req.text.includes(encoded), `body does not carry ${encoded}: ${req.text}`);
    return req.text.replace(encoded, form ? 'token=TOKEN' : '"token":"TOKEN"');
}

async function nativeCompat(ctx, kind) {
    const form = kind === 'form';
    return withReceiver({}, async (receiver) => {
        // The admin allows the receiver's address in Tripwire (Mattermost's AllowedUntrustedInternalConnections already
        // names 127.0.0.1 for its own webhooks), and the System Console's copy of the guardrails object shows it.
        const guardrails = await allowHosts(ctx, ['127.0.0.1']);
        check(guardrails.allowed_hosts.includes('127.0.0.1'), `guardrails allowed_hosts lacks 127.0.0.1: ${JSON.stringify(guardrails)}`);
        const stored = (await ctx.admin.client.getConfig()).PluginSettings?.Plugins?.[PLUGIN_ID]?.guardrails?.allowed_hosts;
        check(Array.isArray(stored) && stored.includes('127.0.0.1'), `PluginSettings.Plugins.${PLUGIN_ID}.guardrails.allowed_hosts is ${JSON.stringify(stored)} after PUT /admin/guardrails`);

        const channel = await makeChannel(ctx, {name: `tw-compat-${kind}`});
        const path = `/deploy-hook`;
        const hook = await ctx.admin.client.createOutgoingWebhook({
            team_id: ctx.team.id,
            channel_id: channel.id,
            display_name: `native ${kind}`,
            trigger_words: ['deploy'],
            trigger_when: 0,
            callback_urls: [receiver.url + path],
            content_type: form ? 'application/x-www-form-urlencoded' : 'application/json',
        });
        const rule = await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name: `compat ${kind}`, channels: [channel], trigger: {mode: 'exact', words: ['deploy']}, endpoint: {url: receiver.url + path, payload: 'compat', content_type: kind}}),
            201,
        );
        const token = `tripwire-token-${kind}-${rule.id.slice(0, 8)}`;
        await expectStatus(ctx, ctx.alice, 'PUT', `/rules/${rule.id}/token`, {token}, 204);
        const {secret} = await expectStatus(ctx, ctx.alice, 'PUT', `/rules/${rule.id}/endpoints/recv/secret`, {}, 200);
        check(/^whsec_/.test(secret), `the signing secret is not whsec_...: ${secret}`);

        const notes = [];
        for (const message of ['deploy api', TRICKY]) {
            const post = await ctx.alice.client.createPost({channel_id: channel.id, message});
            const forPost = (r) => fieldOf(r, form, 'post_id') === post.id;
            await receiver.waitFor(forPost, 2, 15_000, `requests for ${JSON.stringify(message)} (native + Tripwire)`);
            await sleep(300); // a duplicate would show up by now
            const all = receiver.requests.filter(forPost);
            const native = all.filter((r) => !r.headers['webhook-id']);
            const tripwire = all.filter((r) => r.headers['webhook-id']);
            check(native.length === 1 && tripwire.length === 1, `expected 1 native and 1 Tripwire request for ${JSON.stringify(message)}, got ${native.length} and ${tripwire.length}`);
            const [n, t] = [native[0], tripwire[0]];
            check(n.method === 'POST' && t.method === 'POST' && n.path === path && t.path === path, `method/path differ: native ${n.method} ${n.path}, Tripwire ${t.method} ${t.path}`);

            // Field by field, in wire order; only the token differs, and each is its own.
            const [nf, tf] = [fieldsOf(n, form), fieldsOf(t, form)];
            check(JSON.stringify(nf.map(([k]) => k)) === JSON.stringify(tf.map(([k]) => k)), `field order differs: native ${nf.map(([k]) => k)}; Tripwire ${tf.map(([k]) => k)}`);
            const diffs = nf.filter(([k, v], i) => k !== 'token' && JSON.stringify(v) !== JSON.stringify(tf[i][1])).map(([k, v]) => `${k}: native ${JSON.stringify(v)} vs Tripwire ${JSON.stringify(tf.find(([tk]) => tk === k)?.[1])}`);
            check(diffs.length === 0, `fields differ for ${JSON.stringify(message)}: ${diffs.join('; ')}`);
            check(fieldOf(n, form, 'token') === hook.token, `native token ${fieldOf(n, form, 'token')} is not the hook's ${hook.token}`);
            check(fieldOf(t, form, 'token') === token, `Tripwire token ${fieldOf(t, form, 'token')} is not the one set through the API (${token})`);
            check(String(fieldOf(t, form, 'text')) === message, `text is ${JSON.stringify(fieldOf(t, form, 'text'))}, posted ${JSON.stringify(message)}`);
            const expectedTs = form ? String(Math.trunc(post.create_at / 1000)) : post.create_at;
            check(fieldOf(t, form, 'timestamp') === expectedTs, `timestamp ${fieldOf(t, form, 'timestamp')}, expected ${expectedTs} (${form ? 'seconds' : 'milliseconds'})`);
            // And byte for byte once the tokens are set aside.
            const [nb, tb] = [withoutToken(n, form, hook.token), withoutToken(t, form, token)];
            check(nb === tb, `bodies differ beyond the token:\n  native   ${nb}\n  Tripwire ${tb}`);

            // Headers: the ones a receiver reads are the same; the rest is noted.
            for (const h of ['content-type', 'accept', 'user-agent']) {
                check(n.headers[h] === t.headers[h], `header ${h}: native ${JSON.stringify(n.headers[h])}, Tripwire ${JSON.stringify(t.headers[h])}`);
            }
            if (message === 'deploy api') {
                const onlyNative = Object.keys(n.headers).filter((h) => !(h in t.headers));
                const onlyTripwire = Object.keys(t.headers).filter((h) => !(h in n.headers));
                notes.push(`headers only native: ${onlyNative.map((h) => `${h}: ${n.headers[h]}`).join(', ') || 'none'}; only Tripwire: ${onlyTripwire.join(', ') || 'none'}`);
            }

            // Standard Webhooks: valid with the secret the API showed, invalid for a changed body.
            const sig = {'webhook-id': t.headers['webhook-id'], 'webhook-timestamp': t.headers['webhook-timestamp'], 'webhook-signature': t.headers['webhook-signature']};
            check(sig['webhook-signature'], `Tripwire's request has no webhook-signature header: ${JSON.stringify(t.headers)}`);
            try {
                new Webhook(secret).verify(t.text, sig, {jsonParse: false}); // form bodies are not JSON
            } catch (err) {
                throw new Error(`standardwebhooks rejects Tripwire's signature (${err.message}): ${JSON.stringify(sig)}`);
            }
            let tamperedOk = true;
            try {
                new Webhook(secret).verify(`${t.text} `, sig, {jsonParse: false});
            } catch {
                tamperedOk = false;
            }
            check(!tamperedOk, 'standardwebhooks accepted the signature for a changed body');
            check(Math.abs(Number(sig['webhook-timestamp']) - t.at / 1000) < 60, `webhook-timestamp ${sig['webhook-timestamp']} is not now (${Math.round(t.at / 1000)})`);

            // The delivery log shows the success, with neither the token nor the signature in its excerpt.
            const page = await waitForDeliveries(ctx, ctx.alice, rule.id, (es) => es.some((e) => e.post_id === post.id && e.status === 'succeeded'), 10_000, 'succeeded entry');
            const entry = page.entries.find((e) => e.post_id === post.id && e.status === 'succeeded');
            check(entry.attempt === 1 && entry.http_status === 200, `log entry: attempt ${entry.attempt}, HTTP ${entry.http_status}`);
            check(entry.webhook_id === t.headers['webhook-id'], `log webhook_id ${entry.webhook_id} is not the header's ${t.headers['webhook-id']}`);
            const excerpt = JSON.stringify(entry.request ?? {});
            check(!excerpt.includes(token) && !excerpt.includes(secret.slice(6)), `the delivery log shows the token or the secret: ${excerpt.slice(0, 500)}`);
            check(entry.request?.headers?.['webhook-signature'] === undefined || entry.request.headers['webhook-signature'] === '[redacted]', `the log shows the signature: ${entry.request.headers['webhook-signature']}`);
        }
        return `2 posts, bodies identical but for the token, signature valid; ${notes.join('; ')}`;
    });
}

// ---- 2. reply in a thread from a private channel ----

async function privateThreadReply(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        receiver.respond((req) => {
            const body = JSON.parse(req.text);
            return json({text: `deployed ${body.matches?.groups?.service}`, response_type: 'comment'});
        });
        const channel = await makeChannel(ctx, {name: 'tw-private', type: 'P'});
        const outsider = await carol(ctx);
        const rule = await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name: 'deploy by regex', channels: [channel], trigger: {mode: 'regex', pattern: '^deploy (?P<service>[a-z][a-z0-9-]*)'}, endpoint: {url: `${receiver.url}/rich`, payload: 'rich'}}),
            201,
        );
        const bot = await tripwireBot(ctx);
        const root = await ctx.bob.client.createPost({channel_id: channel.id, message: 'deploy billing-api to staging'});
        const {post: reply, ms} = await waitForReply(ctx.alice.client, root.id, (p) => p.user_id === bot.id);

        check(reply.message === 'deployed billing-api', `reply is ${JSON.stringify(reply.message)}, expected "deployed billing-api"`);
        check(reply.root_id === root.id, `reply root_id ${JSON.stringify(reply.root_id)} is not the triggering post ${root.id}`);
        check(reply.channel_id === channel.id, `reply is in channel ${reply.channel_id}, not ${channel.id}`);
        check(reply.props?.from_webhook === 'true' && reply.props?.tripwire_rule_id === rule.id, `reply props: ${JSON.stringify(reply.props)}`);
        const [req] = receiver.requests;
        const body = JSON.parse(req.text);
        check(body.matches?.groups?.service === 'billing-api', `payload matches: ${JSON.stringify(body.matches)}`);
        check(body.channel_type === 'P' && body.post_id === root.id, `payload channel_type ${body.channel_type}, post_id ${body.post_id}`);
        await waitForReply(ctx.bob.client, root.id, (p) => p.id === reply.id, 5000);
        // A trigger that is itself a thread reply: the answer goes to the real root (native would use the reply's id,
        // which Mattermost refuses as a root_id).
        const inThread = await ctx.bob.client.createPost({channel_id: channel.id, root_id: root.id, message: 'deploy search-api'});
        const {post: nested} = await waitForReply(ctx.alice.client, root.id, (p) => p.user_id === bot.id && p.message === 'deployed search-api');
        check(nested.root_id === root.id, `the reply to the thread reply ${inThread.id} has root_id ${nested.root_id}, expected the thread root ${root.id}`);

        // carol is on the team but not in the channel: the posts and the rule do not exist for her.
        const statuses = [
            await expectMattermostError('carol GET /posts/{root}/thread', outsider.client.getPostThread(root.id), [403, 404]),
            await expectMattermostError('carol GET /posts/{reply}', outsider.client.getPost(reply.id), [403, 404]),
            await expectMattermostError('carol GET /channels/{id}/posts', outsider.client.getPosts(channel.id), [403, 404]),
        ];
        await expectStatus(ctx, outsider, 'GET', `/rules/${rule.id}`, undefined, 404);
        await expectStatus(ctx, outsider, 'GET', `/channels/${channel.id}/rules`, undefined, 404);
        // What native webhooks cannot do: the same hook in this channel is refused.
        const nativeRefusal = await expectMattermostError(
            'native outgoing webhook in a private channel',
            ctx.admin.client.createOutgoingWebhook({team_id: ctx.team.id, channel_id: channel.id, display_name: 'native private', trigger_words: ['deploy'], callback_urls: [`${receiver.url}/native`], content_type: 'application/json'}),
            [400, 403],
        );
        return `reply after ${ms} ms; carol gets ${statuses.join('/')} from Mattermost, 404 from Tripwire; native hook here: ${nativeRefusal}`;
    });
}

// ---- 3. ephemeral reply ----

async function ephemeralReply(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        const text = `only you see this ${Date.now()}`;
        receiver.respond(() => json({text, response_type: 'ephemeral'}));
        const channel = await makeChannel(ctx, {name: 'tw-ephemeral'});
        const rule = await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name: 'status', channels: [channel], trigger: {mode: 'exact', words: ['status']}, endpoint: {url: `${receiver.url}/status`}}),
            201,
        );
        const bot = await tripwireBot(ctx);
        const [aliceWs, bobWs] = [await listen(ctx, ctx.alice), await listen(ctx, ctx.bob)];
        try {
            const root = await ctx.alice.client.createPost({channel_id: channel.id, message: 'status api'});
            const isOurs = (e) => e.event === 'ephemeral_message' && JSON.parse(e.data?.post ?? '{}').message === text;
            let seen = 'no websocket client available (REST-only checks)';
            if (aliceWs) {
                const event = await aliceWs.waitFor(isOurs, 15_000, 'ephemeral_message with the reply');
                const p = JSON.parse(event.data.post);
                check(p.user_id === bot.id && p.channel_id === channel.id, `ephemeral post from ${p.user_id} in ${p.channel_id}, expected the bot ${bot.id} in ${channel.id}`);
                check(event.broadcast?.user_id === ctx.alice.user.id, `ephemeral broadcast to ${JSON.stringify(event.broadcast)}, expected alice only`);
                seen = 'alice got the ephemeral_message on her websocket';
            }
            const page = await waitForDeliveries(ctx, ctx.alice, rule.id, (es) => es.some((e) => e.post_id === root.id && e.status === 'succeeded'), 10_000, 'succeeded entry');
            const entry = page.entries.find((e) => e.post_id === root.id && e.status === 'succeeded');
            check(entry.reply?.kind === 'posted' && entry.reply.posts === 0 && entry.reply.ephemeral === 1, `delivery log reply: ${JSON.stringify(entry.reply)}, expected {kind: posted, posts: 0, ephemeral: 1}`);
            await sleep(1000); // other members' websockets and the channel have had time to show a leak
            if (bobWs) check(!bobWs.events.some(isOurs), 'bob received alice\'s ephemeral reply on his websocket');
            for (const person of [ctx.alice, ctx.bob]) {
                const since = await person.client.getPostsSince(channel.id, root.create_at - 1);
                const botPosts = Object.values(since.posts).filter((p) => p.user_id === bot.id);
                check(botPosts.length === 0, `${person.user.username} sees persistent bot posts: ${JSON.stringify(botPosts.map((p) => p.message))}`);
            }
            const thread = await ctx.alice.client.getPostThread(root.id);
            check(thread.order.length === 1, `the trigger's thread has ${thread.order.length - 1} replies`);
            return `${seen}; not bob; no stored post (REST can only show absence: ephemeral posts are never stored)`;
        } finally {
            aliceWs?.close();
            bobWs?.close();
        }
    });
}

// ---- 4. the settings API by role ----

async function settingsByRole(ctx) {
    const priv = await makeChannel(ctx, {name: 'tw-perm-private', type: 'P'});
    const pub = await makeChannel(ctx, {name: 'tw-perm-public', type: 'O'});
    const outsider = await carol(ctx);
    const spec = (channel, name) => ruleSpec(ctx, {name, channels: [channel], trigger: {mode: 'exact', words: ['perm']}, endpoint: {url: 'http://127.0.0.1:9/never'}, enabled: false});
    const {alice, bob, admin} = ctx;
    const mismatches = [];
    const expect = async (person, method, path, body, status, label) => {
        const res = await call(ctx, person, method, path, body);
        if (res.status !== status) mismatches.push(`${label}: ${method} ${path} as ${person?.user.username ?? 'anonymous'} -> ${res.status}, expected ${status} (${res.text.slice(0, 160)})`);
        return res;
    };

    const created = await expect(alice, 'POST', '/rules', spec(priv, 'private rule'), 201, 'channel admin creates (private)');
    const ruleId = created.body?.id;
    if (!ruleId) throw new Error(`alice could not create a rule: ${mismatches.join('; ')}`);
    const list = await expect(alice, 'GET', `/channels/${priv.id}/rules`, undefined, 200, 'channel admin lists (private)');
    const listed = list.body?.rules?.find((r) => r.id === ruleId);
    if (!listed?.can_manage) mismatches.push(`channel admin's list lacks the rule or can_manage: ${JSON.stringify(list.body?.rules?.map((r) => [r.id, r.can_manage]))}`);
    await expect(alice, 'GET', `/rules/${ruleId}`, undefined, 200, 'channel admin reads');
    await expect(admin, 'GET', `/channels/${priv.id}/rules`, undefined, 200, 'system admin lists (private)');
    await expect(null, 'GET', `/channels/${priv.id}/rules`, undefined, 401, 'no session');

    await expect(bob, 'GET', `/channels/${priv.id}/rules`, undefined, 403, 'member lists (private)');
    await expect(bob, 'POST', '/rules', spec(priv, 'bob private'), 403, 'member creates (private)');
    await expect(bob, 'GET', `/rules/${ruleId}`, undefined, 403, 'member reads');
    await expect(bob, 'PUT', `/rules/${ruleId}/enabled`, {enabled: true}, 403, 'member enables');
    await expect(bob, 'DELETE', `/rules/${ruleId}`, undefined, 403, 'member deletes');

    await expect(outsider, 'GET', `/channels/${priv.id}/rules`, undefined, 404, 'non-member lists (private)');
    await expect(outsider, 'POST', '/rules', spec(priv, 'carol private'), 404, 'non-member creates (private)');
    await expect(outsider, 'GET', `/rules/${ruleId}`, undefined, 404, 'non-member reads');
    await expect(outsider, 'GET', `/rules/${ruleId}/deliveries`, undefined, 404, 'non-member reads the log');
    await expect(outsider, 'DELETE', `/rules/${ruleId}`, undefined, 404, 'non-member deletes');

    await expect(alice, 'POST', '/rules', spec(pub, 'public rule'), 201, 'channel admin creates (public)');
    await expect(bob, 'POST', '/rules', spec(pub, 'bob public'), 403, 'member creates (public)');
    await expect(outsider, 'POST', '/rules', spec(pub, 'carol public'), 403, 'non-member creates (public)');
    await expect(outsider, 'GET', `/channels/${pub.id}/rules`, undefined, 403, 'non-member lists (public)');

    await expect(alice, 'PUT', '/admin/guardrails', {max_attempts: 3}, 403, 'channel admin changes guardrails');
    await expect(bob, 'GET', '/admin/guardrails', undefined, 403, 'member reads guardrails');

    await expect(alice, 'DELETE', `/rules/${ruleId}`, undefined, 204, 'channel admin deletes');
    await expect(alice, 'GET', `/rules/${ruleId}`, undefined, 404, 'deleted rule');
    if (mismatches.length) throw new Error(`${mismatches.length} unexpected statuses:\n    ${mismatches.join('\n    ')}`);
    return '22 calls: channel admin 201/200/204, member 403, non-member 404 (private) / 403 (public), no session 401';
}

// ---- Tripwire's AllowedHosts, beyond Mattermost's allowlist ----

async function allowedHostsOpensAnAddress(ctx) {
    return withReceiver({host: '127.0.0.2'}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        const before = await expectStatus(ctx, ctx.admin, 'GET', '/admin/guardrails', undefined, 200);
        check(!before.allowed_hosts.includes('127.0.0.2'), `127.0.0.2 is already allowed: ${before.allowed_hosts}`);
        const channel = await makeChannel(ctx, {name: 'tw-hosts'});
        const rule = await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name: 'probe', channels: [channel], trigger: {mode: 'exact', words: ['probe']}, endpoint: {url: `${receiver.url}/probe`}}),
            201,
        );
        const blocked = await expectStatus(ctx, ctx.alice, 'POST', `/rules/${rule.id}/test-delivery`, {message: 'probe one'}, 200);
        check(blocked.error?.error_class === 'ssrf_blocked', `test delivery to 127.0.0.2 before allowing it: ${JSON.stringify(blocked.error ?? blocked.response)}`);
        check(receiver.requests.length === 0, `the receiver got ${receiver.requests.length} requests while blocked`);
        try {
            await allowHosts(ctx, ['127.0.0.2']);
            // The new settings reach the plugin through OnConfigurationChange: poll a little.
            const started = Date.now();
            let result = null;
            while (Date.now() - started < 10_000) {
                result = await expectStatus(ctx, ctx.alice, 'POST', `/rules/${rule.id}/test-delivery`, {message: 'probe two'}, 200);
                if (result.error?.error_class !== 'ssrf_blocked') break;
                await sleep(100);
            }
            check(result.response?.status === 200 && !result.error, `test delivery after allowing 127.0.0.2: ${JSON.stringify(result.error ?? result.response)}`);
            check(receiver.requests.length === 1, `the receiver got ${receiver.requests.length} requests after allowing it`);
            return `blocked (${blocked.error.message.slice(0, 60)}...), then delivered ${Date.now() - started} ms after the guardrails PUT`;
        } finally {
            await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {allowed_hosts: before.allowed_hosts}, 200);
        }
    });
}

// ---- guardrails set in the configuration itself (the System Console's Save, mmctl config patch) ----

/**
 * Saves the guardrails object the way the System Console's Save does (PUT /api/v4/config/patch with the whole
 * configuration) and checks that the plugin enforces it: a rule over the new limit is refused with the limit named.
 */
async function guardrailsFromConfig(ctx) {
    const before = await expectStatus(ctx, ctx.admin, 'GET', '/admin/guardrails', undefined, 200);
    const {editable: _editable, ...restore} = before;
    const channel = await makeChannel(ctx, {name: 'tw-config-limit'});
    const over = ruleSpec(ctx, {name: 'slow', channels: [channel], trigger: {mode: 'exact', words: ['slow']}, endpoint: {url: 'https://hooks.example.com/slow', timeout_ms: 20_000}});
    try {
        const config = await ctx.admin.client.getConfig();
        const mine = (config.PluginSettings.Plugins[PLUGIN_ID] ??= {});
        mine.guardrails = {...restore, max_endpoint_timeout_ms: 2000};
        const started = Date.now();
        await ctx.admin.client.patchConfig(config);
        let view = null;
        while (Date.now() - started < 10_000) {
            view = await expectStatus(ctx, ctx.admin, 'GET', '/admin/guardrails', undefined, 200);
            if (view.max_endpoint_timeout_ms === 2000) break;
            await sleep(100);
        }
        check(view.max_endpoint_timeout_ms === 2000, `GET /admin/guardrails after the config patch: ${JSON.stringify(view)}`);
        const refused = await call(ctx, ctx.alice, 'POST', '/rules', over);
        const field = refused.body?.error?.fields?.['endpoints.0.timeout_ms'];
        check(refused.status === 400 && field === "at most 2000 ms: the system admin's limit", `a rule over the configured limit: ${refused.status} ${refused.text.slice(0, 300)}`);
        return `config patch applied in ${Date.now() - started} ms; rule with timeout_ms 20000 refused: ${field}`;
    } finally {
        await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', restore, 200);
    }
}

// ---- 5. retries ----

async function retries(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        receiver.respond((req, all) => {
            const n = all.filter((r) => r.headers['webhook-id'] === req.headers['webhook-id']).length;
            return n <= 2 ? {status: 503, body: 'busy'} : json({text: 'third time lucky', response_type: 'comment'});
        });
        const channel = await makeChannel(ctx, {name: 'tw-retry'});
        const rule = await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {
                name: 'retry',
                channels: [channel],
                trigger: {mode: 'exact', words: ['retry']},
                endpoint: {url: `${receiver.url}/flaky`},
                delivery: {max_attempts: 5, backoff_base_ms: 200, backoff_max_ms: 400},
            }),
            201,
        );
        const bot = await tripwireBot(ctx);
        const root = await ctx.alice.client.createPost({channel_id: channel.id, message: 'retry api'});
        const reqs = await receiver.waitFor(() => true, 3, 20_000, 'attempts');
        const ids = new Set(reqs.map((r) => r.headers['webhook-id']));
        check(ids.size === 1, `attempts carry different webhook-ids: ${[...ids]}`);
        check(reqs.map((r) => r.headers['x-webhook-attempt']).join() === '1,2,3', `x-webhook-attempt headers: ${reqs.map((r) => r.headers['x-webhook-attempt'])}`);

        const page = await waitForDeliveries(ctx, ctx.alice, rule.id, (es) => es.some((e) => e.status === 'succeeded'), 15_000, 'succeeded entry');
        const entries = page.entries.filter((e) => e.post_id === root.id).sort((a, b) => a.attempt - b.attempt);
        const shape = entries.map((e) => `${e.attempt}:${e.status}:${e.http_status ?? e.error_class}`).join(' ');
        check(shape === '1:retrying:503 2:retrying:503 3:succeeded:200', `delivery log is "${shape}", expected "1:retrying:503 2:retrying:503 3:succeeded:200"`);
        check(entries.every((e) => e.webhook_id === [...ids][0]), 'log entries carry a different webhook_id from the requests');
        check(entries.slice(0, 2).every((e) => e.error_class === 'http_status' && typeof e.next_attempt_at === 'number'), `retrying entries lack error_class/next_attempt_at: ${JSON.stringify(entries.slice(0, 2))}`);
        check(page.stats.succeeded === 1, `stats: ${JSON.stringify(page.stats)}`);

        const {post} = await waitForReply(ctx.bob.client, root.id, (p) => p.user_id === bot.id);
        check(post.message === 'third time lucky', `reply is ${JSON.stringify(post.message)}`);
        await sleep(500);
        const replies = (await ctx.bob.client.getPostThread(root.id)).order.length - 1;
        check(replies === 1, `${replies} replies in the thread, expected 1`);
        const gaps = reqs.slice(1).map((r, i) => r.at - reqs[i].at);
        return `attempts ${gaps.map((g) => `+${g} ms`).join(', ')} apart; one reply`;
    });
}

async function retryAcrossRestart(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        let healthy = false;
        receiver.respond(() => (healthy ? json({text: 'survived a restart', response_type: 'comment'}) : {status: 503, headers: {'retry-after': '4'}, body: 'down'}));
        const channel = await makeChannel(ctx, {name: 'tw-restart'});
        const rule = await expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name: 'restart', channels: [channel], trigger: {mode: 'exact', words: ['restart']}, endpoint: {url: `${receiver.url}/restart`}, delivery: {max_attempts: 8}}),
            201,
        );
        const bot = await tripwireBot(ctx);
        const root = await ctx.alice.client.createPost({channel_id: channel.id, message: 'restart api'});
        const [first] = await receiver.waitFor(() => true, 1, 15_000, 'first attempt');
        await waitForDeliveries(ctx, ctx.alice, rule.id, (es) => es.some((e) => e.post_id === root.id && e.status === 'retrying'), 5000, 'retrying entry');

        // Disable the plugin while the delivery waits for its retry (Retry-After: 4 s), then fix the service.
        const disableStarted = Date.now();
        await ctx.admin.client.disablePlugin(PLUGIN_ID);
        await waitForPluginState(ctx, 'NotRunning');
        const disabledMs = Date.now() - disableStarted;
        const atDisable = receiver.requests.length;
        healthy = true;
        await sleep(Math.max(0, first.at + 5000 - Date.now())); // past the retry's due time: nobody may send it now
        const whileDisabled = receiver.requests.length - atDisable;
        check(whileDisabled === 0, `${whileDisabled} requests arrived while the plugin was disabled`);

        const enableStarted = Date.now();
        await ctx.admin.client.enablePlugin(PLUGIN_ID);
        await waitForPluginState(ctx, 'Running');
        const [ok] = await receiver.waitFor((r) => r.answered === 200, 1, 30_000, 'successful attempt after re-enabling');
        const afterEnableMs = ok.at - enableStarted;

        const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
        check(ids.size === 1, `the attempts carry different webhook-ids: ${[...ids]}`);
        const page = await waitForDeliveries(ctx, ctx.alice, rule.id, (es) => es.some((e) => e.post_id === root.id && e.status === 'succeeded'), 15_000, 'succeeded entry');
        const entries = page.entries.filter((e) => e.post_id === root.id).sort((a, b) => a.attempt - b.attempt);
        const shape = entries.map((e) => `${e.attempt}:${e.status}:${e.http_status ?? e.error_class}`).join(' ');
        check(entries[0]?.attempt === 1 && entries[0].status === 'retrying', `the log lost the attempt before the restart: "${shape}"`);
        check(entries.every((e) => e.webhook_id === [...ids][0]), `log webhook_ids differ from the header's: ${entries.map((e) => e.webhook_id)}`);

        await waitForReply(ctx.bob.client, root.id, (p) => p.user_id === bot.id && p.message === 'survived a restart', 10_000);
        await sleep(500);
        const successes = receiver.requests.filter((r) => r.answered === 200).length;
        const replies = (await ctx.bob.client.getPostThread(root.id)).order.length - 1;
        check(successes >= 1 && replies === successes, `${successes} successful requests but ${replies} replies`);
        return `disabled in ${disabledMs} ms; delivered ${afterEnableMs} ms after enable; ${receiver.requests.length} requests, ${successes} success(es), one webhook-id; log "${shape}"`;
    });
}

// ---- 6. bundle size and activation time ----

async function activation(ctx) {
    const size = ctx.bundlePath ? statSync(ctx.bundlePath).size : NaN;
    await ctx.admin.client.disablePlugin(PLUGIN_ID);
    await waitForPluginState(ctx, 'NotRunning');
    const started = Date.now();
    await ctx.admin.client.enablePlugin(PLUGIN_ID);
    const enableCall = Date.now() - started;
    const health = await waitForHealth(ctx);
    const healthMs = Date.now() - started;
    await waitForPluginState(ctx, 'Running');
    check(!ctx.manifest || health.body.version === ctx.manifest.version, `health says version ${health.body.version}, the bundle is ${ctx.manifest?.version}`);
    return `bundle ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes); enable call ${enableCall} ms; health 200 ${healthMs} ms after enable (version ${health.body.version})`;
}

export const tripwireScenarios = [
    {name: 'native compatibility, JSON: same request as a native outgoing webhook, signed', run: (ctx) => nativeCompat(ctx, 'json')},
    {name: 'native compatibility, form: same request as a native outgoing webhook, signed', run: (ctx) => nativeCompat(ctx, 'form')},
    {name: 'private channel: regex group, reply in the thread as the bot, hidden from non-members', run: privateThreadReply},
    {name: 'ephemeral reply: only the poster sees it, nothing is stored', run: ephemeralReply},
    {name: 'settings API: channel admin vs member vs non-member', run: settingsByRole},
    {name: "AllowedHosts opens an address Mattermost's allowlist does not (127.0.0.2)", run: allowedHostsOpensAnAddress},
    {name: "guardrails saved in the configuration (the System Console's Save) are what the plugin enforces", run: guardrailsFromConfig},
    {name: 'retries: 503, 503, 200 in the delivery log, one reply', run: retries},
    {name: 'retry across a plugin disable/enable: same webhook-id, delivered', run: retryAcrossRestart},
    {name: 'bundle size and activation time', run: activation},
];
