// Browser test (make test-browser): the real webapp bundle on the host page, backed by the real plugin under
// Mattermost's own plugin host code — make demo's playground (test/conformance/cmd/demo, DEMO_UI=1), signed in as
// @olivia, channel admin of ~ops. Debian's Chromium through playwright-core, headless, fresh profile. It creates a
// rule with the keyboard only (keystrokes counted and printed), creates a regex rule with the mouse (clicks and
// keystrokes counted), checks the unsaved-changes prompt and the field errors with their summary, tests a message,
// sends a test delivery, imports the channel's native outgoing webhooks, starts a rule from a service template, opens
// the delivery log, runs axe-core on the panel in the light and the dark theme and on
// the chat, and chats: a post goes through MessageHasBeenPosted, the service's reply appears, its buttons and dialog
// work, /tripwire answers ephemerally, the system admin sees the System Console section. A screenshot after each step
// lands in test-output/browser/. Exit status 0 only when every step passed.
//
// axe-core is resolved as a root devDependency (axe-core/axe.min.js); AXE_CORE_PREFIX=<dir> (an
// `npm install --prefix <dir> axe-core`) is used instead only when set.
import {spawn} from 'node:child_process';
import {createServer} from 'node:http';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {chromium} from 'playwright-core';

import {buildHostPage, root} from './build_host.mjs';

const OUT = join(root, 'test-output/browser');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DEMO_BIN = join(root, 'test/conformance/bin/demo');
const STEP_TIMEOUT = 15_000;
const STEPS = 17;

/** axe-core's browser build: the root devDependency, or AXE_CORE_PREFIX's copy when that is set. */
function axeSource() {
    const prefix = process.env.AXE_CORE_PREFIX;
    const file = prefix ? join(prefix, 'node_modules/axe-core/axe.min.js') : createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    return readFileSync(file, 'utf8');
}

/**
 * Runs axe-core (WCAG 2 A/AA rules) on what `selector` matches and fails on serious or critical violations, listing
 * each with its nodes. Returns the counts by impact, for the log.
 */
