import {ruleSpecSchema, type Rule, type RuleSpecInput} from '@tripwire/common';
import {type Application} from 'express';

import {parseSettings, type Settings} from '../../config/settings';
import {memoryLogger, serverConfig} from '../../dispatch/testing/factories';
import {startHarness, type Harness} from '../../dispatch/testing/harness';
import {MemoryKV} from '../../dispatch/testing/memory_kv';
import {FakePermissionsApi} from '../../permissions/testing/fake_plugin_api';
import {RulePermissions} from '../../permissions/rule_permissions';
import {PluginApiError, type ChannelInfo, type FileMetadata, type GroupInfo, type HealthSource, type OpenDialogRequest, type PostDraft, type PostInfo, type PostThread, type ServerConfigInfo, type TeamInfo} from '../../ports';
import {DirectOptIns} from '../../rules/direct_opt_in';
import {RuleBots} from '../../rules/rule_bots';
import {MemoryBots} from '../../rules/testing/memory_bots';
import {RuleStore} from '../../rules/rule_store';
import {createTripwireHttp} from '../app';
import {type HttpPluginApi} from '../service/context';
import {type Services} from '../services';

/** A Mattermost id from a readable name: lowercase letters and digits, padded to 26. */
export const mmid = (name: string): string => (name.toLowerCase().replace(/[^a-z0-9]/g, '') + '0'.repeat(26)).slice(0, 26);

export const TEAM = mmid('team');
export const OTHER_TEAM = mmid('otherteam');
export const BOT = mmid('tripwirebot');

/** The people every API test is run as. */
export const USERS = {
    sysadmin: mmid('sysadmin'),
    teamadmin: mmid('teamadmin'),
    chanadmin: mmid('chanadmin'),
    member: mmid('member'),
    outsider: mmid('outsider'),
    guest: mmid('guest'),
} as const;
export type Role = keyof typeof USERS | 'anonymous';
export const ROLES: readonly Role[] = ['sysadmin', 'teamadmin', 'chanadmin', 'member', 'outsider', 'guest', 'anonymous'];

export const CHANNELS = {
    pub: mmid('pubchannel'),
    priv: mmid('privchannel'),
    /** The member's direct messages with the channel admin. */
    dm: mmid('dmchannel'),
} as const;
const DM = CHANNELS.dm;

/**
 * Mattermost in memory for the http layer: the permission fake (default schemes) plus posts, teams, dialogs and the
 * KV store, recording what the plugin posted and opened.
 */
export class FakeMattermost extends FakePermissionsApi implements HttpPluginApi {
    readonly kv = new MemoryKV();
    readonly teams = new Map<string, TeamInfo>();
    readonly posts = new Map<string, PostInfo>();
    readonly created: PostDraft[] = [];
    readonly ephemeral: Array<{userId: string; post: PostDraft}> = [];
    readonly dialogs: OpenDialogRequest[] = [];
    /** userId → the user groups Mattermost lists for them. */
    readonly groups = new Map<string, GroupInfo[]>();
    readonly files = new Map<string, FileMetadata>();
    private nextPost = 0;

    async getTeam(teamId: string): Promise<TeamInfo> {
        const t = this.teams.get(teamId);
        if (!t) throw new PluginApiError('team not found', 404);
        return t;
    }

    async getPost(postId: string): Promise<PostInfo> {
        const p = this.posts.get(postId);
        if (!p) throw new PluginApiError('post not found', 404);
        return p;
    }

    async getPostThread(postId: string): Promise<PostThread> {
        const post = await this.getPost(postId);
        const rootId = post.root_id || post.id;
        const thread = [...this.posts.values()].filter((p) => p.id === rootId || p.root_id === rootId).sort((a, b) => b.create_at - a.create_at);
        return {order: thread.map((p) => p.id), posts: Object.fromEntries(thread.map((p) => [p.id, p]))};
    }

    async getPostsSince(channelId: string, since: number): Promise<PostThread> {
        const found = [...this.posts.values()].filter((p) => p.channel_id === channelId && Math.max(p.create_at, p.update_at) >= since).sort((a, b) => b.create_at - a.create_at);
        return {order: found.map((p) => p.id), posts: Object.fromEntries(found.map((p) => [p.id, p]))};
    }

    async getFileInfo(fileId: string): Promise<FileMetadata> {
        const f = this.files.get(fileId);
        if (!f) throw new PluginApiError('file not found', 404);
        return f;
    }

    async getGroupsForUser(userId: string): Promise<GroupInfo[]> {
        return this.groups.get(userId) ?? [];
    }

    async createPost(post: PostDraft): Promise<PostInfo> {
        this.created.push(post);
        const id = mmid(`post${++this.nextPost}`);
        const stored = {
            id,
            create_at: 1,
            update_at: 1,
            edit_at: 0,
            delete_at: 0,
            user_id: post.user_id ?? '',
            channel_id: post.channel_id,
            root_id: post.root_id ?? '',
            message: post.message,
            type: post.type ?? '',
            props: post.props ?? {},
        } as PostInfo;
        this.posts.set(id, stored);
        return stored;
    }

    /** The bot's DM with a user: a stable fake id per user. */
    async getDirectChannel(userId1: string, userId2: string): Promise<ChannelInfo> {
        return {id: mmid(`dm${userId2}`), team_id: '', type: 'D', name: `${userId1}__${userId2}`, display_name: '', delete_at: 0};
    }

