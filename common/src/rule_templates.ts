import {endpointSchema, responseOptionsSchema, type Endpoint, type EndpointInput, type ResponseOptions} from './endpoint';
import {type FieldErrors} from './errors';
import {type RuleSpec} from './rule';
import {triggerSchema, type TriggerInput} from './rule_trigger';

/*
 * Starting points for rules that call well-known services, as data: the panel's "Start from a template" fills a new
 * rule with one, and the server's tests send each one to a stand-in that checks the request against the service's
 * documentation. A template never holds a credential: the service's key goes in the rule's write-only token (the
 * secret store), which the template reads as `{{secrets.token}}`; the admin must type it before saving. Words in
 * `fill` (OWNER, JOB, example.com hosts…) are the admin's to replace in the URL.
 */

/** Where a template reads the rule's token. */
export const TOKEN_PLACEHOLDER = '{{secrets.token}}';

export const ruleTemplateIds = ['github_dispatch', 'jenkins_build', 'gitlab_pipeline', 'pagerduty_event', 'opsgenie_alert', 'n8n_webhook'] as const;
export type RuleTemplateId = (typeof ruleTemplateIds)[number];

export interface RuleTemplate {
    id: RuleTemplateId;
    /** The service's own name (not translated). */
    service: string;
    /** The page that documents the request the template makes. */
    docs: string;
    /** Placeholder words in the URL the admin replaces with their own (repository, job, host…). */
    fill: readonly string[];
    trigger: TriggerInput;
    endpoint: Omit<EndpointInput, 'id'>;
    /**
     * The reply mapping: what becomes of the service's answer. Most of these services answer with a status document
     * (`{"status":"success"}`, a pipeline, 204) that is no chat message: a reply_template turns it into one, posted in
     * the trigger's thread. n8n's "Respond to Webhook" node answers with the message to post, read natively.
     */
    response: Partial<ResponseOptions>;
}

const chatDetails = '"user": "{{user.username}}", "channel": "{{channel.name}}", "message": "{{post.message}}", "post_id": "{{post.id}}"';

