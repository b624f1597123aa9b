import {integrationRoutes, PLUGIN_ROUTE} from '@tripwire/common';

import {type PluginAPI, type PostDraft} from '../../ports';

import {type EnvelopeSealer} from './envelope';

export const ACTION_PURPOSE = 'action';
/** The key of an action's context that holds the sealed (encrypted and signed) envelope. */
export const ENVELOPE_KEY = 'tripwire';
export const ACTION_URL = `${PLUGIN_ROUTE}${integrationRoutes.action.path}`;

/** What an action button of a Tripwire post carries, sealed: the rule, the channel, where to forward, the service's context. */
export interface ActionEnvelope {
    /** Rule id. */
    r: string;
    /** Channel id of the post. */
    c: string;
    /** The service's action URL. */
    u: string;
    /** The service's own context, returned to it unchanged. */
    x: Record<string, unknown>;
}

export function isActionEnvelope(v: unknown): v is ActionEnvelope {
    const e = v as ActionEnvelope | null;
    return (
        typeof e === 'object' &&
        e !== null &&
        typeof e.r === 'string' &&
        typeof e.c === 'string' &&
        typeof e.u === 'string' &&
        typeof e.x === 'object' &&
        e.x !== null &&
        !Array.isArray(e.x)
    );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHttpUrl = (u: unknown): u is string => typeof u === 'string' && /^https?:\/\//i.test(u);

/**
 * Points every button and menu of a Tripwire post at the plugin instead of the service: the service's URL and
 * context go into a sealed (encrypted and signed) envelope, so a click reaches the plugin, which checks it and forwards it signed. An action
 * aimed anywhere else (another plugin's route) is dropped: a reply must not make people click on behalf of a service
 * into other integrations. Posts without `tripwire_rule_id` are returned as they are.
 */
export async function securePostActions<P extends Pick<PostDraft, 'channel_id' | 'props'>>(post: P, signer: EnvelopeSealer): Promise<P> {
    const props = post.props;
    const ruleId = props?.tripwire_rule_id;
    if (!isRecord(props) || typeof ruleId !== 'string') return post;
    const seal = (url: string, context: unknown) =>
        signer.seal(ACTION_PURPOSE, {r: ruleId, c: post.channel_id, u: url, x: isRecord(context) ? context : {}} satisfies ActionEnvelope);

    const next: Record<string, unknown> = {...props};
    if (Array.isArray(props.attachments)) {
        next.attachments = await Promise.all(
            props.attachments.map(async (a: unknown) => {
                if (!isRecord(a) || !Array.isArray(a.actions)) return a;
                const actions = [];
                for (const action of a.actions as unknown[]) {
                    if (!isRecord(action)) continue;
                    const integration = action.integration;
                    if (integration === undefined || integration === null) {
                        actions.push(action);
                        continue;
                    }
                    if (!isRecord(integration) || !isHttpUrl(integration.url)) continue;
                    actions.push({...action, integration: {url: ACTION_URL, context: {[ENVELOPE_KEY]: await seal(integration.url, integration.context)}}});
                }
                return {...a, actions};
            }),
        );
    }
    // MM Blocks keep their action registry apart: external actions get the same treatment; openURL ones stay.
    if (isRecord(props.mm_blocks_actions)) {
        const registry: Record<string, unknown> = {};
        for (const [id, entry] of Object.entries(props.mm_blocks_actions)) {
            if (!isRecord(entry) || entry.type !== 'external') {
                registry[id] = entry;
                continue;
            }
            if (!isHttpUrl(entry.url)) continue;
            registry[id] = {...entry, url: ACTION_URL, context: {[ENVELOPE_KEY]: await seal(entry.url, entry.context)}};
        }
        next.mm_blocks_actions = registry;
    }
    return {...post, props: next};
}

export type PostingApi = Pick<PluginAPI, 'createPost' | 'sendEphemeralPost'>;

/**
 * The posting half of the plugin API with every Tripwire post's actions secured first. The composition root hands
 * this to the reply handler, so delivery replies, late replies and inbound posts all get plugin-bound buttons.
 */
export function securePostingApi(api: PostingApi, signer: EnvelopeSealer): PostingApi {
    return {
        createPost: async (post) => api.createPost(await securePostActions(post, signer)),
        sendEphemeralPost: async (userId, post) => api.sendEphemeralPost(userId, await securePostActions(post, signer)),
    };
}
