// The demo's external service (make demo): a small HTTP server on 127.0.0.1 standing in for the services Tripwire
// rules call. It verifies each request's Standard Webhooks signature with the reference library (standardwebhooks),
// and answers as a real integration would:
//
//   POST /deploy    the regex rule's endpoint: the first two attempts of each delivery (counted by webhook-id, which
//                   stays the same on every retry) fail with 503, the third answers a thread reply
//                   (response_type "comment") naming the service and environment the rule captured;
//   POST /buttons   the trigger-word rule's endpoint: text plus an attachment with two buttons;
//   POST /actions   where those buttons' clicks end up (through the plugin): Acknowledge updates the post,
//                   Escalate opens a dialog (its submission comes back here).
//
// stdout carries one JSON object per line, for the demo driver (test/conformance/cmd/demo) to narrate:
//   {"event":"listening","url":"http://127.0.0.1:<port>"}            once, first
//   {"event":"request","method","path","webhook_id","attempt","signature","status",...}   one per request
// Environment: DEMO_SIGNING_SECRET (whsec_...) is the secret the demo set on both endpoints; without it signatures are
// reported as "unchecked". DEMO_FAIL_FIRST (default 2) is how many attempts of a /deploy delivery fail.
//
// Run by hand: `DEMO_SIGNING_SECRET=whsec_... node test/demo/receiver.mjs`, then point a rule at the printed URL.
import {createServer} from 'node:http';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const {Webhook} = require('standardwebhooks');

const secret = process.env.DEMO_SIGNING_SECRET ?? '';
const failFirst = Number.parseInt(process.env.DEMO_FAIL_FIRST ?? '2', 10);
const verifier = secret ? new Webhook(secret) : null;
const MAX_BODY = 1 << 20;

/** Attempts seen per webhook-id (the idempotency key every retry of a delivery repeats). */
const attempts = new Map();

const emit = (obj) => process.stdout.write(`${JSON.stringify({at: Date.now(), ...obj})}\n`);

