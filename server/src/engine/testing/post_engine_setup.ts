import {type RuleSpecInput} from '@tripwire/common';

import {parseSettings} from '../../config/settings';
import {type DeliveryRequest} from '../../dispatch/types';
import {PluginApiError, type ChannelInfo, type FileMetadata, type Logger, type PostInfo, type PostThread} from '../../ports';
import {RuleStore} from '../../rules/rule_store';
import {channel, ids, user} from '../../rules/testing/factories';
import {MemoryKV} from '../../rules/testing/memory_kv';
import {Guards} from '../guards';
import {LookupCache} from '../lookup_cache';
import {PostEngine} from '../post_engine';

const quiet: Logger = {debug() {}, info() {}, warn() {}, error() {}};

export interface SetupOptions {
    settings?: Record<string, unknown>;
    /** Who has consented to rules in direct and group conversations. */
    consenting?: string[];
    /** Mattermost's file infos by id, threads by root id, and the authors' groups (else no group source). */
    files?: Record<string, FileMetadata>;
    threads?: Record<string, PostThread>;
    /** Posts by id (the reacted posts). */
    posts?: Record<string, PostInfo>;
    groups?: Record<string, string[]> | 'failing';
    /** Channel, user and team lookups through a LookupCache (as in production). */
    cached?: boolean;
    /** Receives match durations. */
    matchTook?: (event: string, seconds: number) => void;
}

/** A PostEngine over a memory store and a fake Mattermost: what it submits, looks up and warns about. */
export function setup(failFor?: string, opts: SetupOptions = {}) {
    let now = 1_700_000_000_000;
    const clock = {now: () => now};
    const kv = new MemoryKV(clock.now);
    const settings = () => parseSettings(opts.settings ?? {});
    const memberLookups: string[] = [];
    const lookups: string[] = [];
    const channelCalls: string[] = [];
    const warnings: string[] = [];
    const store = new RuleStore({kv, publish: async () => {}, clock, settings, log: quiet});
    const submitted: DeliveryRequest[] = [];
    const channels: Record<string, ChannelInfo> = {
        [ids.town]: channel(),
        [ids.priv]: channel({id: ids.priv, type: 'P', name: 'ops', display_name: 'Ops'}),
        [ids.gm]: channel({id: ids.gm, team_id: '', type: 'G', name: 'gm', display_name: 'alice, bob, carol'}),
    };
    const api = {
            getChannel: async (id: string) => {
                channelCalls.push(id);
                return channels[id] ?? Promise.reject(new Error(`no channel ${id}`));
            },
            getUser: async (id: string) => user({id, username: id === ids.alice ? 'alice' : 'bob', is_bot: id === ids.bot || id === ids.otherBot}),
            getTeam: async (id: string) => ({id, name: 'eng', display_name: 'Engineering'}),
            getFileInfo: async (id: string) => {
                lookups.push(`file ${id}`);
                return opts.files?.[id] ?? Promise.reject(new PluginApiError('no file', 404));
            },
            getPost: async (id: string) => {
                lookups.push(`post ${id}`);
                return opts.posts?.[id] ?? Promise.reject(new PluginApiError('no post', 404));
            },
            getPostThread: async (id: string) => {
                lookups.push(`thread ${id}`);
                return opts.threads?.[id] ?? Promise.reject(new PluginApiError('store down', 500));
            },
    };
    const engine = new PostEngine({
        api,
        ...(opts.cached && {lookups: new LookupCache(api, clock)}),
        ...(opts.groups && {
            groups: {
                groupIdsForUser: async (userId: string) => {
                    lookups.push(`groups ${userId}`);
                    if (opts.groups === 'failing') throw new PluginApiError('ldap down', 500);
                    return opts.groups?.[userId] ?? [];
                },
            },
        }),
        rules: store,
        guards: new Guards({kv, clock, settings, ownBotIds: () => new Set([ids.bot])}),
        submit: async (request) => {
            if (request.rule.name === failFor) throw new Error('kv down');
            submitted.push(request);
            return [{delivery_id: `d${submitted.length}`, webhook_id: `msg_${submitted.length}`, endpoint_ids: ['e1'], status: 'queued', delay_ms: 0}];
        },
        settings,
        optIns: {allOptedIn: async (_channelId, memberIds) => memberIds.length > 0 && memberIds.every((m) => opts.consenting?.includes(m))},
        members: {
            of: async (c) => {
                memberLookups.push(c.id);
                return c.id === ids.gm ? [ids.alice, ids.bob, ids.carol] : [];
            },
        },
        bot: () => ({userId: ids.bot, username: 'tripwire'}),
        log: {...quiet, warn: (message) => warnings.push(message)},
        ...(opts.matchTook && {metrics: {matchTook: opts.matchTook}}),
    });
    const addRule = (spec: Partial<RuleSpecInput>) =>
        store.create(
            {
                name: 'r',
                enabled: true,
                scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town]},
                trigger: {mode: 'any'},
                endpoints: [{url: 'https://hooks.example.com/x'}],
                ...spec,
            } as never,
            ids.alice,
        );
    return {engine, submitted, addRule, memberLookups, lookups, channelCalls, warnings, channels, advance: (ms: number) => (now += ms)};
}