async function audit(page, selector, label) {
    if (!(await page.evaluate(() => Boolean(globalThis.axe)))) await page.addScriptTag({content: axeSource()});
    const result = await page.evaluate(
        async (sel) => {
            const r = await globalThis.axe.run(sel, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']});
            return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ')}`)}));
        },
        selector,
    );
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const counts = result.reduce((acc, v) => ({...acc, [v.impact]: (acc[v.impact] ?? 0) + 1}), {});
    process.stdout.write(`    axe ${label}: ${result.length} violation rule(s) ${JSON.stringify(counts)}${result.length ? ': ' + result.map((v) => `${v.id}(${v.impact})`).join(', ') : ''}\n`);
    if (bad.length > 0) throw new Error(`axe found serious/critical violations on ${label}: ${bad.map((v) => `${v.id} (${v.impact}: ${v.help}) at ${v.nodes.join(' | ')}`).join('; ')}`);
}

/** Counts what a user does: clicks and keystrokes (a typed character is one keystroke). */
function counter(page) {
    const c = {clicks: 0, keys: 0, presses: 0, started: Date.now()};
    return {
        c,
        click: async (locator) => {
            c.clicks++;
            await locator.click();
        },
        fill: async (locator, text) => {
            c.clicks++; // into the field
            c.keys += text.length;
            await locator.fill(text);
        },
        press: async (key) => {
            c.keys++;
            c.presses++;
            await page.keyboard.press(key);
        },
        type: async (text) => {
            c.keys += text.length;
            await page.keyboard.type(text);
        },
        report: (what) => `${what}: ${c.clicks} click(s), ${c.keys} keystroke(s) (${c.keys - c.presses} typed characters, ${c.presses} Tab/Enter/other keys), ${((Date.now() - c.started) / 1000).toFixed(1)} s`,
    };
}

/** What has focus, as a screen reader would name it: its label, aria-label or text. */
const focusedName = (page) =>
    page.evaluate(() => {
        const el = globalThis.document.activeElement;
        if (!el || el === globalThis.document.body) return '';
        const label = el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
        return `${el.tagName.toLowerCase()}:${label.trim().replace(/\s+/g, ' ').slice(0, 60)}`;
    });

/** Presses Tab until the focused element's name matches (at most `limit` presses). Keyboard only. */
async function tabTo(page, kb, re, limit = 80) {
    for (let i = 0; i < limit; i++) {
        if (re.test(await focusedName(page))) return;
        await kb.press('Tab');
    }
    throw new Error(`Tab never reached ${re} (last focus: ${await focusedName(page)})`);
}

/**
 * The editor's "Saved." status, matched exactly: getByText('Saved.') alone is a case-insensitive substring match, and a
 * new rule's Send test note ("…before it is saved. The request…") matched it before the save had even been answered.
 */
const savedStatus = (dialog) => dialog.getByRole('status').getByText('Saved.', {exact: true});

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
    const keyboardRule = `Keyboard tickets ${Date.now() % 10_000}`;
    const timings = [];
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
        await step('keyboard only: a first rule is created with Tab, Enter, Space and arrows (no clicks)', async () => {
            const kb = counter(page);
            await page.locator('body').focus();
            await tabTo(page, kb, /^button:.*Tripwire/i);
            await kb.press('Enter');
            await dialog.getByRole('button', {name: 'Add rule'}).waitFor();
            await tabTo(page, kb, /^button:Add rule$/);
            await kb.press('Enter');
            await tabTo(page, kb, /^input:Name$/);
            await shot('02a-new-rule-form');
            await kb.type(keyboardRule);
            await tabTo(page, kb, /^(input|textarea):Trigger words/);
            await kb.type('ticket');
            await tabTo(page, kb, /^input:Callback URL/);
            await kb.type(`${service.url}/hooks/keyboard`);
            await tabTo(page, kb, /^button:Save rule$/);
            await kb.press('Enter');
            await savedStatus(dialog).waitFor();
            if (kb.c.clicks !== 0) throw new Error('a click was used');
            timings.push(kb.report('keyboard-only first rule'));
            await shot('02b-keyboard-rule-saved');
        });
        await step('the unsaved-changes prompt guards Escape and Back to rules', async () => {
            await dialog.getByRole('button', {name: /Back to rules/}).click();
            await dialog.getByRole('listitem', {name: keyboardRule}).waitFor();
            await dialog.getByRole('button', {name: 'Add rule'}).click();
            await dialog.getByLabel('Name', {exact: true}).fill('Half done');
            await page.keyboard.press('Escape');
            const prompt = page.getByRole('alertdialog');
            await prompt.getByText('You have unsaved changes. Discard them?').waitFor();
            const focused = await focusedName(page);
            if (!/Keep editing/.test(focused)) throw new Error(`the prompt's "Keep editing" should have focus, not ${focused}`);
            await shot('03-unsaved-prompt');
            await page.keyboard.press('Escape');
            if ((await dialog.getByLabel('Name', {exact: true}).inputValue()) !== 'Half done') throw new Error('Keep editing lost the draft');
            await dialog.getByRole('button', {name: /Back to rules/}).click();
            await prompt.getByRole('button', {name: 'Discard changes'}).click();
            await dialog.getByRole('button', {name: 'Add rule'}).waitFor();
        });
        await step('field errors: a save with nothing filled lists them, and each entry focuses its field', async () => {
            await dialog.getByRole('button', {name: 'Add rule'}).click();
            await dialog.getByRole('button', {name: 'Save rule'}).click();
            const summary = dialog.getByTestId('tripwire-error-summary');
            await summary.waitFor();
            const entries = summary.getByRole('button');
            const n = await entries.count();
            if (n < 1) throw new Error('the summary lists no field');
            await shot('04-field-errors');
            const text = (await entries.first().textContent()) ?? '';
            await entries.first().click();
            const target = await page.evaluate(() => {
                const el = globalThis.document.activeElement;
                return {path: el?.getAttribute('data-path') ?? '', invalid: el?.getAttribute('aria-invalid') ?? '', name: el?.labels?.[0]?.textContent ?? el?.getAttribute('aria-label') ?? ''};
            });
            if (!target.path || !text.startsWith(target.name.trim())) throw new Error(`the entry "${text}" put focus on ${JSON.stringify(target)}`);
            process.stdout.write(`    summary: ${n} entr${n === 1 ? 'y' : 'ies'}; "${text}" focused field ${target.path} (aria-invalid=${target.invalid})\n`);
            await shot('05-field-error-focused');
            await dialog.getByRole('button', {name: /Back to rules/}).click();
            await page.getByRole('alertdialog').getByRole('button', {name: 'Discard changes'}).click({timeout: 1000}).catch(() => undefined);
            await dialog.getByRole('button', {name: 'Add rule'}).waitFor();
        });
        await step('with the mouse: a regex rule is created', async () => {
            const ms = counter(page);
            await ms.click(dialog.getByRole('button', {name: 'Add rule'}));
            await ms.fill(dialog.getByLabel('Name', {exact: true}), ruleName);
            ms.c.clicks++;
            await dialog.getByLabel('Trigger when').selectOption('regex');
            await ms.fill(dialog.getByLabel('Pattern'), '(?P<ticket>[A-Z]+-\\d+)');
            await ms.fill(dialog.getByLabel('Callback URL'), `${service.url}/hooks/tickets`);
            await ms.click(dialog.getByRole('button', {name: 'Save rule'}));
            await savedStatus(dialog).waitFor();
            timings.push(ms.report('mouse regex rule'));
            await dialog.getByRole('button', {name: 'Generate secret'}).click();
            await dialog.getByText(/Copy it now; it is not shown again: whsec_/).waitFor();
            await shot('06-rule-saved');
        });
        await step('the matcher tester shows the rule matching and its capture group', async () => {
            await dialog.getByRole('tab', {name: 'Test a message'}).click();
            await dialog.getByLabel('Message', {exact: true}).fill('please look at OPS-42 today');
            const outcome = dialog.locator('.tw-outcome-matched', {hasText: ruleName});
            await outcome.waitFor();
            await outcome.getByRole('table', {name: 'Captured'}).getByRole('row', {name: /ticket/}).getByText('OPS-42').waitFor();
            await shot('07-tester');
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
            await shot('08-send-test');
        });
        await step('axe-core: no serious or critical violations in the panel (light theme)', async () => {
            await audit(page, '[role="dialog"]', 'panel editor, light');
            await dialog.getByRole('button', {name: /Back to rules/}).click();
            await page.getByRole('alertdialog').getByRole('button', {name: 'Discard changes'}).click({timeout: 1000}).catch(() => undefined);
            await dialog.getByRole('listitem', {name: ruleName}).waitFor();
            await audit(page, '[role="dialog"]', 'panel rule list, light');
        });
        await step('the delivery log opens for the rule', async () => {
            await dialog.getByRole('tab', {name: 'Delivery log'}).click();
            await dialog.getByLabel('Rule').waitFor();
            await shot('09-delivery-log');
            await audit(page, '[role="dialog"]', 'delivery log, light');
        });
        await step('dark theme (Mattermost Onyx variables): the panel reads and passes axe-core', async () => {
            await page.evaluate(() => globalThis.__tripwireHost.applyTheme('dark'));
            const bg = await dialog.evaluate((el) => globalThis.getComputedStyle(el).backgroundColor);
            await shot('10-dark-delivery-log');
            await audit(page, '[role="dialog"]', 'delivery log, dark');
            await dialog.getByRole('tab', {name: 'Rules'}).click();
            await dialog.getByRole('listitem', {name: ruleName}).getByRole('button', {name: 'Edit'}).click();
            await dialog.getByLabel('Name', {exact: true}).waitFor();
            await shot('11-dark-editor');
            await audit(page, '[role="dialog"]', 'panel editor, dark');
            process.stdout.write(`    dark panel background: ${bg}\n`);
            await page.keyboard.press('Escape');
            await dialog.waitFor({state: 'detached'});
            await page.evaluate(() => globalThis.__tripwireHost.applyTheme('light'));
        });
        await step('native import: the channel\'s outgoing webhooks are listed, converted ones marked, one converts in one click', async () => {
            // The playground has no native outgoing webhooks: Mattermost's own list (GET /api/v4/hooks/outgoing, the
            // caller's session) is answered here as Mattermost answers it; the conversion is the real plugin's.
            // Native outgoing webhooks exist only in public channels: ~town-square, where @olivia is a channel admin.
            await page.getByRole('navigation', {name: 'channels'}).getByRole('link', {name: /Town Square/}).click();
            await page.getByRole('heading', {name: 'Town Square', level: 1}).waitFor();
            await page.getByRole('button', {name: /Tripwire/i}).first().click();
            await dialog.getByRole('button', {name: 'Add rule'}).waitFor();
            const {channelId, teamId} = await page.evaluate(() => {
                const e = globalThis.__tripwireStore.getState().entities;
                const id = e.channels.currentChannelId;
                return {channelId: id, teamId: e.channels.channels[id].team_id};
            });
            const hook = (over) => ({token: 'nativetok9x2k4m7q1z8b5h3w6', creator_id: '', channel_id: channelId, team_id: teamId, trigger_when: 0, content_type: 'application/json', description: '', delete_at: 0, ...over});
            const hooks = [
                hook({id: 'nativehook1aaaaaaaaaaaaaaa', display_name: 'Legacy deploy hook', trigger_words: ['deploy', 'ship'], callback_urls: [`${service.url}/native/deploy`]}),
                hook({id: 'nativehook2aaaaaaaaaaaaaaa', display_name: 'Old FTP drop', trigger_words: ['upload'], callback_urls: ['ftp://files.example.com/in']}),
            ];
            await page.route('**/api/v4/hooks/outgoing?**', (route) => {
                const q = new URL(route.request().url()).searchParams;
                return route.fulfill({status: 200, contentType: 'application/json', body: JSON.stringify(q.get('channel_id') === channelId ? hooks : [])});
            });
            await dialog.getByRole('button', {name: 'Import native webhooks'}).click();
            const section = dialog.getByTestId('tripwire-native-import');
            const deploy = section.getByRole('listitem', {name: 'Legacy deploy hook'});
            await deploy.getByText('First word is deploy, ship').waitFor();
            // What cannot be carried over is said before converting: this one would be imported disabled.
            await section.getByRole('listitem', {name: 'Old FTP drop'}).getByText('Note: no usable callback URL: imported disabled').waitFor();
            await shot('11a-native-import-list');
            await audit(page, '[role="dialog"]', 'native import list, light');
            await deploy.getByRole('button', {name: 'Convert to rule: Legacy deploy hook'}).click();
            await deploy.getByText('Converted: rule “Legacy deploy hook”').waitFor();
            await dialog.locator('.tw-rule-list[role="list"]').last().getByRole('listitem', {name: 'Legacy deploy hook'}).waitFor();
            const text = await dialog.textContent();
            if (text?.includes('nativetok9x2k4m7q1z8b5h3w6')) throw new Error('the native token is shown in the panel');
            await shot('11b-native-import-converted');
            // Opened again, the list marks the hook as converted (the rule exists) instead of offering it twice.
            await section.getByRole('button', {name: 'Close'}).click();
            await dialog.getByRole('button', {name: 'Import native webhooks'}).click();
            await dialog.getByTestId('tripwire-native-import').getByRole('listitem', {name: 'Legacy deploy hook'}).getByText('Converted: rule “Legacy deploy hook”').waitFor();
            await dialog.getByTestId('tripwire-native-import').getByRole('button', {name: 'Close'}).click();
            await page.unroute('**/api/v4/hooks/outgoing?**');
        });
        await step('templates: "Start from a template" fills the new-rule form; the token is required, then the rule saves', async () => {
            await dialog.getByRole('button', {name: 'Add rule'}).click();
            const picker = dialog.getByTestId('tripwire-template-picker');
            await picker.getByText('Start from a template').click();
            await picker.getByLabel('Service').selectOption('n8n_webhook');
            await picker.getByRole('button', {name: 'Use template'}).click();
            await picker.getByText(/Filled from the n8n \(Webhook node\) template/).waitFor();
            const url = dialog.getByLabel('Callback URL');
            if ((await url.inputValue()) !== 'https://n8n.example.com/webhook/WEBHOOK_PATH') throw new Error(`the template did not fill the URL: ${await url.inputValue()}`);
            const token = dialog.getByLabel('Token', {exact: true});
            if ((await token.inputValue()) !== '') throw new Error('the template filled a secret');
            await shot('11c-template-filled');
            await dialog.getByRole('button', {name: 'Save rule'}).click();
            await dialog.getByTestId('tripwire-error-summary').getByText(/Enter the n8n \(Webhook node\) key or token/).waitFor();
            await shot('11d-template-token-required');
            await url.fill(`${service.url}/webhook/chat-ops`);
            await token.fill('n8n-header-auth-value-7k2m');
            await dialog.getByLabel('Name', {exact: true}).fill(`n8n chat-ops ${Date.now() % 10_000}`);
            await dialog.getByRole('button', {name: 'Save rule'}).click();
            await savedStatus(dialog).waitFor();
            await shot('11e-template-saved');
            await audit(page, '[role="dialog"]', 'rule from a template, light');
            await page.keyboard.press('Escape');
            await dialog.waitFor({state: 'detached'});
        });
        await step('events and bot identity: a rule fires on :ticket: reactions and posts as its own bot', async () => {
            await page.getByRole('button', {name: /Tripwire/i}).first().click();
            await dialog.getByRole('button', {name: 'Add rule'}).click();
            await dialog.getByLabel('Name', {exact: true}).fill(`Ticket reactions ${Date.now() % 10_000}`);
            await dialog.getByText('Description, posts and events, on/off').click();
            await dialog.getByRole('checkbox', {name: 'New messages'}).uncheck();
            await dialog.getByRole('checkbox', {name: 'Reactions added'}).check();
            // Reactions carry no text: choosing one switches the trigger to every message.
            if ((await dialog.getByLabel('Trigger when').inputValue()) !== 'any') throw new Error('a reaction event left a word trigger');
            await dialog.getByLabel('Only these emoji').fill(':ticket:');
            await dialog.getByLabel('Callback URL').fill(`${service.url}/reactions`);
            await shot('11f-events-reaction');
            // The demo's system admin allows rule bots (guardrail allow_rule_bots), so "Post as" is offered.
            await dialog.locator('summary', {hasText: /^Post as/}).click();
            await dialog.getByLabel('Post replies as a bot of this rule’s own').check();
            await dialog.getByLabel('Bot username').fill(`ticketbot${Date.now() % 10_000}`);
            await dialog.getByLabel('Display name').fill('Ticket Bot');
            const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
            await dialog.getByLabel('Avatar').setInputFiles({name: 'bot.png', mimeType: 'image/png', buffer: png});
            // The file is read asynchronously: its preview (with Remove avatar) says it is in the rule.
            await dialog.getByRole('button', {name: 'Remove avatar'}).waitFor();
            await shot('11g-post-as-bot');
            await audit(page, '[role="dialog"]', 'events and post-as, light');
            await dialog.getByRole('button', {name: 'Save rule'}).click();
            await savedStatus(dialog).waitFor();
            await dialog.getByText(/^Edit .Ticket reactions/).waitFor();
            // Saved, so nothing is left to discard: Escape closes the panel at once, without asking.
            await page.keyboard.press('Escape');
            const closed = await dialog.waitFor({state: 'detached', timeout: 3000}).then(() => true, () => false);
            if (!closed) throw new Error(`Escape right after saving did not close the panel${(await page.getByRole('alertdialog').isVisible()) ? ': it asked to discard changes' : ''}`);
            await page.getByRole('button', {name: /Tripwire/i}).first().click();
            await dialog.getByRole('listitem', {name: /^Ticket reactions/}).waitFor();
            await page.keyboard.press('Escape');
            await dialog.waitFor({state: 'detached'});
        });
        await step('chat: a post goes through MessageHasBeenPosted, the service replies with buttons', async () => {
            await page.getByRole('navigation', {name: 'channels'}).getByRole('link', {name: /Town Square/}).click();
            await page.getByRole('heading', {name: 'Town Square', level: 1}).waitFor();
            await page.getByLabel('Write to Town Square').fill('incident payments are failing');
            await shot('12-chat-compose');
            await page.getByLabel('Write to Town Square').press('Enter');
            const log = page.getByRole('log', {name: 'posts in Town Square'});
            await log.getByText('incident payments are failing').waitFor();
            const reply = log.getByTestId('post').filter({hasText: 'Incident opened by @olivia'}).last();
            await reply.getByRole('button', {name: 'Acknowledge'}).waitFor();
            await shot('13-chat-reply');
            await audit(page, '.mm-app', 'playground chat, light');
        });
        await step('chat: clicking the reply\'s button updates the post (the real /interactive/action route)', async () => {
            const log = page.getByRole('log', {name: 'posts in Town Square'});
            const reply = log.getByTestId('post').filter({hasText: 'Incident opened by @olivia'}).last();
            const id = await reply.getAttribute('data-post-id');
            await reply.getByRole('button', {name: 'Acknowledge'}).click();
            await log.locator(`[data-post-id="${id}"]`, {hasText: 'acknowledged by @olivia'}).waitFor();
            await shot('14-chat-button-updated');
        });
        await step('chat: Escalate opens the service\'s dialog; its field error shows, then it submits', async () => {
            await page.getByLabel('Write to Town Square').fill('incident search is slow');
            await page.getByLabel('Write to Town Square').press('Enter');
            const log = page.getByRole('log', {name: 'posts in Town Square'});
            const reply = log.getByTestId('post').filter({hasText: 'search is slow'}).filter({has: page.getByRole('button', {name: 'Escalate'})}).last();
            await reply.getByRole('button', {name: 'Escalate'}).click();
            const dlg = page.getByRole('dialog', {name: 'Escalate INC-42'});
            await dlg.waitFor();
            await dlg.getByRole('button', {name: 'Escalate'}).click();
            await dlg.getByText('Say why it needs escalating.').waitFor();
            await shot('15-chat-dialog-error');
            await dlg.getByLabel('Reason').fill('customers are waiting');
            await dlg.getByRole('button', {name: 'Escalate'}).click();
            await dlg.waitFor({state: 'detached'});
        });
        await step('chat: /tripwire runs through ExecuteCommand and answers only to the user', async () => {
            await page.getByLabel('Write to Town Square').fill('/tripwire list');
            await page.getByLabel('Write to Town Square').press('Enter');
            const log = page.getByRole('log', {name: 'posts in Town Square'});
            const answer = log.getByTestId('post').filter({hasText: '(Only visible to you)'}).last();
            await answer.getByText('Incident buttons').waitFor();
            await shot('16-chat-command');
        });
        await step('dark theme: the chat passes axe-core; the system admin sees the System Console section', async () => {
            await page.evaluate(() => globalThis.__tripwireHost.applyTheme('dark'));
            await shot('17-dark-chat');
            await audit(page, '.mm-app', 'playground chat, dark');
            if (await page.getByRole('region', {name: 'admin console'}).count()) throw new Error('@olivia sees the System Console section');
            await page.getByLabel('Acting as').selectOption('admin');
            await page.locator('body[data-host-ready="true"]').waitFor();
            await page.getByRole('region', {name: 'admin console'}).waitFor();
            await page.getByRole('region', {name: 'admin console'}).scrollIntoViewIfNeeded();
            await shot('18-admin-console');
        });
        if (pageErrors.length > 0) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
    } catch {
        await shot('failure').catch(() => undefined);
        if (pageErrors.length > 0) process.stdout.write(`  errors in the page: ${pageErrors.join('; ')}\n`);
    } finally {
        await context.close();
        rmSync(profile, {recursive: true, force: true});
        playground.child.kill('SIGINT');
        service.server.close();
    }
    for (const t of timings) process.stdout.write(`  ${t}\n`);
    const failed = results.filter((r) => !r.ok).length + (results.length < STEPS ? 1 : 0);
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