export const ruleTemplates: readonly RuleTemplate[] = [
    {
        id: 'github_dispatch',
        service: 'GitHub Actions (repository_dispatch)',
        docs: 'https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event',
        fill: ['OWNER', 'REPO'],
        trigger: {mode: 'exact', words: ['deploy'], ignoreCase: false},
        endpoint: {
            url: 'https://api.github.com/repos/OWNER/REPO/dispatches',
            method: 'POST',
            payload: 'template',
            content_type: 'json',
            headers: {Accept: 'application/vnd.github+json', Authorization: `Bearer ${TOKEN_PLACEHOLDER}`, 'X-GitHub-Api-Version': '2022-11-28'},
            // event_type is what `on: repository_dispatch: types: [...]` filters on; client_payload reaches the workflow.
            body_template: `{"event_type": "mattermost-{{trigger_word}}", "client_payload": {${chatDetails}}}`,
        },
        response: {enabled: true, reply_to: 'thread', reply_template: 'GitHub Actions: repository_dispatch sent ({{reply.status}})'},
    },
    {
        id: 'jenkins_build',
        service: 'Jenkins (build with parameters)',
        docs: 'https://www.jenkins.io/doc/book/using/remote-access-api/',
        fill: ['jenkins.example.com', 'JOB'],
        trigger: {mode: 'exact', words: ['build'], ignoreCase: false},
        endpoint: {
            url: 'https://jenkins.example.com/job/JOB/buildWithParameters',
            method: 'POST',
            payload: 'template',
            content_type: 'form',
            // The job's "Trigger builds remotely" token; the parameters must exist on the job.
            query: {token: TOKEN_PLACEHOLDER},
            form_fields: {CHAT_USER: '{{user.username}}', CHAT_CHANNEL: '{{channel.name}}', CHAT_MESSAGE: '{{post.message}}'},
        },
        response: {enabled: true, reply_to: 'thread', reply_template: 'Jenkins queued the build: {{reply.headers.location}}'},
    },
    {
        id: 'gitlab_pipeline',
        service: 'GitLab (pipeline trigger)',
        docs: 'https://docs.gitlab.com/api/pipeline_triggers/#trigger-a-pipeline-with-a-token',
        fill: ['gitlab.example.com', 'PROJECT_ID'],
        trigger: {mode: 'exact', words: ['pipeline'], ignoreCase: false},
        endpoint: {
            url: 'https://gitlab.example.com/api/v4/projects/PROJECT_ID/trigger/pipeline',
            method: 'POST',
            payload: 'template',
            content_type: 'form',
            form_fields: {
                token: TOKEN_PLACEHOLDER,
                ref: 'main',
                'variables[CHAT_USER]': '{{user.username}}',
                'variables[CHAT_CHANNEL]': '{{channel.name}}',
                'variables[CHAT_MESSAGE]': '{{post.message}}',
            },
        },
        response: {enabled: true, reply_to: 'thread', reply_template: 'Pipeline #{{reply.json.id}} {{reply.json.status}}: {{reply.json.web_url}}'},
    },
    {
        id: 'pagerduty_event',
        service: 'PagerDuty (Events API v2)',
        docs: 'https://developer.pagerduty.com/docs/events-api-v2/trigger-events/',
        fill: [],
        trigger: {mode: 'exact', words: ['page'], ignoreCase: false},
        endpoint: {
            url: 'https://events.pagerduty.com/v2/enqueue',
            method: 'POST',
            payload: 'template',
            content_type: 'json',
            // The routing key is the integration key of the service's Events API v2 integration.
            body_template: `{"routing_key": "${TOKEN_PLACEHOLDER}", "event_action": "trigger", "dedup_key": "mattermost-{{post.id}}", "client": "Mattermost", "payload": {"summary": "{{post.message}}", "source": "Mattermost ~{{channel.name}}", "severity": "error", "custom_details": {${chatDetails}}}}`,
        },
        response: {enabled: true, reply_to: 'thread', reply_template: 'PagerDuty {{reply.json.status}}: incident key `{{reply.json.dedup_key}}`'},
    },
    {
        id: 'opsgenie_alert',
        service: 'Opsgenie (create alert)',
        docs: 'https://docs.opsgenie.com/docs/alert-api#create-alert',
        fill: [],
        trigger: {mode: 'exact', words: ['alert'], ignoreCase: false},
        endpoint: {
            url: 'https://api.opsgenie.com/v2/alerts',
            method: 'POST',
            payload: 'template',
            content_type: 'json',
            headers: {Authorization: `GenieKey ${TOKEN_PLACEHOLDER}`},
            body_template: `{"message": "{{post.message}}", "alias": "mattermost-{{post.id}}", "source": "Mattermost", "user": "{{user.username}}", "tags": ["mattermost"], "details": {${chatDetails}}, "priority": "P3"}`,
        },
        response: {enabled: true, reply_to: 'thread', reply_template: 'Opsgenie: {{reply.json.result}} (request {{reply.json.requestId}})'},
    },
    {
        id: 'n8n_webhook',
        service: 'n8n (Webhook node)',
        docs: 'https://docs.n8n.io/integrations/builtin/core-nodes/n8n-nodes-base.webhook/',
        fill: ['n8n.example.com', 'WEBHOOK_PATH'],
        trigger: {mode: 'exact', words: ['n8n'], ignoreCase: false},
        endpoint: {
            url: 'https://n8n.example.com/webhook/WEBHOOK_PATH',
            method: 'POST',
            payload: 'template',
            content_type: 'json',
            // The Webhook node's "Header Auth" credential: this header name, the token as its value.
            headers: {'X-N8N-Token': TOKEN_PLACEHOLDER},
            secret_headers: ['X-N8N-Token'],
            body_template: `{${chatDetails}, "trigger_word": "{{trigger_word}}", "response_url": "{{delivery.response_url}}"}`,
        },
        // A "Respond to Webhook" node answering {"text": "..."} posts in the thread.
        response: {enabled: true, reply_to: 'thread', reply_template: undefined},
    },
];

export function ruleTemplate(id: string): RuleTemplate | undefined {
    return ruleTemplates.find((t) => t.id === id);
}

/** Whether an endpoint sends the rule's token through a template (so the token is needed). */
export function endpointUsesToken(endpoint: Pick<Endpoint, 'url' | 'headers' | 'query' | 'body_template' | 'form_fields'>): boolean {
    const texts = [endpoint.url, endpoint.body_template ?? '', ...Object.values(endpoint.headers), ...Object.values(endpoint.query), ...Object.values(endpoint.form_fields ?? {})];
    return texts.some((t) => /\{\{\s*(json\s+)?secrets(\.token)?\s*(\|\s*json\s*)?\}\}/.test(t));
}

/** The template's endpoint, trigger and reply mapping over a rule (its name, scope and other settings kept). */
export function applyRuleTemplate(spec: RuleSpec, template: RuleTemplate, endpointId = 'ep1'): RuleSpec {
    return {
        ...spec,
        name: spec.name || template.service,
        trigger: triggerSchema.parse(template.trigger),
        endpoints: [endpointSchema.parse({...template.endpoint, id: endpointId})],
        response: responseOptionsSchema.parse({...spec.response, ...template.response}),
    };
}

/**
 * What the admin must still do before a rule made from a template can be saved: replace the URL's placeholder words,
 * and give the token when an endpoint sends it (`tokenKnown`: typed now or stored already).
 */
export function templateProblems(spec: RuleSpec, template: RuleTemplate, tokenKnown: boolean): FieldErrors {
    const out: FieldErrors = {};
    spec.endpoints.forEach((e, i) => {
        const left = template.fill.filter((word) => e.url.includes(word));
        if (left.length) out[`endpoints.${i}.url`] = `Replace ${left.join(' and ')} with your own.`;
    });
    if (!tokenKnown && spec.endpoints.some(endpointUsesToken)) out['secrets.token'] = `Enter the ${template.service} key or token: the template sends it as ${TOKEN_PLACEHOLDER}.`;
    return out;
}
