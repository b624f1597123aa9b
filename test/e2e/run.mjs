// End to end in a real Mattermost server (issue 9). Builds or finds the pinned server (lib/mattermost_build.mjs),
// starts PostgreSQL and Mattermost on 127.0.0.1 in a run directory under /tmp, creates an admin, users, a team and
// channels through the REST API, uploads and enables a plugin bundle through the API, runs the scenarios for that
// plugin, prints the timings, and tears everything down (also on failure and on SIGINT/SIGTERM).
//
//   node test/e2e/run.mjs <bundle.tar.gz>...   each bundle is installed in turn, then its scenarios run
//   E2E_KEEP=1 keeps the run directory (logs, config) in /tmp; the processes are stopped all the same
//   E2E_ONLY=<regex> runs only the scenarios whose name matches (case-insensitive)
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, join} from 'node:path';
import {deployBundle} from '../../scripts/lib/mattermost_deploy.mjs';
import {ensureServer} from './lib/mattermost_build.mjs';
import {createFixtures, PASSWORD, waitForPluginRunning} from './lib/fixtures.mjs';
import {startMattermost, startPostgres} from './lib/processes.mjs';
import {conformanceScenarios} from './scenarios/conformance.mjs';
import {helloScenarios} from './scenarios/hello.mjs';
import {replyParityScenarios} from './scenarios/reply_parity.mjs';
import {tripwireScenarios} from './scenarios/tripwire.mjs';
import {tripwireBotScenarios} from './scenarios/tripwire_bots.mjs';
import {tripwireEventScenarios} from './scenarios/tripwire_events.mjs';
import {tripwireInteractiveScenarios} from './scenarios/tripwire_interactive.mjs';
import {tripwireMetricsScenarios} from './scenarios/tripwire_metrics.mjs';

const SCENARIOS = {'tripwire-conformance': conformanceScenarios, hello: helloScenarios, tripwire: [...tripwireScenarios, ...tripwireInteractiveScenarios, ...tripwireEventScenarios, ...tripwireMetricsScenarios, ...tripwireBotScenarios, ...replyParityScenarios]};

const bundlePaths = process.argv.slice(2);
if (!bundlePaths.length) {
    console.error('usage: node test/e2e/run.mjs <plugin bundle .tar.gz>... (make e2e builds the bundles and passes them)');
    process.exit(2);
}

const timings = [];
const time = async (label, fn) => {
    const started = Date.now();
    const result = await fn();
    timings.push([label, Date.now() - started]);
    return result;
};
const say = (msg) => console.log(`e2e: ${msg}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// Every process we start, registered as soon as it has a pid; stopped in reverse order, each by its own pid.
const running = [];
const register = (proc) => running.push(proc);
let runDir = null;
let tearingDown = null;

function teardown() {
    tearingDown ??= (async () => {
        for (const proc of [...running].reverse()) {
            try {
                await proc.stop();
            } catch (err) {
                console.error(`e2e: stopping ${proc.name} (pid ${proc.pid}): ${err.message}`);
            }
        }
        running.length = 0;
        if (runDir && !process.env.E2E_KEEP) rmSync(runDir, {recursive: true, force: true});
        else if (runDir) say(`kept ${runDir}`);
    })();
    return tearingDown;
}

// Last resort if the process exits before teardown finished: no awaiting here, so SIGKILL by pid.
process.on('exit', () => {
    for (const proc of running) {
        try {
            proc.kill();
        } catch {
            // already gone
        }
    }
});
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
        interrupted = true;
        say(`${signal}: tearing down`);
        void teardown().finally(() => process.exit(130));
    });
}

function tail(file, lines, filter = () => true) {
    try {
        return readFileSync(file, 'utf8').split('\n').filter(filter).slice(-lines).join('\n');
    } catch {
        return `(no ${file})`;
    }
}

let passed = 0;
let failed = 0;
let mattermost = null;
try {
    const server = await time('server build', () => ensureServer({log: say}));
    say(`Mattermost ${server.version} (${server.pseudoVersion}) ${server.cached ? 'cached' : `built in ${seconds(server.buildMs)}`}: ${server.binary}`);

    runDir = mkdtempSync(join(tmpdir(), 'tripwire-e2e-'));
    const postgres = await time('postgres start', () => startPostgres(runDir, register));
    say(`PostgreSQL ${postgres.version} on 127.0.0.1:${postgres.port} (pid ${postgres.pid})`);

    mattermost = await time('mattermost start', () => startMattermost({binary: server.binary, runDir, dsn: postgres.dsn, register}));
    say(`Mattermost on ${mattermost.siteURL} (pid ${mattermost.pid}), answering after ${seconds(mattermost.startMs)}`);

    const fixtures = await time('users, team, channels', () => createFixtures(mattermost.siteURL));
    say(`admin, alice, bob; team ${fixtures.team.name}; channels ${fixtures.publicChannel.name} (public), ${fixtures.privateChannel.name} (private)`);

    for (const bundlePath of bundlePaths) {
        const name = basename(bundlePath);
        try {
            const deployed = await time(`${name}: upload + enable`, () =>
                deployBundle({siteURL: mattermost.siteURL, username: 'admin', password: PASSWORD, bundlePath}),
            );
            const id = deployed.manifest.id;
            const activeMs = await time(`${name}: running`, () => waitForPluginRunning(fixtures.admin.client, id));
            passed++;
            say(`PASS ${id} ${deployed.manifest.version} activates: uploaded in ${deployed.uploadMs} ms, enabled in ${deployed.enableMs} ms, running ${activeMs} ms later`);
            const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY, 'i') : null;
            const scenarios = SCENARIOS[id]?.filter((s) => !only || only.test(s.name));
            if (!scenarios) throw new Error(`no scenarios for plugin ${id}; known: ${Object.keys(SCENARIOS).join(', ')}`);
            if (!scenarios.length) say(`no scenarios for ${id} yet: upload, enable and activation only`);
            const ctx = {...fixtures, siteURL: mattermost.siteURL, metricsURL: mattermost.metricsURL, pluginId: id, bundlePath, manifest: deployed.manifest};
            for (const scenario of scenarios) {
                const started = Date.now();
                try {
                    const note = await scenario.run(ctx);
                    passed++;
                    timings.push([`${id}: ${scenario.name}`, Date.now() - started]);
                    say(`PASS ${id}: ${scenario.name} (${Date.now() - started} ms${note ? `; ${note}` : ''})`);
                } catch (err) {
                    failed++;
                    say(`FAIL ${id}: ${scenario.name}: ${err.message}`);
                }
            }
        } catch (err) {
            failed++;
            say(`FAIL ${name}: ${err.message}`);
        }
    }
} catch (err) {
    failed++;
    if (!interrupted) console.error(`e2e: ${err.stack ?? err}`);
}

if (failed && mattermost && !interrupted) {
    console.error(`--- last plugin lines of ${mattermost.logFile}:`);
    console.error(tail(mattermost.logFile, 40, (l) => l.includes('"plugin_id"')));
}
await time('teardown', teardown);

console.log('\ntimings:');
const width = Math.max(...timings.map(([label]) => label.length));
for (const [label, ms] of timings) console.log(`  ${label.padEnd(width)} ${String(ms).padStart(7)} ms`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
