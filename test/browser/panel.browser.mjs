// Browser test (make test-browser): the real webapp bundle on the host page, backed by the real plugin under
// Mattermost's own plugin host code — make demo's playground (test/conformance/cmd/demo, DEMO_UI=1), signed in as
// @olivia, channel admin of ~ops. Debian's Chromium through playwright-core, headless, fresh profile. It opens the
// panel from the channel header, creates a regex rule, tests a message, sends a test delivery to the demo service and
// saves a screenshot after each step in test-output/browser/. Exit status 0 only when every step passed.
import {spawn} from 'node:child_process';
import {createServer} from 'node:http';
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {chromium} from 'playwright-core';

import {buildHostPage, root} from './build_host.mjs';

const OUT = join(root, 'test-output/browser');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DEMO_BIN = join(root, 'test/conformance/bin/demo');
const STEP_TIMEOUT = 15_000;

const results = [];
async function step(name, fn) {
    const started = Date.now();
    try {
        await fn();
        results.push({name, ok: true});
        process.stdout.write(`  ✓ ${name} (${Date.now() - started} ms)\n`);
    } catch (e) {
        results.push({name, ok: false});
        process.stdout.write(`  ✗ ${name}: ${e instanceof Error ? e.message.split('\n')[0] : e}\n`);
        throw e;
    }
}

/**
 * The service the rule calls: a real HTTP server on 127.0.0.1 (the demo allows 127.0.0.1/32) that records what it
 * receives and answers like an integration would, with text and an interactive attachment.
 */
function startTicketService() {
    const received = [];
    const server = createServer((req, res) => {
        let raw = '';
        req.on('data', (d) => (raw += d));
        req.on('end', () => {
            received.push({path: req.url, headers: req.headers, body: raw});
            const ticket = /[A-Z]+-\d+/.exec(raw)?.[0] ?? '?';
            const out = JSON.stringify({
                text: `Ticket **${ticket}**: checkout returns 500s`,
                response_type: 'comment',
                attachments: [{color: 'danger', title: ticket, fields: [{title: 'Status', value: 'Open', short: true}, {title: 'Assignee', value: '@olivia', short: true}], actions: [{id: 'take', name: 'Take it', type: 'button', style: 'primary'}]}],
            });
            res.writeHead(200, {'content-type': 'application/json', 'content-length': Buffer.byteLength(out)});
            res.end(out);
        });
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({server, received, url: `http://127.0.0.1:${server.address().port}`})));
}

