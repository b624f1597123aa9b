// Tripwire's metrics in the real server: Mattermost's metrics listener (MetricsSettings.Enable, no license) serves
// /plugins/tripwire/metrics through the plugin's ServeMetrics hook, and the System Console's delivery health reads the
// same figures. The conformance test (test/conformance/metrics) parses the text with Prometheus' own parser; here a
// strict line parser is enough to read the values real posts produced.
import {withReceiver, json} from '../lib/receiver.mjs';
import {allowHosts, check, expectStatus, makeChannel, PLUGIN_ID, ruleSpec, waitForDeliveries} from '../lib/tripwire.mjs';

/** `name{a="x",...} value` lines → [{name, labels, value}]; comments skipped, anything else refused. */
function parseExposition(text) {
    const samples = [];
    for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
        check(m, `not a Prometheus sample line: ${line}`);
        const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
        samples.push({name: m[1], labels, value: Number(m[3])});
    }
    return samples;
}

const valueOf = (samples, name, labels) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

async function scrape(ctx) {
    const res = await fetch(`${ctx.metricsURL}/plugins/${PLUGIN_ID}/metrics`, {signal: AbortSignal.timeout(10_000)});
    const text = await res.text();
    check(res.status === 200, `GET ${ctx.metricsURL}/plugins/${PLUGIN_ID}/metrics: ${res.status} ${text.slice(0, 300)}`);
    check((res.headers.get('content-type') ?? '').startsWith('text/plain; version=0.0.4'), `content-type ${res.headers.get('content-type')}`);
    return parseExposition(text);
}

async function metricsListener(ctx) {
    return withReceiver({}, async (receiver) => {
        await allowHosts(ctx, ['127.0.0.1']);
        receiver.respond((req) => (req.path.startsWith('/bad') ? {status: 400, body: 'no'} : json({})));
        const channel = await makeChannel(ctx, {name: 'tw-metrics'});
        const trigger = {mode: 'exact', words: ['measure']};
        const ok = await expectStatus(ctx, ctx.alice, 'POST', '/rules', ruleSpec(ctx, {name: 'metrics ok', channels: [channel], trigger, endpoint: {url: `${receiver.url}/ok`}}), 201);
        const bad = await expectStatus(ctx, ctx.alice, 'POST', '/rules', ruleSpec(ctx, {name: 'metrics bad', channels: [channel], trigger, endpoint: {url: `${receiver.url}/bad`}}), 201);
        const message = 'measure e2e-secret-text';
        await ctx.alice.client.createPost({channel_id: channel.id, message});
        await waitForDeliveries(ctx, ctx.alice, ok.id, (es) => es.some((e) => e.status === 'succeeded'), 15_000, 'succeeded entry');
        await waitForDeliveries(ctx, ctx.alice, bad.id, (es) => es.some((e) => e.status === 'failed'), 15_000, 'failed entry');

        const samples = await scrape(ctx);
        const succeeded = valueOf(samples, 'tripwire_deliveries_total', {rule_id: ok.id, endpoint_id: 'recv', outcome: 'succeeded'});
        const failed = valueOf(samples, 'tripwire_deliveries_total', {rule_id: bad.id, endpoint_id: 'recv', outcome: 'failed'});
        check(succeeded === 1 && failed === 1, `tripwire_deliveries_total: ok succeeded ${succeeded}, bad failed ${failed}; want 1 and 1`);
        const latency = valueOf(samples, 'tripwire_delivery_attempt_duration_seconds_count', {rule_id: ok.id, endpoint_id: 'recv'});
        check(latency === 1, `attempt duration count for the ok rule: ${latency}`);
        const hooks = valueOf(samples, 'tripwire_hook_duration_seconds_count', {hook: 'MessageHasBeenPosted'});
        check(hooks >= 1, `MessageHasBeenPosted durations: ${hooks}`);
        for (const name of ['tripwire_queue_depth', 'tripwire_queue_oldest_age_seconds', 'tripwire_breakers', 'tripwire_match_duration_seconds_count']) {
            check(samples.some((s) => s.name === name), `${name} missing from the scrape`);
        }
        const leaked = samples.filter((s) => Object.values(s.labels).some((v) => v.includes('secret-text')));
        check(leaked.length === 0, `message text in labels: ${JSON.stringify(leaked[0])}`);

        const health = await expectStatus(ctx, ctx.admin, 'GET', '/admin/delivery-health', undefined, 200);
        const row = health.rules.find((r) => r.rule_id === bad.id);
        check(row?.failed === 1 && row.rule_name === 'metrics bad', `delivery health rules: ${JSON.stringify(health.rules)}`);
        check(health.endpoints.some((e) => e.rule_id === bad.id && e.endpoint_id === 'recv' && e.failed === 1), `delivery health endpoints: ${JSON.stringify(health.endpoints)}`);
        await expectStatus(ctx, ctx.alice, 'GET', '/admin/delivery-health', undefined, 403);

        // A deleted rule's series go with it.
        await expectStatus(ctx, ctx.alice, 'DELETE', `/rules/${bad.id}`, undefined, 204);
        const after = await scrape(ctx);
        check(!after.some((s) => s.labels.rule_id === bad.id), 'the deleted rule still has series');
        await expectStatus(ctx, ctx.alice, 'DELETE', `/rules/${ok.id}`, undefined, 204);
        return `${samples.length} samples; health lists the failing rule`;
    });
}

export const tripwireMetricsScenarios = [{name: 'metrics: the metrics listener serves /plugins/tripwire/metrics (ServeMetrics), the System Console health agrees', run: metricsListener}];