    async sendEphemeralPost(userId: string, post: PostDraft): Promise<PostInfo> {
        this.ephemeral.push({userId, post});
        return {...post, id: mmid('ephemeral')} as PostInfo;
    }

    async openInteractiveDialog(request: OpenDialogRequest): Promise<void> {
        if (!request.trigger_id) throw new PluginApiError('missing trigger id', 400);
        this.dialogs.push(request);
    }

    override async hasPermissionToChannel(userId: string, channelId: string, permission: string): Promise<boolean> {
        // Members may read and post; the rest follows the permission fake.
        if ((permission === 'read_channel' || permission === 'create_post') && this.members.get(channelId)?.has(userId)) return true;
        return super.hasPermissionToChannel(userId, channelId, permission);
    }
}

export interface World {
    mm: FakeMattermost;
    app: Application;
    services: Services;
    rules: RuleStore;
    harness: Harness;
    settings: {current: Settings};
    saved: Array<Record<string, unknown>>;
    config: ServerConfigInfo;
    log: ReturnType<typeof memoryLogger>;
    /** Mattermost's bot API over the same users (rules' own bots; the guardrail allow_rule_bots is off by default). */
    bots: MemoryBots;
    /** Stores a rule directly (no permission checks). */
    addRule(spec: RuleSpecInput, owner?: string): Promise<Rule>;
    close(): Promise<void>;
}

/**
 * A team with a public and a private channel and a DM, the six kinds of users, the real rule store, permissions,
 * dispatcher and http layer over in-memory Mattermost. Loopback receivers are allowed through the SSRF guard by
 * the admin allowlist (AllowedHosts), as an admin would.
 */
export async function createWorld(options: {settings?: Record<string, unknown>; health?: HealthSource} = {}): Promise<World> {
    const mm = new FakeMattermost();
    const u = USERS;
    mm.addUser(u.sysadmin, 'system_user system_admin')
        .addUser(u.teamadmin)
        .addUser(u.chanadmin)
        .addUser(u.member)
        .addUser(u.outsider)
        .addUser(u.guest, 'system_guest')
        .addUser(BOT)
        .makeTeamAdmin(TEAM, u.teamadmin);
    mm.teams.set(TEAM, {id: TEAM, name: 'team', display_name: 'Team'});
    const channel = (id: string, type: 'O' | 'P' | 'D', name: string, teamId = TEAM) => ({id, team_id: teamId, type, name, display_name: name, delete_at: 0});
    mm.addChannel(channel(CHANNELS.pub, 'O', 'town-square'))
        .addChannel(channel(CHANNELS.priv, 'P', 'secret-plans'))
        .addChannel(channel(DM, 'D', `${u.chanadmin}__${u.member}`, ''));
    mm.addMember(CHANNELS.pub, u.teamadmin)
        .addMember(CHANNELS.pub, u.chanadmin, 'admin')
        .addMember(CHANNELS.pub, u.member)
        .addMember(CHANNELS.pub, u.guest, 'guest')
        .addMember(CHANNELS.priv, u.chanadmin, 'admin')
        .addMember(CHANNELS.priv, u.member)
        .addMember(DM, u.chanadmin)
        .addMember(DM, u.member);

    const settings = {current: parseSettings({AllowedHosts: '127.0.0.1', EnableDirectMessageRules: true, ...options.settings})};
    const config = serverConfig();
    const log = memoryLogger();
    const harness = await startHarness({kv: mm.kv, settings: () => settings.current});
    // Rules list in creation order (createdAt, then id): a clock that never repeats a millisecond keeps two rules
    // created back to back in the order the test made them, instead of their random ids deciding.
    let lastRuleTime = 0;
    const ruleClock = {now: () => (lastRuleTime = Math.max(Date.now(), lastRuleTime + 1))};
    const rules = new RuleStore({kv: mm.kv, publish: async () => undefined, clock: ruleClock, settings: () => settings.current, log});
    const saved: Array<Record<string, unknown>> = [];
    const bots = new MemoryBots(mm.users);
    const {app, services} = createTripwireHttp({
        api: mm,
        rules,
        permissions: new RulePermissions(mm, () => settings.current),
        dispatcher: harness.dispatcher,
        optIns: new DirectOptIns(mm.kv, async () => undefined),
        settings: () => settings.current,
        serverConfig: () => config,
        clock: {now: () => Date.now()},
        log,
        botUserId: () => BOT,
        bots: new RuleBots({api: bots, pluginId: 'tripwire', sharedBotUserId: () => BOT, log}),
        version: '1.2.3',
        saveSettings: async (patch) => void saved.push(patch),
        ...(options.health && {health: options.health}),
    });
    return {
        mm,
        app,
        services,
        rules,
        harness,
        settings,
        saved,
        config,
        log,
        bots,
        addRule: (spec, owner = u.chanadmin) => rules.create(ruleSpecSchema.parse(spec), owner),
        close: () => harness.dispatcher.stop(),
    };
}

/** A valid rule spec: `deploy` as first word in the public channel, one endpoint. */
export function ruleSpec(overrides: Partial<RuleSpecInput> = {}): RuleSpecInput {
    return {
        name: 'Deploys',
        scope: {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.pub]},
        trigger: {mode: 'exact', words: ['deploy']},
        endpoints: [{id: 'main', url: 'https://hooks.example.com/deploy'}],
        ...overrides,
    };
}

/** The header Mattermost sets for a logged-in user, or none. */
export function as(role: Role): Record<string, string> {
    return role === 'anonymous' ? {} : {'Mattermost-User-Id': USERS[role]};
}
