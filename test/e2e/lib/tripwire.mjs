// Helpers for Tripwire's own scenarios: its REST API as each person calls it (their Mattermost session token, as the
// webapp would), Mattermost's REST API for what users would see, a websocket listener for what the REST API cannot
// show (ephemeral posts), channels with a channel admin, and the plugin's enable/disable cycle.
import {setTimeout as sleep} from 'node:timers/promises';
import {newClient, PASSWORD} from './fixtures.mjs';

/** A scenario's assertion: fails the scenario with `message`. */
export function check(condition, message) {
    if (!condition) throw new Error(message);
}

export const PLUGIN_ID = 'tripwire';
export const API = `/plugins/${PLUGIN_ID}/api/v1`;

const who = (person) => (person ? person.user.username : 'anonymous');

/** Calls Tripwire's REST API as `person` (null: no session). Returns {status, body, text}; never throws on a status. */
export async function call(ctx, person, method, path, body) {
    const headers = {'X-Requested-With': 'XMLHttpRequest'};
    if (person) headers.Authorization = `Bearer ${person.client.getToken()}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${ctx.siteURL}${API}${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000)});
    const text = await res.text();
    let parsed = null;
    try {
        parsed = text ? JSON.parse(text) : null;
    } catch {
        // not JSON: keep the text
    }
    return {status: res.status, body: parsed, text};
}

/** Like call(), but the status must be `status`; returns the body. */
export async function expectStatus(ctx, person, method, path, body, status) {
    const res = await call(ctx, person, method, path, body);
    if (res.status !== status) {
        throw new Error(`${method} ${API}${path} as ${who(person)}: expected ${status}, got ${res.status} ${res.text.slice(0, 400)}`);
    }
    return res.body;
}

/** A Mattermost REST call that must fail with one of `statuses` (Client4 throws with status_code). */
export async function expectMattermostError(what, promise, statuses) {
    try {
        const value = await promise;
        throw Object.assign(new Error(`${what}: expected HTTP ${statuses.join(' or ')}, but it succeeded: ${JSON.stringify(value).slice(0, 300)}`), {unexpected: true});
    } catch (err) {
        if (err.unexpected) throw err;
        if (!statuses.includes(err.status_code)) throw new Error(`${what}: expected HTTP ${statuses.join(' or ')}, got ${err.status_code ?? 'no status'} (${err.message})`);
        return err.status_code;
    }
}

/** A unique, valid channel name for this run. */
export const uniqueName = (base) => `${base}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/**
 * Creates a channel (as the system admin) with `admins` as channel admins and `members` as plain members.
 * Returns the channel.
 */
export async function makeChannel(ctx, {name, type = 'O', admins = [ctx.alice], members = [ctx.bob]}) {
    const channel = await ctx.admin.client.createChannel({team_id: ctx.team.id, name: uniqueName(name), display_name: name, type});
    for (const person of [...admins, ...members]) await ctx.admin.client.addToChannel(person.user.id, channel.id);
    for (const person of admins) await ctx.admin.client.updateChannelMemberSchemeRoles(channel.id, person.user.id, true, true);
    return channel;
}

/** carol: on the team, in no scenario channel (the non-member). Created once per run, kept on ctx. */
export async function carol(ctx) {
    if (!ctx.carol) {
        await ctx.admin.client.createUser({username: 'carol', email: 'carol@tripwire.test', password: PASSWORD, first_name: 'carol'}, '', '');
        const client = newClient(ctx.siteURL);
        const user = await client.login('carol', PASSWORD);
        await ctx.admin.client.addToTeam(ctx.team.id, user.id);
        ctx.carol = {client, user};
    }
    return ctx.carol;
}

/** Tripwire's bot account (it posts every reply). */
export async function tripwireBot(ctx) {
    const bot = await ctx.admin.client.getUserByUsername('tripwire');
    if (!bot.is_bot) throw new Error('the user "tripwire" is not a bot account');
    return bot;
}

/** Adds hosts to Tripwire's AllowedHosts through its guardrails API, as a system admin would. Returns the view. */
export async function allowHosts(ctx, hosts) {
    const current = await expectStatus(ctx, ctx.admin, 'GET', '/admin/guardrails', undefined, 200);
    const wanted = [...new Set([...current.allowed_hosts, ...hosts])];
    if (wanted.length === current.allowed_hosts.length) return current;
    return expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {allowed_hosts: wanted}, 200);
}

