import {parseSettings} from '../config/settings';
import {type ChannelInfo} from '../ports';
import {RulePermissions, type RuleAction} from './rule_permissions';
import {FakePermissionsApi} from './testing/fake_plugin_api';

const id = (seed: string) => (seed + 'x'.repeat(26)).slice(0, 26);
const team = id('team');
const otherTeam = id('otherteam');
const users = {
    sysadmin: id('sysadmin'),
    teamAdmin: id('teamadmin'),
    channelAdmin: id('channeladmin'),
    member: id('member'),
    nonMember: id('nonmember'),
    guest: id('guest'),
};
const chan = (name: string, type: ChannelInfo['type'], overrides: Partial<ChannelInfo> = {}): ChannelInfo => ({
    id: id(name),
    team_id: type === 'D' || type === 'G' ? '' : team,
    type,
    name,
    display_name: name,
    delete_at: 0,
    ...overrides,
});
const pub = chan('public', 'O');
const priv = chan('private', 'P');
const dm = chan('direct', 'D');
const archived = chan('archived', 'O', {delete_at: 5});
const foreign = chan('foreign', 'O', {team_id: otherTeam});

function setup(settings: Record<string, unknown> = {EnableDirectMessageRules: true}) {
    const api = new FakePermissionsApi()
        .addUser(users.sysadmin, 'system_user system_admin')
        .addUser(users.teamAdmin)
        .addUser(users.channelAdmin)
        .addUser(users.member)
        .addUser(users.nonMember)
        .addUser(users.guest, 'system_guest')
        .makeTeamAdmin(team, users.teamAdmin);
    for (const c of [pub, priv, archived, foreign]) {
        api.addChannel(c).addMember(c.id, users.channelAdmin, 'admin').addMember(c.id, users.member).addMember(c.id, users.guest, 'guest');
    }
    api.addChannel(dm).addMember(dm.id, users.member).addMember(dm.id, users.guest, 'guest');
    return {api, perms: new RulePermissions(api, () => parseSettings(settings))};
}

type Who = keyof typeof users;
const summary = async (perms: RulePermissions, who: Who, channel: ChannelInfo, action: RuleAction) => {
    const a = await perms.channelAccess(users[who], channel.id, action);
    return a.ok ? a.as : a.code;
};

describe('RulePermissions.channelAccess', () => {
    // [who, public, private (team admin not a member), direct message] for 'manage'
    it.each([
        ['sysadmin', 'system_admin', 'not_found', 'not_found'],
        ['teamAdmin', 'team_admin', 'not_found', 'not_found'],
        ['channelAdmin', 'channel_admin', 'channel_admin', 'not_found'],
        ['member', 'forbidden', 'forbidden', 'member'],
        ['nonMember', 'forbidden', 'not_found', 'not_found'],
        ['guest', 'forbidden', 'forbidden', 'forbidden'],
    ] as const)('manage as %s: public %s, private %s, direct %s', async (who, inPublic, inPrivate, inDirect) => {
        const {perms} = setup();
        expect(await summary(perms, who, pub, 'manage')).toBe(inPublic);
        expect(await summary(perms, who, priv, 'manage')).toBe(inPrivate);
        expect(await summary(perms, who, dm, 'manage')).toBe(inDirect);
    });

    it('lets a system admin view and delete rules of private channels and conversations they are not in, never create', async () => {
        const {perms} = setup();
        expect(await summary(perms, 'sysadmin', priv, 'view')).toBe('system_admin');
        expect(await summary(perms, 'sysadmin', priv, 'delete')).toBe('system_admin');
        expect(await summary(perms, 'sysadmin', dm, 'delete')).toBe('system_admin');
        expect(await summary(perms, 'teamAdmin', priv, 'view')).toBe('not_found');
    });

    it('lets a team admin who is a member manage a private channel', async () => {
        const {api, perms} = setup();
        api.addMember(priv.id, users.teamAdmin);
        expect(await summary(perms, 'teamAdmin', priv, 'manage')).toBe('team_admin');
    });

    it('honours a channel admin granted by a custom scheme (manage_channel_roles) without scheme_admin', async () => {
        const {api, perms} = setup();
        api.addMember(pub.id, users.member);
        api.hasPermissionToChannel = async (u, c, p) => u === users.member && c === pub.id && p === 'manage_channel_roles';
        expect(await summary(perms, 'member', pub, 'manage')).toBe('channel_admin');
    });

    it('refuses changes in archived channels but still shows their rules', async () => {
        const {perms} = setup();
        expect(await summary(perms, 'channelAdmin', archived, 'manage')).toBe('forbidden');
        expect(await summary(perms, 'channelAdmin', archived, 'view')).toBe('channel_admin');
    });

    it('turns direct-message rules off unless the system admin enabled them', async () => {
        const {perms} = setup({EnableDirectMessageRules: false});
        expect(await perms.channelAccess(users.member, dm.id, 'manage')).toMatchObject({ok: false, code: 'forbidden', reason: expect.stringContaining('turned off')});
        expect(await summary(perms, 'member', dm, 'view')).toBe('member');
    });

    it('answers "not found" for a channel that does not exist, before anything else', async () => {
        const {api, perms} = setup();
        expect(await summary(perms, 'sysadmin', chan('ghost', 'O'), 'view')).toBe('not_found');
        expect(api.calls).toBe(1);
    });
});

