// make bench-e2e (issue 15): Tripwire's delivery cost measured in the real server of `make e2e`, beside Mattermost's
// own outgoing webhooks. One PostgreSQL + Mattermost 11.4 run; one public channel holds a native outgoing webhook and
// Tripwire compat rules, all pointing at one local receiver, so both run side by side under the same load. The trigger
// word says who fires: `bench` both, `nat` only the native hook, `tw` only Tripwire (`flap` and `crash`: the fault
// phases' rules). Figures go to bench-results/latest.json (merged with what is there) and are printed against goals.
//
//   node test/e2e/bench.mjs <tripwire bundle .tar.gz>
//   Sizes (env): E2E_BENCH_LATENCY_POSTS (200), E2E_BENCH_RATE_POSTS (2000) × E2E_BENCH_RATE_ROUNDS (2),
//   E2E_BENCH_DELIVERIES (10000, twice),
//   E2E_BENCH_FLAP_POSTS (1000), E2E_BENCH_FLAP_WAIT_S (120), E2E_BENCH_CRASH_POSTS (1000), E2E_BENCH_QUICK=1 (all
//   small: a smoke run in a few minutes). E2E_BENCH_ONLY=<regex> runs only the phases whose name matches.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {setTimeout as sleep} from 'node:timers/promises';
import {deployBundle} from '../../scripts/lib/mattermost_deploy.mjs';
import {ensureServer} from './lib/mattermost_build.mjs';
import {createFixtures, PASSWORD, waitForPluginRunning} from './lib/fixtures.mjs';
import {startMattermost, startPostgres} from './lib/processes.mjs';
import {allowHosts, expectStatus, makeChannel, ruleSpec, waitForHealth} from './lib/tripwire.mjs';
import {startBenchReceiver} from './lib/bench_receiver.mjs';
import {judgeCrash, parseRecords, recordsSql} from './lib/crash_outcomes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bundlePath = process.argv[2];
if (!bundlePath) {
    console.error('usage: node test/e2e/bench.mjs <tripwire bundle .tar.gz> (make bench-e2e builds it and passes it)');
    process.exit(2);
}

const quick = Boolean(process.env.E2E_BENCH_QUICK);
const size = (name, full, small) => {
    const raw = process.env[name];
    const n = raw === undefined || raw === '' ? (quick ? small : full) : Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
    return n;
};
const N = {
    latency: size('E2E_BENCH_LATENCY_POSTS', 200, 50),
    rate: size('E2E_BENCH_RATE_POSTS', 2000, 500),
    rateRounds: size('E2E_BENCH_RATE_ROUNDS', 2, 1),
    deliveries: size('E2E_BENCH_DELIVERIES', 10_000, 500),
    flap: size('E2E_BENCH_FLAP_POSTS', 1000, 200),
    flapWaitS: size('E2E_BENCH_FLAP_WAIT_S', 120, 120),
    crash: size('E2E_BENCH_CRASH_POSTS', 1000, 300),
    rssSettleS: size('E2E_BENCH_RSS_SETTLE_S', 15, 15),
};
const POSTERS = 8;
const only = process.env.E2E_BENCH_ONLY ? new RegExp(process.env.E2E_BENCH_ONLY, 'i') : null;
const say = (msg) => console.log(`bench-e2e: ${msg}`);

// ---- processes (as run.mjs: each stopped by its own pid, in reverse order, also on signals) ----
const running = [];
let runDir = null;
let tearingDown = null;
function teardown() {
    tearingDown ??= (async () => {
        for (const proc of [...running].reverse()) await proc.stop().catch((err) => console.error(`bench-e2e: stopping ${proc.name}: ${err.message}`));
        running.length = 0;
        if (runDir && !process.env.E2E_KEEP) rmSync(runDir, {recursive: true, force: true});
        else if (runDir) say(`kept ${runDir}`);
    })();
    return tearingDown;
}
process.on('exit', () => running.forEach((p) => {
    try {
        p.kill();
    } catch {
        // gone
    }
}));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void teardown().finally(() => process.exit(130)));

