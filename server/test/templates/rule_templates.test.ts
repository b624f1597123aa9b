import type http from 'node:http';

import {
    applyRuleTemplate,
    deliveryFactsSchema,
    ruleSpecSchema,
    ruleTemplates,
    secretHeaderNames,
    templateProblems,
    type RuleSpec,
    type RuleTemplate,
    type RuleTemplateId,
} from '@tripwire/common';

import {sendRequest} from '../../src/dispatch/http_client';
import {excerptOf} from '../../src/dispatch/redact';
import {SsrfGuard} from '../../src/dispatch/ssrf/guard';
import {facts} from '../../src/dispatch/testing/factories';
import {TestReceiver, type ReceivedRequest} from '../../src/dispatch/testing/receiver';
import {createReplyPoster} from '../../src/responses/reply_poster';
import {buildRequest} from '../../src/dispatch/payload/build_request';
import {replyTemplateVariables, type RequestContext} from '../../src/dispatch/payload/variables';

/*
 * Every rule template, sent for real: the template applied to a new rule as the panel does, the admin's blanks
 * filled, then the real request builder and HTTP client deliver it to a local stand-in of the service. Each stand-in
 * checks what the service documents (path, method, headers, content type, required body fields and their types) and
 * answers as the service does, and that answer goes through the real reply parser and the template's reply mapping.
 */

const TOKEN = 'tok_9f8e7d6c5b4a3210';
const MESSAGE = 'deploy api to prod "now"';

/** What the admin types into the blanks of each template's URL. */
const FILLED: Record<RuleTemplateId, Record<string, string>> = {
    github_dispatch: {OWNER: 'acme', REPO: 'api'},
    jenkins_build: {'jenkins.example.com': 'jenkins.acme.test', JOB: 'deploy-api'},
    gitlab_pipeline: {'gitlab.example.com': 'gitlab.acme.test', PROJECT_ID: '42'},
    pagerduty_event: {},
    opsgenie_alert: {},
    n8n_webhook: {'n8n.example.com': 'n8n.acme.test', WEBHOOK_PATH: 'chat-ops'},
};

type Check = (req: ReceivedRequest) => string[];
interface StandIn {
    check: Check;
    /** The service's documented success answer. */
    answer: {status: number; body?: unknown; headers?: Record<string, string>};
    /** The reply post the template's mapping makes of that answer. */
    reply: string;
}

const json = (req: ReceivedRequest): Record<string, unknown> | null => {
    try {
        const v: unknown = JSON.parse(req.body.toString('utf8'));
        return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
        return null;
    }
};
const form = (req: ReceivedRequest) => new URLSearchParams(req.body.toString('utf8'));
const query = (req: ReceivedRequest) => new URL(req.url, 'http://x').searchParams;
const path = (req: ReceivedRequest) => new URL(req.url, 'http://x').pathname;