/** Starts make demo's binary with the playground and returns its page URL. */
function startPlayground() {
    if (!existsSync(DEMO_BIN)) throw new Error(`${DEMO_BIN} is missing: make demo-bin`);
    const child = spawn(DEMO_BIN, [], {
        cwd: root,
        env: {...process.env, DEMO_UI: '1', DEMO_UI_PORT: '0', DEMO_FAST: process.env.DEMO_FAST ?? '1', NO_COLOR: '1'},
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the playground did not start in 180 s; output:\n${out.slice(-3000)}`)), 180_000);
        child.stdout.on('data', (d) => {
            out += d;
            const page = /(http:\/\/127\.0\.0\.1:\d+)\/host\.html/.exec(out);
            if (page) {
                clearTimeout(timer);
                resolve({child, base: page[1]});
            }
        });
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => reject(new Error(`the demo exited (${code}) before serving the playground; output:\n${out.slice(-3000)}`)));
    });
}

async function main() {
    if (!existsSync(join(root, 'webapp/dist/main.js'))) throw new Error('webapp/dist/main.js is missing: make webapp-build');
    await buildHostPage();
    rmSync(OUT, {recursive: true, force: true});
    mkdirSync(OUT, {recursive: true});
    const service = await startTicketService();
    const playground = await startPlayground();
    const profile = mkdtempSync(join(tmpdir(), 'tripwire-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: {width: 1280, height: 900},
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const shot = (name) => page.screenshot({path: join(OUT, `${name}.png`)});
    const dialog = page.getByRole('dialog');
    const ruleName = `Ticket links ${Date.now() % 10_000}`;
    try {
        await step('the host page loads the bundle, which registers with the host', async () => {
            await page.goto(`${playground.base}/host.html`);
            await page.locator('body[data-host-ready="true"]').waitFor();
            const methods = await page.evaluate(() => globalThis.__tripwireHost.registrations.map((r) => r.method));
            for (const m of ['registerReducer', 'registerRootComponent', 'registerChannelHeaderButtonAction', 'registerChannelHeaderMenuAction', 'registerPostTypeComponent', 'registerAdminConsoleCustomSetting']) {
                if (!methods.includes(m)) throw new Error(`${m} was not called (calls: ${methods.join(', ')})`);
            }
            await shot('01-channel');
        });
        await step('the channel header button opens the panel with the channel rules', async () => {
            await page.getByTestId('channel-header-plugin-button').click();
            await dialog.getByRole('button', {name: 'Add rule'}).waitFor();
            await shot('02-panel');
        });
        await step('a regex rule is created', async () => {
            await dialog.getByRole('button', {name: 'Add rule'}).click();
            await dialog.getByLabel('Name', {exact: true}).fill(ruleName);
            await dialog.getByLabel('Trigger when').selectOption('regex');
            await dialog.getByLabel('Pattern').fill('(?P<ticket>[A-Z]+-\\d+)');
            await dialog.getByLabel('Callback URL').fill(`${service.url}/hooks/tickets`);
            await dialog.getByRole('button', {name: 'Save rule'}).click();
            await dialog.getByText('Saved.').waitFor();
            await dialog.getByRole('button', {name: 'Generate secret'}).click();
            await dialog.getByText(/Copy it now; it is not shown again: whsec_/).waitFor();
            await shot('03-rule-saved');
        });
        await step('the matcher tester shows the rule matching and its capture group', async () => {
            await dialog.getByRole('tab', {name: 'Test a message'}).click();
            await dialog.getByLabel('Message', {exact: true}).fill('please look at OPS-42 today');
            const outcome = dialog.locator('.tw-outcome-matched', {hasText: ruleName});
            await outcome.waitFor();
            await outcome.getByRole('table', {name: 'Captured'}).getByRole('row', {name: /ticket/}).getByText('OPS-42').waitFor();
            await shot('04-tester');
        });
        await step('send test shows the rendered request and the reply', async () => {
            await dialog.getByRole('tab', {name: 'Rules'}).click();
            await dialog.getByRole('listitem', {name: ruleName}).getByRole('button', {name: 'Edit'}).click();
            const bench = dialog.getByLabel('Send a test');
            await bench.getByLabel('Message', {exact: true}).fill('please look at OPS-42 today');
            await bench.getByRole('button', {name: 'Send test'}).click();
            const result = dialog.getByTestId('tripwire-test-result');
            await result.waitFor();
            const request = await result.getByLabel('Request').textContent();
            if (!request?.includes('/hooks/tickets') || !request.includes('webhook-signature')) throw new Error(`the request shown is not the rule's signed request: ${request}`);
            const got = service.received.at(-1);
            if (!got || !got.body.includes('OPS-42')) throw new Error(`the service did not receive the sample message (got ${JSON.stringify(got)})`);
            await result.locator('.tw-badge', {hasText: 'HTTP 200'}).waitFor();
            const preview = result.getByTestId('tripwire-reply-preview');
            await preview.getByText('checkout returns 500s').waitFor();
            await preview.getByRole('button', {name: 'Take it'}).waitFor();
            await preview.scrollIntoViewIfNeeded();
            await shot('05-send-test');
        });
        await step('the delivery log opens for the rule', async () => {
            await dialog.getByRole('tab', {name: 'Delivery log'}).click();
            await dialog.getByLabel('Rule').waitFor();
            await shot('06-delivery-log');
        });
        if (pageErrors.length > 0) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
    } catch {
        await shot('failure').catch(() => undefined);
    } finally {
        await context.close();
        rmSync(profile, {recursive: true, force: true});
        playground.child.kill('SIGINT');
        service.server.close();
    }
    const failed = results.filter((r) => !r.ok).length + (results.length < 6 ? 1 : 0);
    process.stdout.write(failed === 0 ? `PASS browser test: ${results.length} steps, screenshots in test-output/browser/\n` : `FAIL browser test: screenshots in test-output/browser/\n`);
    return failed === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`browser test: ${e instanceof Error ? e.message : e}\n`);
        process.exit(1);
    },
);