/** A rule in the given channels with one endpoint; `extra` overrides/extends the spec. */
export function ruleSpec(ctx, {name, channels, trigger, endpoint, ...extra}) {
    return {
        name,
        scope: {kind: 'channels', teamId: ctx.team.id, channelIds: channels.map((c) => c.id)},
        trigger,
        endpoints: [{id: 'recv', ...endpoint}],
        ...extra,
    };
}

/** Polls a rule's delivery log (as `person`) until `done(entries)` is true; returns the page. */
export async function waitForDeliveries(ctx, person, ruleId, done, timeoutMs = 15_000, what = 'delivery log entries') {
    const started = Date.now();
    let page = null;
    while (Date.now() - started < timeoutMs) {
        page = await expectStatus(ctx, person, 'GET', `/rules/${ruleId}/deliveries?per_page=100`, undefined, 200);
        if (done(page.entries)) return page;
        await sleep(100);
    }
    const brief = (page?.entries ?? []).map((e) => ({attempt: e.attempt, status: e.status, http_status: e.http_status, error_class: e.error_class, error: e.error, reply: e.reply}));
    throw new Error(`rule ${ruleId}: no ${what} within ${timeoutMs / 1000} s; log: ${JSON.stringify(brief)}`);
}

const STATES = ['NotRunning', 'Starting', 'Running', 'FailedToStart', 'FailedToStayRunning', 'Stopping'];

/** Waits for the plugin to reach a state (by name); returns the ms it took. */
export async function waitForPluginState(ctx, state, timeoutMs = 30_000) {
    const started = Date.now();
    let last = 'absent';
    while (Date.now() - started < timeoutMs) {
        const status = (await ctx.admin.client.getPluginStatuses()).find((s) => s.plugin_id === PLUGIN_ID);
        last = status ? (STATES[status.state] ?? String(status.state)) : 'absent';
        if (last === state) return Date.now() - started;
        if (state === 'Running' && (status?.state === 3 || status?.state === 4)) throw new Error(`plugin ${PLUGIN_ID} is ${last}: ${status.error ?? ''}`);
        await sleep(50);
    }
    throw new Error(`plugin ${PLUGIN_ID} is not ${state} after ${timeoutMs / 1000} s (last status: ${last})`);
}

/** Polls the unauthenticated health route until it answers 200 {ok: true}; returns {ms, body}. */
export async function waitForHealth(ctx, timeoutMs = 30_000) {
    const started = Date.now();
    let last = 'no answer';
    while (Date.now() - started < timeoutMs) {
        try {
            const res = await fetch(`${ctx.siteURL}${API}/health`, {signal: AbortSignal.timeout(2000)});
            const text = await res.text();
            last = `${res.status} ${text.slice(0, 200)}`;
            if (res.status === 200 && JSON.parse(text).ok === true) return {ms: Date.now() - started, body: JSON.parse(text)};
        } catch (err) {
            last = err.message;
        }
        await sleep(20);
    }
    throw new Error(`${API}/health did not answer 200 {ok: true} within ${timeoutMs / 1000} s (last: ${last})`);
}

/**
 * Listens to Mattermost's websocket as `person` (token authentication challenge), recording every event. Returns
 * null when no WebSocket implementation is available (Node 20 has none built in; `ws` comes with jsdom).
 */
export async function listen(ctx, person) {
    let WebSocketImpl = globalThis.WebSocket;
    if (!WebSocketImpl) {
        try {
            WebSocketImpl = (await import('ws')).default;
        } catch {
            return null;
        }
    }
    const ws = new WebSocketImpl(`${ctx.siteURL.replace(/^http/, 'ws')}/api/v4/websocket`);
    const events = [];
    ws.onmessage = (m) => {
        try {
            events.push(JSON.parse(typeof m.data === 'string' ? m.data : m.data.toString()));
        } catch {
            // not JSON
        }
    };
    await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = (e) => reject(new Error(`websocket as ${who(person)}: ${e.message ?? 'error'}`));
    });
    ws.send(JSON.stringify({seq: 1, action: 'authentication_challenge', data: {token: person.client.getToken()}}));
    const listener = {
        events,
        async waitFor(match, timeoutMs = 10_000, what = 'event') {
            const started = Date.now();
            while (Date.now() - started < timeoutMs) {
                const hit = events.find(match);
                if (hit) return hit;
                await sleep(20);
            }
            throw new Error(`websocket as ${who(person)}: no ${what} within ${timeoutMs / 1000} s; events: ${JSON.stringify(events.map((e) => e.event ?? e.status))}`);
        },
        close: () => ws.close(),
    };
    await listener.waitFor((e) => e.seq_reply === 1 && e.status === 'OK', 10_000, 'authentication OK');
    return listener;
}