describe('RulePermissions.teamAccess and directAccess', () => {
    it('team-wide rules: team admins for public channels, only system admins when private channels are included', async () => {
        const {perms} = setup();
        expect(await perms.teamAccess(users.teamAdmin, team, ['O'], 'manage')).toEqual({ok: true, as: 'team_admin'});
        expect(await perms.teamAccess(users.teamAdmin, team, ['O', 'P'], 'manage')).toMatchObject({ok: false, code: 'forbidden', field: 'scope.channelTypes'});
        expect(await perms.teamAccess(users.sysadmin, team, ['O', 'P'], 'manage')).toEqual({ok: true, as: 'system_admin'});
        expect(await perms.teamAccess(users.teamAdmin, otherTeam, ['O'], 'manage')).toMatchObject({ok: false, code: 'forbidden'});
        expect(await perms.teamAccess(users.channelAdmin, team, ['O'], 'view')).toMatchObject({ok: false, code: 'forbidden'});
        expect(await perms.teamAccess(users.guest, team, ['O'], 'view')).toMatchObject({ok: false, code: 'forbidden'});
    });

    it('personal rules: one\'s own; others\' look absent (a system admin may view and delete them)', async () => {
        const {perms} = setup();
        expect(await perms.directAccess(users.member, users.member, 'manage')).toEqual({ok: true, as: 'member'});
        expect(await perms.directAccess(users.member, users.channelAdmin, 'view')).toMatchObject({ok: false, code: 'not_found'});
        expect(await perms.directAccess(users.sysadmin, users.member, 'delete')).toEqual({ok: true, as: 'system_admin'});
        expect(await perms.directAccess(users.sysadmin, users.member, 'manage')).toMatchObject({ok: false, code: 'not_found'});
        expect(await perms.directAccess(users.guest, users.guest, 'manage')).toMatchObject({ok: false, code: 'forbidden'});
        const off = setup({EnableDirectMessageRules: false}).perms;
        expect(await off.directAccess(users.member, users.member, 'manage')).toMatchObject({ok: false, code: 'forbidden'});
        expect(await off.directAccess(users.member, users.member, 'delete')).toEqual({ok: true, as: 'member'}); // can clean up
    });
});

describe('RulePermissions.ruleAccess', () => {
    it('needs every channel of the scope, and reports the weakest level', async () => {
        const {api, perms} = setup();
        api.addMember(priv.id, users.teamAdmin);
        const both = {kind: 'channels' as const, teamId: team, channelIds: [pub.id, priv.id]};
        expect(await perms.ruleAccess(users.channelAdmin, both, users.channelAdmin, 'manage')).toEqual({ok: true, as: 'channel_admin'});
        expect(await perms.ruleAccess(users.teamAdmin, both, users.teamAdmin, 'manage')).toEqual({ok: true, as: 'team_admin'});
        expect(await perms.ruleAccess(users.member, both, users.member, 'manage')).toMatchObject({ok: false, code: 'forbidden'});
    });

    it('refuses channels from another team than the scope says', async () => {
        const {api, perms} = setup();
        api.addMember(foreign.id, users.sysadmin);
        const mixed = {kind: 'channels' as const, teamId: team, channelIds: [pub.id, foreign.id]};
        expect(await perms.ruleAccess(users.sysadmin, mixed, users.sysadmin, 'manage')).toMatchObject({ok: false, code: 'invalid_input', field: 'scope.channelIds'});
    });

    it('keeps a rule whose channel was deleted reachable to its owner and system admins, to view and delete only', async () => {
        const {perms} = setup();
        const gone = {kind: 'channels' as const, teamId: team, channelIds: [id('deleted')]};
        const owner = users.member;
        expect(await perms.ruleAccess(owner, gone, owner, 'view')).toEqual({ok: true, as: 'member', orphaned: true});
        expect(await perms.ruleAccess(owner, gone, owner, 'delete')).toEqual({ok: true, as: 'member', orphaned: true});
        expect(await perms.ruleAccess(users.sysadmin, gone, owner, 'delete')).toEqual({ok: true, as: 'system_admin', orphaned: true});
        for (const who of ['teamAdmin', 'channelAdmin', 'nonMember', 'guest'] as const) {
            expect(await perms.ruleAccess(users[who], gone, owner, 'view')).toMatchObject({ok: false, code: 'not_found'});
        }
        expect(await perms.ruleAccess(owner, gone, owner, 'manage')).toMatchObject({ok: false, code: 'not_found'});
        expect(await perms.ruleAccess(users.sysadmin, gone, owner, 'manage')).toMatchObject({ok: false, code: 'not_found'});
        expect(await perms.ruleAccess(users.guest, gone, users.guest, 'view')).toMatchObject({ok: false, code: 'forbidden'});
    });

    it('flags a rule that names a deleted channel beside live ones: their admins keep their access, the owner keeps theirs', async () => {
        const {perms} = setup();
        const partly = {kind: 'channels' as const, teamId: team, channelIds: [id('deleted'), pub.id]};
        expect(await perms.ruleAccess(users.channelAdmin, partly, users.member, 'view')).toEqual({ok: true, as: 'channel_admin', orphaned: true});
        // The owner is a plain member of the live channel: still the rule's owner.
        expect(await perms.ruleAccess(users.member, partly, users.member, 'delete')).toEqual({ok: true, as: 'member', orphaned: true});
        expect(await perms.ruleAccess(users.nonMember, partly, users.member, 'delete')).toMatchObject({ok: false, code: 'forbidden'});
        expect(await perms.ruleAccess(users.channelAdmin, partly, users.member, 'manage')).toMatchObject({ok: false, code: 'not_found'});
    });

    it('dispatches team and direct scopes', async () => {
        const {perms} = setup();
        expect(await perms.ruleAccess(users.teamAdmin, {kind: 'team', teamId: team, channelTypes: ['O']}, users.sysadmin, 'manage')).toEqual({ok: true, as: 'team_admin'});
        expect(await perms.ruleAccess(users.member, {kind: 'direct', channelTypes: ['D']}, users.member, 'manage')).toEqual({ok: true, as: 'member'});
    });
});
