import {
    API_BASE,
    apiRoutes,
    conditionSchema,
    conditionTraceSchema,
    deliveryLogEntrySchema,
    deliveryPolicySchema,
    endpointSchema,
    errorCodes,
    healthSchema,
    integrationRoutes,
    PLUGIN_ROUTE,
    responseOptionsSchema,
    ruleScopeSchema,
    ruleSpecSchema,
    ruleViewSchema,
    triggerSchema,
    type ApiRoute,
} from '@tripwire/common';
import * as z from 'zod';

/*
 * The OpenAPI 3.1 document of the REST API, generated from the route table in common/src/api.ts. Served at
 * /api/v1/openapi.json and committed as server/openapi.json (scripts/gen-openapi.mjs; a test keeps them equal).
 */

type Json = Record<string, unknown>;

const errorBody: Json = {
    type: 'object',
    required: ['error'],
    properties: {
        error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
                code: {type: 'string', enum: [...errorCodes]},
                message: {type: 'string'},
                fields: {type: 'object', additionalProperties: {type: 'string'}, description: 'One message per field path, e.g. "trigger.pattern"'},
            },
        },
    },
};

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Every request schema in one registry and every response schema in another, so shared parts become components. */
function registries() {
    const input = z.registry<{id: string}>();
    const output = z.registry<{id: string}>();
    // Recursive and much-used schemas get names of their own (else zod would share them under a nameless key).
    const named: Array<[z.ZodType, string]> = [
        [ruleSpecSchema, 'RuleSpec'],
        [conditionSchema, 'Condition'],
        [triggerSchema, 'Trigger'],
        [ruleScopeSchema, 'RuleScope'],
        [endpointSchema, 'Endpoint'],
        [responseOptionsSchema, 'ResponseOptions'],
        [deliveryPolicySchema, 'DeliveryPolicy'],
    ];
    for (const [schema, id] of named) {
        input.add(schema, {id: `${id}Input`});
        output.add(schema, {id});
    }
    output.add(conditionTraceSchema, {id: 'ConditionTrace'});
    output.add(deliveryLogEntrySchema, {id: 'DeliveryLogEntry'});
    output.add(ruleViewSchema, {id: 'RuleView'});
    for (const [name, r] of Object.entries(apiRoutes) as Array<[string, ApiRoute]>) {
        if (r.body && !input.has(r.body)) input.add(r.body, {id: `${pascal(name)}Body`});
        if (r.response && !output.has(r.response)) output.add(r.response, {id: `${pascal(name)}Response`});
    }
    return {input, output};
}

/** Defaults computed per call (a random endpoint id) are not constants: leave them out of the document. */
function dropComputedDefaults(ctx: {zodSchema: z.core.$ZodTypes; jsonSchema: Json}): void {
    const def = ctx.zodSchema._zod.def as {type: string};
    if (def.type === 'default' && Object.getOwnPropertyDescriptor(def, 'defaultValue')?.get) delete ctx.jsonSchema.default;
}

function components(registry: z.core.$ZodRegistry<{id: string}>, io: 'input' | 'output'): Record<string, Json> {
    const all = z.toJSONSchema(registry, {
        io,
        unrepresentable: 'any',
        target: 'draft-2020-12',
        uri: (id) => `#/components/schemas/${id}`,
        override: dropComputedDefaults,
    });
    const out: Record<string, Json> = {};
    for (const [id, schema] of Object.entries(all.schemas)) {
        const {$schema: _drop, id: _id, ...rest} = schema as Json;
        out[id] = rest;
    }
    return out;
}