// ---- small helpers ----
const percentile = (values, p) => {
    const s = [...values].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function waitUntil(what, predicate, timeoutMs) {
    const started = Date.now();
    while (!predicate()) {
        if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
        await sleep(20);
    }
    return Date.now() - started;
}

/** The plugin's process (its executable lives under <runDir>/plugins/tripwire/), or null. */
function pluginPid() {
    const marker = join(runDir, 'plugins', 'tripwire') + '/';
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
            if (cmd.startsWith(marker)) return Number(entry);
        } catch {
            // gone meanwhile
        }
    }
    return null;
}
/** Whether a process has exited: gone, or a zombie its parent has not reaped yet. */
function processGone(pid) {
    try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z');
    } catch {
        return true;
    }
}
function psql(port, sql) {
    const res = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'mattermost', '-At', '-F', ' | ', '-c', sql], {encoding: 'utf8'});
    if (res.status !== 0) throw new Error(`psql failed (${res.error?.message ?? `exit ${res.status}`}): ${res.stderr?.trim()}\n${sql}`);
    return res.stdout;
}

/** PostgreSQL's counters for the plugin KV table: rows written (inserted, updated, deleted) and index lookups. */
function kvCounters(port) {
    const sql = "SELECT n_tup_ins + n_tup_upd + n_tup_del, idx_scan FROM pg_stat_user_tables WHERE relname = 'pluginkeyvaluestore'";
    const [writes, reads] = psql(port, sql).trim().split(' | ').map(Number);
    return {writes: writes ?? NaN, reads: reads ?? NaN};
}

/** CPU time (user + system; with `reaped`, also of its children that have exited) of a process, in ms; 0 once gone. */
function cpuMs(pid, reaped = false) {
    try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').map(Number);
        // utime, stime, cutime, cstime, in clock ticks (USER_HZ = 100)
        return ((f[11] + f[12] + (reaped ? f[13] + f[14] : 0)) * 1000) / 100;
    } catch {
        return 0;
    }
}

/** The processes whose CPU a post costs: Mattermost, PostgreSQL (postmaster and its backends) and the plugin. */
function cpuSnapshot(mattermostPid, postgresPid) {
    const pgPids = [postgresPid];
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            if (readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(postgresPid)) pgPids.push(Number(entry));
        } catch {
            // gone meanwhile
        }
    }
    const plugin = pluginPid();
    // PostgreSQL backends come and go with Mattermost's connections: an exited one counts in the postmaster's cutime.
    const postgres = cpuMs(postgresPid, true) + pgPids.slice(1).reduce((sum, p) => sum + cpuMs(p), 0);
    return {mattermost: cpuMs(mattermostPid), postgres, plugin: plugin ? cpuMs(plugin) : 0};
}
const cpuPerPost = (a, b, n) => Object.fromEntries(Object.keys(a).map((k) => [k, round((b[k] - a[k]) / n, 2)]));

/** VmRSS split as the kernel counts it: anonymous (heaps, stacks) and file-backed (the executable's pages). */
function rssParts(pid) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
    return `anon ${round(kb('RssAnon'), 1)} MB, file ${round(kb('RssFile'), 1)} MB`;
}

/** When the plugin logged "Tripwire activated" (ms since the epoch), from Mattermost's JSON log. */
function activations(logFile) {
    let text = '';
    try {
        text = readFileSync(logFile, 'utf8');
    } catch {
        return [];
    }
    return text
        .split('\n')
        .filter((l) => l.includes('"Tripwire activated"'))
        .map((l) => Date.parse(JSON.parse(l).timestamp.replace(' ', 'T').replace(/\s+/, ''))); // "2026-01-02 15:04:05.000 Z"
}

const rssMb = (pid) => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
};

