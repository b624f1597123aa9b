// The people and places of the end-to-end suite, created through the REST API with @mattermost/client:
// an admin (the first user of a fresh server is its system admin), two users, a team, a public and a private channel.
import clientPkg from '@mattermost/client';
import {setTimeout as sleep} from 'node:timers/promises';

const {Client4} = clientPkg;

export const PASSWORD = 'Tripwire-e2e-Passw0rd!';

export function newClient(siteURL) {
    const client = new Client4();
    client.setUrl(siteURL);
    client.setIncludeCookies(false);
    return client;
}

async function loggedIn(siteURL, username) {
    const client = newClient(siteURL);
    const me = await client.login(username, PASSWORD);
    return {client, user: me};
}

/** Returns {admin, alice, bob, team, publicChannel, privateChannel}; each person is {client, user}. */
export async function createFixtures(siteURL) {
    const anonymous = newClient(siteURL);
    await anonymous.createUser({username: 'admin', email: 'admin@tripwire.test', password: PASSWORD}, '', '');
    const admin = await loggedIn(siteURL, 'admin');
    if (!admin.user.roles.includes('system_admin')) throw new Error(`the first user is not a system admin (roles: ${admin.user.roles})`);

    for (const name of ['alice', 'bob']) {
        await admin.client.createUser({username: name, email: `${name}@tripwire.test`, password: PASSWORD, first_name: name}, '', '');
    }
    const [alice, bob] = await Promise.all([loggedIn(siteURL, 'alice'), loggedIn(siteURL, 'bob')]);

    const team = await admin.client.createTeam({name: 'e2e', display_name: 'Tripwire e2e', type: 'O'});
    for (const person of [alice, bob]) await admin.client.addToTeam(team.id, person.user.id);

    const publicChannel = await admin.client.createChannel({team_id: team.id, name: 'e2e-public', display_name: 'e2e public', type: 'O'});
    const privateChannel = await admin.client.createChannel({team_id: team.id, name: 'e2e-private', display_name: 'e2e private', type: 'P'});
    for (const channel of [publicChannel, privateChannel]) {
        for (const person of [alice, bob]) await admin.client.addToChannel(person.user.id, channel.id);
    }
    return {admin, alice, bob, team, publicChannel, privateChannel};
}

const STATES = ['NotRunning', 'Starting', 'Running', 'FailedToStart', 'FailedToStayRunning', 'Stopping'];

/** Waits until the plugin's status is Running (2); fails fast on FailedToStart/FailedToStayRunning. */
export async function waitForPluginRunning(client, pluginId, timeoutMs = 30_000) {
    const started = Date.now();
    let last = 'absent';
    while (Date.now() - started < timeoutMs) {
        const statuses = await client.getPluginStatuses();
        const status = statuses.find((s) => s.plugin_id === pluginId);
        if (status) {
            last = STATES[status.state] ?? String(status.state);
            if (status.state === 2) return Date.now() - started;
            if (status.state === 3 || status.state === 4) throw new Error(`plugin ${pluginId} is ${last}: ${status.error ?? ''}`);
        }
        await sleep(100);
    }
    throw new Error(`plugin ${pluginId} is not running after ${timeoutMs / 1000} s (last status: ${last})`);
}

/** Polls a thread (as `client`) until a post satisfies `match`; returns {post, ms} or throws with what was seen. */
export async function waitForReply(client, rootId, match, timeoutMs = 15_000) {
    const started = Date.now();
    let seen = [];
    while (Date.now() - started < timeoutMs) {
        const thread = await client.getPostThread(rootId);
        seen = thread.order.map((id) => thread.posts[id]);
        const post = seen.find((p) => p.id !== rootId && match(p));
        if (post) return {post, ms: Date.now() - started};
        await sleep(50);
    }
    throw new Error(`no matching reply to ${rootId} within ${timeoutMs / 1000} s; thread: ${JSON.stringify(seen.map((p) => p.message))}`);
}