function parameters(r: ApiRoute): Json[] {
    const params: Json[] = [];
    const add = (where: 'path' | 'query', schema: z.ZodType | null) => {
        if (!schema) return;
        const shape = (schema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
        for (const [name, field] of Object.entries(shape)) {
            const json = z.toJSONSchema(field, {io: 'input', unrepresentable: 'any'}) as Json;
            const {$schema: _drop, ...fieldSchema} = json;
            params.push({name, in: where, required: where === 'path' || !field.safeParse(undefined).success, schema: fieldSchema});
        }
    };
    add('path', r.params);
    add('query', r.query);
    return params;
}

const errorResponses = (...statuses: Array<'400' | '401' | '403' | '404' | '409' | '413'>): Json =>
    Object.fromEntries(statuses.map((s) => [s, {$ref: `#/components/responses/${ERROR_RESPONSES[s]}`}]));
const ERROR_RESPONSES = {'400': 'Invalid', '401': 'Unauthenticated', '403': 'Forbidden', '404': 'NotFound', '409': 'Conflict', '413': 'TooLarge'} as const;
const json = (schema: Json): Json => ({'application/json': {schema}});
const token = {name: 'token', in: 'path', required: true, schema: {type: 'string'}};
const withoutDialect = ({$schema: _drop, ...rest}: Json): Json => rest;
const stringProps = (...names: string[]): Json => Object.fromEntries(names.map((n) => [n, {type: 'string'}]));

/** Mattermost's incoming-webhook body, which a rule's inbound URL and a service's late reply both take. */
const webhookBody: Json = {
    type: 'object',
    properties: {
        ...stringProps('text', 'username', 'icon_url', 'channel', 'type', 'response_type'),
        attachments: {type: 'array', items: {type: 'object'}},
        props: {type: 'object'},
    },
};

/**
 * The routes outside the REST API (`integrationRoutes` in common/src/api.ts). Their bodies are Mattermost's and the
 * services' own formats, so they are described here rather than by zod schemas; `satisfies` makes a new integration
 * route without a description a compile error. Refusals of clicks and dialog submissions answer 200 in Mattermost's
 * shapes (see app.ts), so those two document no 4xx beyond the missing session and an unreadable body.
 */
const integrationOperations = {
    inbound: {
        operationId: 'postInbound',
        summary: "A rule's inbound URL: a service posts a message into the rule's channel (no session; the token is the secret)",
        tags: ['integration'],
        parameters: [token],
        requestBody: {
            required: true,
            content: {
                ...json(webhookBody),
                'application/x-www-form-urlencoded': {schema: {type: 'object', properties: {payload: {type: 'string'}}}},
            },
        },
        responses: {'200': {description: 'Posted', content: {'text/plain': {schema: {type: 'string'}}}}, ...errorResponses('400', '403', '404', '413')},
    },
    responseUrl: {
        operationId: 'postResponseUrl',
        summary: "A delivery's response_url: the service's late reply (no session; the token is the secret)",
        tags: ['integration'],
        parameters: [token],
        requestBody: {required: true, content: json({...webhookBody, properties: {...(webhookBody.properties as Json), extra_responses: {type: 'array', items: webhookBody}}})},
        responses: {
            '200': {description: 'Replied', content: json({type: 'object', required: ['ok'], properties: {ok: {type: 'boolean'}, reply: {type: 'object'}}})},
            ...errorResponses('400', '403', '404', '413'),
        },
    },
    action: {
        operationId: 'postAction',
        summary: 'A click on a button or menu of a Tripwire post, as Mattermost forwards it (PostActionIntegrationRequest)',
        tags: ['integration'],
        parameters: [],
        requestBody: {
            required: true,
            content: json({
                type: 'object',
                required: ['channel_id'],
                properties: {
                    ...stringProps('user_id', 'user_name', 'channel_id', 'channel_name', 'team_id', 'team_domain', 'post_id', 'trigger_id', 'type', 'data_source'),
                    context: {type: 'object'},
                },
            }),
        },
        responses: {
            '200': {description: "Mattermost's PostActionIntegrationResponse (a refusal is its ephemeral_text)", content: json({type: 'object'})},
            ...errorResponses('400', '401', '413'),
        },
    },
    dialog: {
        operationId: 'postDialog',
        summary: 'A dialog submission, as Mattermost forwards it (SubmitDialogRequest)',
        tags: ['integration'],
        parameters: [],
        requestBody: {
            required: true,
            content: json({
                type: 'object',
                required: ['state'],
                properties: {
                    ...stringProps('type', 'callback_id', 'state', 'user_id', 'channel_id', 'team_id'),
                    submission: {type: ['object', 'null']},
                    cancelled: {type: 'boolean'},
                },
            }),
        },
        responses: {
            '200': {description: "Mattermost's SubmitDialogResponse (a refusal is its error line)", content: json({type: 'object'})},
            ...errorResponses('400', '401', '413'),
        },
    },
    ruleSuggestions: {
        operationId: 'ruleSuggestions',
        summary: "`/tripwire` autocomplete: the channel's rules as Mattermost's AutocompleteListItem (empty when the channel is not visible)",
        tags: ['integration'],
        parameters: [{name: 'channel_id', in: 'query', required: false, schema: {type: 'string'}}],
        responses: {
            '200': {
                description: 'The suggestions',
                content: json({type: 'array', items: {type: 'object', required: ['item', 'hint', 'helptext'], properties: stringProps('item', 'hint', 'helptext')}}),
            },
            ...errorResponses('401'),
        },
    },
} satisfies Record<keyof typeof integrationRoutes, Json>;

/** The API's own version (its path says v1), not the plugin's: the committed document changes only with the API. */
export const API_VERSION = '1.0.0';

export function openApiDocument(): Json {
    const {input, output} = registries();
    const paths: Record<string, Record<string, Json>> = {};
    for (const [name, r] of Object.entries(apiRoutes) as Array<[string, ApiRoute]>) {
        const path = API_BASE + r.path.replace(/:([A-Za-z]+)/g, '{$1}');
        const responses: Json = {
            [r.status]: r.response
                ? {description: 'OK', content: {'application/json': {schema: {$ref: `#/components/schemas/${output.get(r.response)!.id}`}}}}
                : {description: 'Done'},
            '400': {$ref: '#/components/responses/Invalid'},
            '401': {$ref: '#/components/responses/Unauthenticated'},
            '403': {$ref: '#/components/responses/Forbidden'},
            '404': {$ref: '#/components/responses/NotFound'},
        };
        if (r.method !== 'GET') responses['409'] = {$ref: '#/components/responses/Conflict'};
        (paths[path] ??= {})[r.method.toLowerCase()] = {
            operationId: name,
            summary: r.summary,
            tags: [r.tag],
            ...(r.access === 'system_admin' && {description: 'System admins only.'}),
            parameters: parameters(r),
            ...(r.body && {requestBody: {required: true, content: {'application/json': {schema: {$ref: `#/components/schemas/${input.get(r.body)!.id}`}}}}}),
            responses,
        };
    }
    for (const [name, op] of Object.entries(integrationOperations) as Array<[keyof typeof integrationRoutes, Json]>) {
        const r = integrationRoutes[name];
        (paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')] ??= {})[r.method.toLowerCase()] = op;
    }
    // Served by app.ts beside the table's routes: no session needed.
    paths[`${API_BASE}/health`] = {
        get: {
            operationId: 'getHealth',
            summary: 'Liveness and the plugin version',
            tags: ['meta'],
            parameters: [],
            responses: {'200': {description: 'OK', content: json(withoutDialect(z.toJSONSchema(healthSchema, {io: 'output'}) as Json))}},
        },
    };
    paths[`${API_BASE}/openapi.json`] = {
        get: {operationId: 'getOpenApi', summary: 'This document', tags: ['meta'], parameters: [], responses: {'200': {description: 'OK', content: json({type: 'object'})}}},
    };
    const error = (description: string): Json => ({description, content: {'application/json': {schema: {$ref: '#/components/schemas/ApiError'}}}});
    return {
        openapi: '3.1.0',
        info: {
            title: 'Tripwire plugin API',
            version: API_VERSION,
            description:
                'The REST API of the Tripwire Mattermost plugin. Requests are authenticated by Mattermost: send the session token ' +
                '(Authorization: Bearer, or the session cookie plus the X-CSRF-Token header for non-GET requests); Mattermost then ' +
                'sets Mattermost-User-Id, the only identity the plugin believes. Unknown fields are refused with 400.',
        },
        servers: [{url: PLUGIN_ROUTE}],
        paths,
        components: {
            schemas: {...components(input, 'input'), ...components(output, 'output'), ApiError: errorBody},
            responses: {
                Invalid: error('The request is not valid; `fields` says which field and why'),
                Unauthenticated: error('No Mattermost session'),
                Forbidden: error('Not allowed for this user'),
                NotFound: error('No such thing, or not visible to this user (e.g. a private channel they are not in)'),
                Conflict: error('Changed since loaded (send the current revision), or a limit is reached'),
                TooLarge: error('The request body is larger than 1 MB'),
            },
        },
    };
}