function excerpt(text, max = 160) {
    const flat = text.replace(/\s+/g, ' ');
    return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** The body as the endpoint's payload mode sent it: JSON (compat/rich) or a form (compat form, slack). */
function parseBody(contentType, raw) {
    if (/json/i.test(contentType)) {
        try {
            return JSON.parse(raw);
        } catch {
            return null;
        }
    }
    if (/x-www-form-urlencoded/i.test(contentType)) return Object.fromEntries(new URLSearchParams(raw));
    return null;
}

/** Standard Webhooks verification with the reference library: "ok", "missing", "unchecked" or "invalid: why". */
function verify(raw, headers) {
    if (!headers['webhook-signature']) return 'missing';
    if (!verifier) return 'unchecked';
    try {
        verifier.verify(raw, {
            'webhook-id': headers['webhook-id'] ?? '',
            'webhook-timestamp': headers['webhook-timestamp'] ?? '',
            'webhook-signature': headers['webhook-signature'],
        });
        return 'ok';
    } catch (err) {
        return `invalid: ${err.message}`;
    }
}

/** The deploy service: fails the first attempts, then answers in the trigger's thread. */
function deploy(body, attempt) {
    if (attempt <= failFirst) {
        return {status: 503, json: {error: `deploy queue is warming up (attempt ${attempt})`}};
    }
    const groups = body?.matches?.groups ?? {};
    const service = groups.service ?? '?';
    const env = groups.env ?? '?';
    const who = body?.user_name ? ` for @${body.user_name}` : '';
    return {
        status: 200,
        json: {
            response_type: 'comment',
            text: `:rocket: Deploying **${service}** to **${env}**${who}: pipeline #${1000 + attempts.size} started (after ${attempt} attempts).`,
        },
    };
}

/** The incident service: a reply with buttons (their clicks come back to /actions through the plugin). */
function buttons(body, baseUrl) {
    const text = body?.text ?? '';
    const summary = text.split(/\s+/).slice(1).join(' ') || 'no details';
    const action = (id, name, style) => ({id, name, type: 'button', style, integration: {url: `${baseUrl}/actions`, context: {action: id, summary}}});
    return {
        status: 200,
        json: {
            text: `:rotating_light: Incident opened by @${body?.user_name ?? 'someone'}`,
            attachments: [
                {
                    fallback: `Incident: ${summary}`,
                    color: '#d24b4e',
                    title: 'Incident INC-42',
                    text: summary,
                    fields: [{title: 'Severity', value: 'SEV-2', short: true}],
                    actions: [action('ack', 'Acknowledge', 'primary'), action('escalate', 'Escalate', 'danger')],
                },
            ],
        },
    };
}

/**
 * A button click forwarded by the plugin: Acknowledge updates the post (Mattermost's PostActionIntegrationResponse);
 * Escalate asks for a reason in a dialog, whose submission comes back here too (a reason is required).
 */
function clicked(body) {
    if (body?.type === 'dialog_submission') {
        const reason = String(body?.submission?.reason ?? '').trim();
        return {status: 200, json: body?.cancelled || reason ? {} : {errors: {reason: 'Say why it needs escalating.'}}};
    }
    const what = body?.context?.action ?? 'unknown';
    if (what === 'escalate') {
        return {status: 200, json: {dialog: {title: 'Escalate INC-42', submit_label: 'Escalate', elements: [{display_name: 'Reason', name: 'reason', type: 'text', help_text: 'Who is paged sees this.'}]}}};
    }
    return {status: 200, json: {update: {message: `Incident INC-42: ${what === 'ack' ? 'acknowledged' : 'escalated'} by @${body?.user_name ?? body?.user_id ?? '?'}`}}};
}

let baseUrl = '';

const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = new URL(req.url ?? '/', baseUrl).pathname;
        const webhookId = req.headers['webhook-id'] ?? '';
        const attempt = webhookId ? (attempts.get(webhookId) ?? 0) + 1 : 1;
        if (webhookId) attempts.set(webhookId, attempt);
        const signature = verify(raw, req.headers);
        const contentType = req.headers['content-type'] ?? '';
        const body = parseBody(contentType, raw);

        let answer;
        if (req.method !== 'POST') answer = {status: 405, json: {error: 'POST only'}};
        else if (signature.startsWith('invalid') || (verifier && signature === 'missing' && path !== '/actions')) answer = {status: 401, json: {error: `signature ${signature}`}};
        else if (path === '/deploy') answer = deploy(body, attempt);
        else if (path === '/buttons') answer = buttons(body, baseUrl);
        else if (path === '/actions') answer = clicked(body);
        else answer = {status: 404, json: {error: `no such endpoint ${path}`}};

        const out = JSON.stringify(answer.json);
        emit({
            event: 'request',
            method: req.method,
            path,
            webhook_id: webhookId,
            webhook_timestamp: req.headers['webhook-timestamp'] ?? '',
            attempt,
            signature,
            content_type: contentType,
            user_agent: req.headers['user-agent'] ?? '',
            body_bytes: Buffer.byteLength(raw),
            body_keys: body && typeof body === 'object' ? Object.keys(body) : [],
            body_excerpt: excerpt(raw),
            fields: body && typeof body === 'object'
                ? {
                      post_id: body.post_id,
                      channel_name: body.channel_name,
                      user_name: body.user_name,
                      text: body.text,
                      trigger_word: body.trigger_word,
                      groups: body.matches?.groups,
                      event_type: body.event_type,
                      context: body.context,
                  }
                : undefined,
            status: answer.status,
            reply_excerpt: excerpt(out),
        });
        res.writeHead(answer.status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(out)});
        res.end(out);
    });
});

server.listen(0, '127.0.0.1', () => {
    const {port} = server.address();
    baseUrl = `http://127.0.0.1:${port}`;
    emit({event: 'listening', url: baseUrl, signing: verifier ? 'verifying with standardwebhooks' : 'no secret: signatures unchecked'});
});

// The driver stops us by closing stdin or with SIGTERM; either way exit promptly.
const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