function expectThat(problems: string[], ok: boolean, what: string): void {
    if (!ok) problems.push(what);
}
const isString = (v: unknown, nonEmpty = true): v is string => typeof v === 'string' && (!nonEmpty || v.length > 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const standIns: Record<RuleTemplateId, StandIn> = {
    // POST /repos/{owner}/{repo}/dispatches: Bearer token, the GitHub media type, {event_type ≤ 100, client_payload ≤ 10 keys}; 204.
    github_dispatch: {
        check: (req) => {
            const p: string[] = [];
            const body = json(req);
            expectThat(p, req.method === 'POST', 'method POST');
            expectThat(p, path(req) === '/repos/acme/api/dispatches', `path /repos/acme/api/dispatches, got ${path(req)}`);
            expectThat(p, req.headers.accept === 'application/vnd.github+json', 'Accept: application/vnd.github+json');
            expectThat(p, req.headers.authorization === `Bearer ${TOKEN}`, 'Authorization: Bearer <token>');
            expectThat(p, req.headers['x-github-api-version'] === '2022-11-28', 'X-GitHub-Api-Version');
            expectThat(p, isString(req.headers['user-agent']), 'a User-Agent (GitHub refuses requests without one)');
            expectThat(p, String(req.headers['content-type']).startsWith('application/json'), 'JSON content type');
            expectThat(p, isString(body?.event_type) && body.event_type.length <= 100, 'event_type: a string of at most 100 characters');
            expectThat(p, isObject(body?.client_payload) && Object.keys(body.client_payload).length <= 10, 'client_payload: an object of at most 10 keys');
            expectThat(p, isObject(body?.client_payload) && body.client_payload.message === MESSAGE, 'client_payload.message: the message');
            return p;
        },
        answer: {status: 204},
        reply: 'GitHub Actions: repository_dispatch sent (204)',
    },
    // POST /job/<name>/buildWithParameters?token=…, parameters as form fields; 201 with the queue item's Location.
    jenkins_build: {
        check: (req) => {
            const p: string[] = [];
            expectThat(p, req.method === 'POST', 'method POST');
            expectThat(p, path(req) === '/job/deploy-api/buildWithParameters', `path /job/deploy-api/buildWithParameters, got ${path(req)}`);
            expectThat(p, query(req).get('token') === TOKEN, 'token query parameter: the remote trigger token');
            expectThat(p, String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'), 'form content type');
            const f = form(req);
            expectThat(p, f.get('CHAT_USER') === 'alice' && f.get('CHAT_MESSAGE') === MESSAGE && f.get('CHAT_CHANNEL') === 'town-square', 'the job parameters as form fields');
            return p;
        },
        answer: {status: 201, headers: {location: 'https://jenkins.acme.test/queue/item/17/'}},
        reply: 'Jenkins queued the build: https://jenkins.acme.test/queue/item/17/',
    },
    // POST /api/v4/projects/:id/trigger/pipeline with token, ref and variables[KEY]; 201 with the pipeline.
    gitlab_pipeline: {
        check: (req) => {
            const p: string[] = [];
            expectThat(p, req.method === 'POST', 'method POST');
            expectThat(p, path(req) === '/api/v4/projects/42/trigger/pipeline', `path /api/v4/projects/42/trigger/pipeline, got ${path(req)}`);
            expectThat(p, String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'), 'form content type');
            const f = form(req);
            expectThat(p, f.get('token') === TOKEN, 'token: the trigger token');
            expectThat(p, isString(f.get('ref')), 'ref: a branch or tag');
            expectThat(p, f.get('variables[CHAT_MESSAGE]') === MESSAGE && f.get('variables[CHAT_USER]') === 'alice', 'variables[KEY]=value pairs');
            return p;
        },
        answer: {
            status: 201,
            body: {id: 1001, iid: 7, project_id: 42, sha: 'a91957a8', ref: 'main', status: 'created', source: 'trigger', web_url: 'https://gitlab.acme.test/acme/api/-/pipelines/1001'},
        },
        reply: 'Pipeline #1001 created: https://gitlab.acme.test/acme/api/-/pipelines/1001',
    },
    // POST /v2/enqueue {routing_key, event_action, payload{summary, source, severity}}; 202 {status, message, dedup_key}.
    pagerduty_event: {
        check: (req) => {
            const p: string[] = [];
            const body = json(req);
            const payload = body?.payload;
            expectThat(p, req.method === 'POST', 'method POST');
            expectThat(p, path(req) === '/v2/enqueue', `path /v2/enqueue, got ${path(req)}`);
            expectThat(p, String(req.headers['content-type']).startsWith('application/json'), 'JSON content type');
            expectThat(p, body?.routing_key === TOKEN, 'routing_key: the integration key');
            expectThat(p, ['trigger', 'acknowledge', 'resolve'].includes(String(body?.event_action)), 'event_action: trigger, acknowledge or resolve');
            expectThat(p, body?.dedup_key === undefined || (isString(body.dedup_key) && body.dedup_key.length <= 255), 'dedup_key: at most 255 characters');
            expectThat(p, isObject(payload) && isString(payload.summary) && payload.summary.length <= 1024, 'payload.summary: at most 1024 characters');
            expectThat(p, isObject(payload) && payload.summary === MESSAGE, 'payload.summary: the message');
            expectThat(p, isObject(payload) && isString(payload.source), 'payload.source');
            expectThat(p, isObject(payload) && ['critical', 'error', 'warning', 'info'].includes(String(payload.severity)), 'payload.severity: critical, error, warning or info');
            expectThat(p, !isObject(payload) || payload.custom_details === undefined || isObject(payload.custom_details), 'payload.custom_details: an object');
            return p;
        },
        answer: {status: 202, body: {status: 'success', message: 'Event processed', dedup_key: 'mattermost-post1'}},
        reply: 'PagerDuty success: incident key `mattermost-post1`',
    },
    // POST /v2/alerts, Authorization: GenieKey <key>, {message (≤ 130), alias, tags[], details{}, priority P1-P5}; 202.
    opsgenie_alert: {
        check: (req) => {
            const p: string[] = [];
            const body = json(req);
            expectThat(p, req.method === 'POST', 'method POST');
            expectThat(p, path(req) === '/v2/alerts', `path /v2/alerts, got ${path(req)}`);
            expectThat(p, req.headers.authorization === `GenieKey ${TOKEN}`, 'Authorization: GenieKey <key>');
            expectThat(p, String(req.headers['content-type']).startsWith('application/json'), 'JSON content type');
            expectThat(p, isString(body?.message) && body.message.length <= 130, 'message: at most 130 characters');
            expectThat(p, body?.alias === undefined || (isString(body.alias) && body.alias.length <= 512), 'alias: at most 512 characters');
            expectThat(p, Array.isArray(body?.tags) && body.tags.every((t) => isString(t)), 'tags: a list of strings');
            expectThat(p, isObject(body?.details) && Object.values(body.details).every((v) => typeof v === 'string'), 'details: string values');
            expectThat(p, /^P[1-5]$/.test(String(body?.priority)), 'priority: P1 to P5');
            return p;
        },
        answer: {status: 202, body: {result: 'Request will be processed', took: 0.302, requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120'}},
        reply: 'Opsgenie: Request will be processed (request 43a29c5c-3dbf-4fa4-9c26-f4f71023e120)',
    },
    // POST /webhook/<path> JSON, Header Auth; a "Respond to Webhook" node answers with the text to post.
    n8n_webhook: {
        check: (req) => {
            const p: string[] = [];
            const body = json(req);
            expectThat(p, req.method === 'POST', 'method POST');
            expectThat(p, path(req) === '/webhook/chat-ops', `path /webhook/chat-ops, got ${path(req)}`);
            expectThat(p, req.headers['x-n8n-token'] === TOKEN, 'the Header Auth header');
            expectThat(p, String(req.headers['content-type']).startsWith('application/json'), 'JSON content type');
            expectThat(p, body?.message === MESSAGE && body.user === 'alice', 'the message and who posted it');
            expectThat(p, isString(body?.response_url) && String(body.response_url).startsWith('https://'), 'response_url for a later answer');
            return p;
        },
        answer: {status: 200, body: {text: 'Workflow ran: 3 items', response_type: 'comment'}},
        // The workflow's own answer, read as Mattermost's reply format.
        reply: 'Workflow ran: 3 items',
    },
};

/** The rule as the panel would save it: template applied, blanks filled, pointed at the stand-in. */
function filledRule(template: RuleTemplate, standIn: string): RuleSpec {
    const base = {...ruleSpecSchema.parse({name: 'x', scope: {kind: 'channels', teamId: 'team1team1team1team1team1a', channelIds: ['chan1chan1chan1chan1chan1a']}, trigger: {mode: 'any'}, endpoints: [{url: 'https://x.test'}]}), name: ''};
    const spec = applyRuleTemplate(base, template);
    expect(spec.name).toBe(template.service);
    let url = spec.endpoints[0]!.url;
    for (const [word, value] of Object.entries(FILLED[template.id])) url = url.split(word).join(value);
    expect(templateProblems({...spec, endpoints: [{...spec.endpoints[0]!, url}]}, template, true)).toEqual({});
    url = url.replace(/^https:\/\/[^/]+/, standIn);
    return ruleSpecSchema.parse({...spec, endpoints: [{...spec.endpoints[0]!, url}]});
}

function context(): RequestContext {
    return {
        facts: deliveryFactsSchema.parse(facts({post: {id: 'post1', message: MESSAGE, create_at: 1445532266123, file_ids: []}})),
        rule: {id: 'rule1', name: 'From a template'},
        deliveryId: 'delivery1',
        webhookId: 'msg_delivery1',
        responseUrl: 'https://chat.example.com/plugins/tripwire/r/abc',
        token: TOKEN,
    };
}

describe('rule templates against stand-ins of their services', () => {
    let receiver: TestReceiver;
    beforeAll(async () => (receiver = await TestReceiver.start()));
    afterAll(() => receiver.close());

    it('covers every template with a stand-in', () => {
        expect(Object.keys(standIns).sort()).toEqual(ruleTemplates.map((t) => t.id).sort());
    });

    it.each(ruleTemplates.map((t) => [t.id, t] as const))('%s: the request is what the service documents, and its answer maps as the template says', async (_id, template) => {
        const standIn = standIns[template.id];
        let problems: string[] = [];
        receiver.handler = (req: ReceivedRequest, res: http.ServerResponse) => {
            problems = standIn.check(req);
            // A stand-in refuses what the real service would refuse.
            if (problems.length) {
                res.writeHead(400, {'content-type': 'application/json'}).end(JSON.stringify({problems}));
                return;
            }
            const {status, body, headers = {}} = standIn.answer;
            res.writeHead(status, {...headers, ...(body !== undefined && {'content-type': 'application/json'})}).end(body === undefined ? undefined : JSON.stringify(body));
        };
        const spec = filledRule(template, receiver.url);
        const endpoint = spec.endpoints[0]!;
        // As saved: secret headers leave the rule for the secret store and come back at delivery time.
        const secretNames = new Set(secretHeaderNames(endpoint).map((n) => n.toLowerCase()));
        const secretHeaders = Object.fromEntries(Object.entries(endpoint.headers).filter(([n]) => secretNames.has(n.toLowerCase())));
        const publicHeaders = Object.fromEntries(Object.entries(endpoint.headers).filter(([n]) => !secretNames.has(n.toLowerCase())));
        const request = buildRequest({...endpoint, headers: publicHeaders}, context(), secretHeaders);

        const result = await sendRequest(request, {
            guard: new SsrfGuard({allowlist: () => ['127.0.0.1'], ownAddresses: () => []}),
            timeoutMs: 5000,
            maxResponseBytes: 1 << 20,
            followRedirects: false,
            insecureTls: false,
            sensitiveHeaders: [...secretNames],
        });
        expect(problems).toEqual([]);
        expect(result).toMatchObject({kind: 'response', status: standIn.answer.status});
        if (result.kind !== 'response') return;

        // The token never shows in what the delivery log keeps of the request.
        const logged = excerptOf({method: request.method, url: request.url, headers: request.headers, body: request.body}, [TOKEN, ...Object.values(secretHeaders)], [...secretNames]);
        expect(JSON.stringify(logged)).not.toContain(TOKEN);

        // The reply mapping: the answer through the real reply path (the dispatcher's prepare step), as the rule says.
        const created: unknown[] = [];
        const poster = createReplyPoster({
            api: {createPost: async (p) => (created.push(p), {...p, id: 'x'}) as never, sendEphemeralPost: async () => ({}) as never, getPostsSince: async () => ({order: [], posts: {}}) as never},
            botUserId: () => 'bot1',
            clock: {now: () => 0},
            users: {getUser: async () => ({username: 'someone'}) as never},
            serverConfig: () => ({enablePostUsernameOverride: false, enablePostIconOverride: false}),
        });
        const target = {
            rule_id: 'rule1',
            rule_name: 'From a template',
            delivery_id: 'delivery1',
            channel_id: 'chan1',
            trigger_post_id: 'post1',
            thread_root_id: 'post1',
            trigger_in_thread: false,
            user_id: 'user1',
            triggered_at: 0,
            hops: 0,
            response: spec.response,
        };
        const {facts: f, rule, deliveryId, webhookId} = context();
        const prepared = await poster.prepare(
            target,
            {status: result.status, contentType: result.headers['content-type'] ?? '', headers: result.headers, body: result.body, truncated: result.truncated, source: 'response'},
            replyTemplateVariables({facts: f, rule, deliveryId, webhookId}),
        );
        expect(spec.response.enabled).toBe(true);
        // One post, in the trigger's thread, as the rule's bot: the service's answer in words.
        expect(prepared).toMatchObject({kind: 'parts', parts: [{kind: 'post', post: {message: standIn.reply, root_id: 'post1', user_id: 'bot1', channel_id: 'chan1'}}]});
        if (prepared.kind === 'parts') expect(prepared.parts).toHaveLength(1);
    });

    it('leaves the credential to the admin: no template holds one, and saving without the token is refused', () => {
        for (const template of ruleTemplates) {
            expect(JSON.stringify(template)).not.toMatch(/tok_|ghp_|glptt-/);
            const spec = applyRuleTemplate(ruleSpecSchema.parse({name: 'x', scope: {kind: 'channels', teamId: 'team1team1team1team1team1a', channelIds: ['chan1chan1chan1chan1chan1a']}, trigger: {mode: 'any'}, endpoints: [{url: 'https://x.test'}]}), template);
            const problems = templateProblems(spec, template, false);
            expect(problems['secrets.token']).toMatch(/token/);
            if (template.fill.length) expect(problems['endpoints.0.url']).toContain(template.fill[0]);
            expect(ruleSpecSchema.safeParse(spec).success).toBe(true);
        }
    });
});