/** Creates a post through the REST API as `person` (a session token); returns {id, create_at}. */
async function createPost(siteURL, person, channelId, message) {
    const res = await fetch(`${siteURL}/api/v4/posts`, {
        method: 'POST',
        headers: {Authorization: `Bearer ${person.client.getToken()}`, 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest'},
        body: JSON.stringify({channel_id: channelId, message}),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`create post: ${res.status} ${text.slice(0, 200)}`);
    const post = JSON.parse(text);
    return {id: post.id, create_at: post.create_at};
}

/** `count` posts from POSTERS concurrent posters (alternating alice and bob); returns {posts, ms, perSecond}. */
async function postMany(ctx, channelId, word, count) {
    const posts = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
        Array.from({length: POSTERS}, async (_, w) => {
            const person = w % 2 ? ctx.bob : ctx.alice;
            for (let i = next++; i < count; i = next++) posts.push(await createPost(ctx.siteURL, person, channelId, `${word} ${i}`));
        }),
    );
    const ms = Date.now() - started;
    return {posts, ms, perSecond: count / (ms / 1000), started};
}

// ---- the run ----
const figures = {};
const report = [];
/** Records a figure with its goal; `ok` is null when the figure has no pass/fail. */
function figure(key, value, goal, ok) {
    figures[key] = round(value, 3);
    report.push([key, round(value, 3), goal, ok]);
    say(`${key} = ${round(value, 3)}  (goal ${goal})`);
}

let failed = false;
try {
    const server = await ensureServer({log: say});
    runDir = mkdtempSync(join(tmpdir(), 'tripwire-bench-e2e-'));
    // E2E_BENCH_PG_STATS=1: pg_stat_statements, and the statements of the first volume round by total time.
    const pgStats = Boolean(process.env.E2E_BENCH_PG_STATS);
    const postgres = await startPostgres(runDir, (p) => running.push(p), pgStats ? '-c shared_preload_libraries=pg_stat_statements' : '');
    if (pgStats) psql(postgres.port, 'CREATE EXTENSION pg_stat_statements');
    // E2E_BENCH_NODE_OPTIONS reaches the plugin process (Node honours NODE_OPTIONS in a single-executable app):
    // e.g. --require a script that logs process.memoryUsage(), or --cpu-prof.
    // E2E_BENCH_ENV="K=V K2=V2" is added to Mattermost's environment, which the plugin inherits (e.g. MALLOC_ARENA_MAX).
    const extraEnv = {
        ...Object.fromEntries((process.env.E2E_BENCH_ENV ?? '').split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
        ...(process.env.E2E_BENCH_NODE_OPTIONS && {NODE_OPTIONS: process.env.E2E_BENCH_NODE_OPTIONS}),
    };
    const mattermost = await startMattermost({binary: server.binary, runDir, dsn: postgres.dsn, register: (p) => running.push(p), extraEnv});
    say(`Mattermost ${server.version} on ${mattermost.siteURL}, PostgreSQL ${postgres.version}`);
    const fixtures = await createFixtures(mattermost.siteURL);
    const deployed = await deployBundle({siteURL: mattermost.siteURL, username: 'admin', password: PASSWORD, bundlePath});
    await waitForPluginRunning(fixtures.admin.client, deployed.manifest.id);
    const ctx = {...fixtures, siteURL: mattermost.siteURL};
    await waitForHealth(ctx);

    // The flapping and the crash phases get receivers of their own: a breaker is per origin, and one opened by the
    // flapping receiver must not hold back the crash phase's deliveries.
    const [receiver, flapReceiver, crashReceiver] = await Promise.all([startBenchReceiver(), startBenchReceiver(), startBenchReceiver()]);
    for (const r of [receiver, flapReceiver, crashReceiver]) running.push({name: `receiver ${r.url}`, stop: () => r.close(), kill: () => {}});
    // Rates and concurrency as a busy production rule would have them: the default 120 a minute would make the
    // bench measure the rate limiter. max_concurrency 64 is the guardrail's ceiling (native hooks have no limit).
    await expectStatus(ctx, ctx.admin, 'PUT', '/admin/guardrails', {allowed_hosts: ['127.0.0.1'], rate_limit_per_minute: 1_000_000, max_attempts: 8}, 200);
    await allowHosts(ctx, ['127.0.0.1']);
    const channel = await makeChannel(ctx, {name: 'bench'});
    await ctx.admin.client.createOutgoingWebhook({
        team_id: ctx.team.id,
        channel_id: channel.id,
        display_name: 'native bench',
        trigger_words: ['bench', 'nat'],
        trigger_when: 0,
        callback_urls: [`${receiver.url}/hook`],
        content_type: 'application/json',
    });
    const rate = {rate_per_rule_per_minute: 1_000_000, rate_per_user_per_minute: 1_000_000};
    const rule = async (name, words, url, policy = {}) =>
        expectStatus(
            ctx,
            ctx.alice,
            'POST',
            '/rules',
            ruleSpec(ctx, {name, channels: [channel], trigger: {mode: 'exact', words}, endpoint: {url, payload: 'compat', content_type: 'json', max_concurrency: 64}, delivery: {...rate, ...policy}}),
            201,
        );
    await rule('bench compat', ['bench', 'tw'], `${receiver.url}/hook`);
    await rule('bench flapping', ['flap'], `${flapReceiver.url}/flap`);
    await rule('bench crash', ['crash'], `${crashReceiver.url}/crash`);
    say(`channel ${channel.name}: native hook (bench, nat) and compat rule (bench, tw) on ${receiver.url}; flap: ${flapReceiver.url}, crash: ${crashReceiver.url}`);
    const phase = (name) => !only || only.test(name);

    if (phase('latency')) {
        // Sequential: each post waits for both requests, so neither competes with a queue of its own.
        await createPost(ctx.siteURL, ctx.alice, channel.id, 'bench warmup');
        await waitUntil('warm-up deliveries', () => receiver.hits('/hook').length >= 2, 30_000);
        const native = [];
        const tripwire = [];
        for (let i = 0; i < N.latency; i++) {
            const post = await createPost(ctx.siteURL, ctx.alice, channel.id, `bench latency ${i}`);
            await waitUntil(`both requests for post ${i}`, () => receiver.byPost(post.id).length >= 2, 30_000);
            for (const r of receiver.byPost(post.id)) (r.tripwire ? tripwire : native).push(r.at - post.create_at);
        }
        say(`latency over ${N.latency} sequential posts: native p50 ${percentile(native, 50)} ms p99 ${percentile(native, 99)} ms; Tripwire p50 ${percentile(tripwire, 50)} ms p99 ${percentile(tripwire, 99)} ms`);
        figure('e2e_latency_native_p50_ms', percentile(native, 50), 'informational', null);
        figure('e2e_latency_tripwire_p50_ms', percentile(tripwire, 50), 'informational', null);
        const p50 = percentile(tripwire, 50) / Math.max(1, percentile(native, 50));
        const p99 = percentile(tripwire, 99) / Math.max(1, percentile(native, 99));
        figure('e2e_latency_p50_ratio', p50, '<= 1.2', p50 <= 1.2);
        figure('e2e_latency_p99_ratio', p99, '<= 1.5', p99 <= 1.5);
    }

    if (phase('rate')) {
        // Alternating rounds (native, Tripwire, native, Tripwire...) so a neighbour's load on this machine hits both.
        // Each round waits for its deliveries before the next starts. CPU per post is counted for each process.
        const totals = {nat: {posts: 0, ms: 0, cpu: null}, tw: {posts: 0, ms: 0, cpu: null}};
        for (let r = 0; r < N.rateRounds; r++) {
            for (const word of ['nat', 'tw']) {
                const count = () => (word === 'nat' ? receiver.native('/hook') : receiver.tripwire('/hook')).length;
                const before = count();
                const cpu0 = cpuSnapshot(mattermost.pid, postgres.pid);
                const batch = await postMany(ctx, channel.id, word, N.rate);
                await waitUntil(`${word} deliveries`, () => count() >= before + N.rate, 600_000);
                const cpu = cpuPerPost(cpu0, cpuSnapshot(mattermost.pid, postgres.pid), N.rate);
                const t = totals[word];
                t.posts += N.rate;
                t.ms += batch.ms;
                t.cpu = t.cpu ? Object.fromEntries(Object.entries(t.cpu).map(([k, v]) => [k, round((v * r + cpu[k]) / (r + 1), 2)])) : cpu;
                say(`round ${r + 1} ${word}: ${round(batch.perSecond, 1)} posts/s; CPU ms per post ${JSON.stringify(cpu)}`);
            }
        }
        const nat = totals.nat.posts / (totals.nat.ms / 1000);
        const tw = totals.tw.posts / (totals.tw.ms / 1000);
        say(`posts/s from ${POSTERS} posters: ${round(nat, 1)} while native delivers, ${round(tw, 1)} while Tripwire delivers`);
        figure('e2e_post_rate_native_per_s', nat, 'informational', null);
        figure('e2e_post_rate_tripwire_per_s', tw, 'informational', null);
        figure('e2e_post_rate_ratio', tw / nat, '>= 0.85', tw / nat >= 0.85);
        for (const [who, t] of Object.entries(totals)) {
            for (const [proc, ms] of Object.entries(t.cpu)) figure(`e2e_cpu_ms_per_post_${who === 'nat' ? 'native' : 'tripwire'}_${proc}`, ms, 'informational', null);
        }
    }

    if (phase('rss')) {
        const pid = pluginPid();
        if (!pid) throw new Error('cannot find the plugin process');
        const volume = async () => {
            const before = receiver.tripwire('/hook').length;
            const batch = await postMany(ctx, channel.id, 'tw', N.deliveries);
            await waitUntil(`${N.deliveries} Tripwire deliveries`, () => receiver.tripwire('/hook').length >= before + N.deliveries, 1_800_000);
            const last = receiver.tripwire('/hook').at(-1).at;
            // Let the log and index batches settle and V8's memory reducer run (it starts after some seconds of low
            // allocation): RSS is then what the process keeps, not the peak of the burst.
            await sleep(N.rssSettleS * 1000);
            return {perSecond: N.deliveries / ((last - batch.started) / 1000), rss: rssMb(pid)};
        };
        const rss0 = rssMb(pid);
        const kv0 = kvCounters(postgres.port);
        if (pgStats) psql(postgres.port, 'SELECT pg_stat_statements_reset()');
        const first = await volume();
        const kv1 = kvCounters(postgres.port);
        if (pgStats) {
            const top = "SELECT calls, round(total_exec_time)::int AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15";
            say(`PostgreSQL statements over ${N.deliveries} Tripwire posts (calls | total ms | query):\n${psql(postgres.port, top)}`);
        }
        // PostgreSQL flushes its statistics about once a second; volume() waited longer than that after the last delivery.
        figure('e2e_kv_writes_per_delivery', (kv1.writes - kv0.writes) / N.deliveries, 'informational (rows of the plugin KV table)', null);
        figure('e2e_kv_reads_per_delivery', (kv1.reads - kv0.reads) / N.deliveries, 'informational (index scans of the plugin KV table)', null);
        const second = await volume();
        say(`plugin RSS ${round(rss0, 1)} MB at start, ${round(first.rss, 1)} MB after ${N.deliveries} deliveries, ${round(second.rss, 1)} MB after ${2 * N.deliveries} (${rssParts(pid)})`);
        figure('e2e_deliveries_per_s', first.perSecond, 'informational (8 posters)', null);
        figure('e2e_plugin_rss_mb', first.rss, '<= 100', first.rss <= 100);
        const growth = second.rss - first.rss;
        figure('e2e_plugin_rss_growth_mb', growth, `flat (<= 10 over a second ${N.deliveries})`, growth <= 10);
    }

    if (phase('flap')) {
        // Every delivery's first attempt gets 503, every later one 200.
        flapReceiver.respond('/flap', (r) => (r.attempt <= 1 ? 503 : 200));
        const batch = await postMany(ctx, channel.id, 'flap', N.flap);
        const lastPost = Date.now();
        const ids = new Set(batch.posts.map((p) => p.id));
        const delivered = () => new Set(flapReceiver.hits('/flap').filter((r) => r.status < 300 && ids.has(r.postId)).map((r) => r.postId)).size;
        await waitUntil('flapping deliveries', () => delivered() >= N.flap || Date.now() - lastPost >= N.flapWaitS * 1000, N.flapWaitS * 1000 + 5000).catch(() => {});
        const pct = (100 * delivered()) / N.flap;
        say(`flapping receiver: ${delivered()} of ${N.flap} delivered ${round((Date.now() - lastPost) / 1000, 1)} s after the last post`);
        figure('e2e_flapping_delivered_pct_2min', pct, '100', pct === 100);
    }

    if (phase('crash')) {
        // A slow receiver (3 s an answer) keeps requests in flight and most deliveries queued when the posts are all
        // made (a post made while the plugin is down never reaches its hook); then the plugin is killed. Duplicates are
        // judged by the plugin's own records at the kill, not by timing: a delivery still pending there is sent again
        // by design (at least once), even one the receiver had answered (its outcome not written yet, e.g. behind a KV
        // backlog); a delivery whose record already said succeeded or failed must not be, and one that is counts as an
        // unexpected duplicate.
        crashReceiver.respond('/crash', () => ({status: 200, delayMs: 3000}));
        const oldPid = pluginPid();
        const activationsBefore = activations(mattermost.logFile).length;
        // Killed once every crash post's delivery is stored (accepted), counted in the plugin's KV table: Mattermost
        // runs MessageHasBeenPosted without waiting for it, so an event whose hook has not reached the plugin by the
        // kill is no delivery of Tripwire's, in flight or queued, and is lost with any plugin.
        const storedDeliveries = () => Number(psql(postgres.port, "SELECT count(*) FROM pluginkeyvaluestore WHERE pluginid = 'tripwire' AND pkey LIKE 'dx\\_p\\_%'").trim());
        const storedBefore = storedDeliveries();
        const {posts} = await postMany(ctx, channel.id, 'crash', N.crash);
        const storedAtLastPost = storedDeliveries() - storedBefore;
        await waitUntil('every crash delivery stored', () => storedDeliveries() - storedBefore >= N.crash, 60_000);
        say(`${storedAtLastPost} of ${N.crash} crash deliveries were stored when the last post was made; all of them before the kill`);
        process.kill(oldPid, 'SIGKILL');
        const killedAt = Date.now();
        // What the plugin had recorded of each crash delivery at the kill, read from its KV table once the process is
        // gone and before Mattermost starts another (about 25 s later, checked below). A write the dead process had
        // already handed to Mattermost may still land after this read: that delivery then counts as not done here,
        // which only excuses a resend the new process has no reason to make, never blames a correct one.
        await waitUntil('the killed plugin process to be gone', () => processGone(oldPid), 10_000);
        const states = parseRecords(psql(postgres.port, recordsSql('bench crash')));
        const readAt = Date.now();
        const newPidAtRead = pluginPid();
        const ids = posts.map((p) => p.id);
        const atKill = judgeCrash({hits: crashReceiver.hits('/crash'), states, postIds: ids, killedAt});
        say(
            `killed the plugin (pid ${oldPid}) with ${atKill.sent} of ${N.crash} crash requests made, ${atKill.openAtKill} open at the kill; ` +
                `records read ${readAt - killedAt} ms after it: ${atKill.done} of ${N.crash} done, ${atKill.answeredNotRecorded} answered by the receiver but not recorded` +
                (atKill.missing ? `, ${atKill.missing} without a record` : ''),
        );
        if (newPidAtRead !== null) say(`WARNING: a new plugin process (pid ${newPidAtRead}) was already running when the records were read`);
        await waitUntil('a new plugin process', () => {
            const pid = pluginPid();
            return pid !== null && pid !== oldPid;
        }, 180_000);
        // Activation as the plugin logs it ("Tripwire activated", end of OnActivate), not when the health route
        // first answers (express loads on the first request, seconds later on a loaded machine).
        await waitUntil('the new process to log its activation', () => activations(mattermost.logFile).length > activationsBefore, 120_000);
        const activatedAt = activations(mattermost.logFile).at(-1);
        say(`new plugin process activated ${round((activatedAt - killedAt) / 1000, 1)} s after the kill`);
        if (readAt >= activatedAt) say(`WARNING: the records were read ${readAt - activatedAt} ms after the new process activated: they may include its writes`);
        await waitUntil('the first resumed delivery', () => crashReceiver.hits('/crash').some((r) => r.at > killedAt), 120_000).catch(() => {});
        const resumed = crashReceiver.hits('/crash').find((r) => r.at > killedAt);
        const okIds = new Set(ids);
        const ok = () => new Set(crashReceiver.hits('/crash').filter((r) => r.status < 300 && okIds.has(r.postId)).map((r) => r.postId));
        await waitUntil('every crash delivery', () => ok().size >= N.crash, 180_000).catch(() => {});
        await sleep(2000);
        const {duplicates, unexpected, resendAttempts} = judgeCrash({hits: crashReceiver.hits('/crash'), states, postIds: ids, killedAt});
        say(
            `after the restart: ${ok().size} of ${N.crash} delivered, ${duplicates.length} duplicated (${unexpected.length} unexpected: recorded as done at the kill, or twice from one process); ` +
                `x-webhook-attempt of resends: ${resendAttempts.join(',') || 'none'}`,
        );
        // For each unexpected duplicate: when its first copy was answered, relative to the kill (ms).
        if (unexpected.length > 0) say(`unexpected duplicates, first answer at kill ${unexpected.map((id) => crashReceiver.hits('/crash').find((r) => r.postId === id)?.answeredAt - killedAt).join(', ')} ms`);
        const resumeS = resumed ? Math.max(0, resumed.at - activatedAt) / 1000 : NaN;
        figure('e2e_crash_restart_s', (activatedAt - killedAt) / 1000, 'informational (Mattermost restarts the plugin)', null);
        figure('e2e_crash_resume_s', resumeS, '<= 5', resumeS <= 5);
        const pct = (100 * ok().size) / N.crash;
        figure('e2e_crash_delivered_pct', pct, '100, duplicates only of deliveries not recorded done at the kill', pct === 100 && unexpected.length === 0);
        figure('e2e_crash_unexpected_duplicates', unexpected.length, '0', unexpected.length === 0);
    }
} catch (err) {
    failed = true;
    console.error(`bench-e2e: ${err.stack ?? err}`);
}
await teardown();

if (Object.keys(figures).length) {
    mkdirSync(join(root, 'bench-results'), {recursive: true});
    const latest = join(root, 'bench-results/latest.json');
    const kept = existsSync(latest) ? JSON.parse(readFileSync(latest, 'utf8')) : {};
    writeFileSync(latest, JSON.stringify({...kept, ...figures}, null, 2) + '\n');
    console.log(`\nfigures (sizes: ${JSON.stringify(N)}):`);
    for (const [key, value, goal, ok] of report) console.log(`  ${key.padEnd(34)} ${String(value).padStart(10)}  goal ${goal}${ok === null ? '' : ok ? '  ok' : '  MISSED'}`);
    console.log('written to bench-results/latest.json');
}
process.exit(failed ? 1 : 0);
