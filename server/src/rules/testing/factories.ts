import {ruleSchema, type Rule, type RuleSpecInput} from '@tripwire/common';
import {type ChannelInfo, type PostInfo, type UserInfo} from '../../ports';

/** Deterministic 26-character Mattermost-style ids for tests: id('alice') → 'alice' padded with 'x'. */
export function id(seed: string): string {
    const clean = seed.toLowerCase().replace(/[^a-z0-9]/g, '');
    return (clean + 'x'.repeat(26)).slice(0, 26);
}

export const ids = {
    team: id('team1'),
    otherTeam: id('team2'),
    town: id('townsquare'),
    priv: id('privatechannel'),
    dm: id('dmchannel'),
    gm: id('gmchannel'),
    alice: id('alice'),
    bob: id('bob'),
    carol: id('carol'),
    bot: id('tripwirebot'),
    otherBot: id('otherbot'),
};

export function channel(overrides: Partial<ChannelInfo> = {}): ChannelInfo {
    return {id: ids.town, team_id: ids.team, type: 'O', name: 'town-square', display_name: 'Town Square', delete_at: 0, ...overrides};
}

export function user(overrides: Partial<UserInfo> = {}): UserInfo {
    return {id: ids.alice, username: 'alice', first_name: '', last_name: '', nickname: '', roles: 'system_user', is_bot: false, delete_at: 0, ...overrides};
}

export function post(message: string, overrides: Partial<PostInfo> = {}): PostInfo {
    return {
        id: id('post1'),
        create_at: 1_700_000_000_000,
        update_at: 1_700_000_000_000,
        edit_at: 0,
        delete_at: 0,
        user_id: ids.alice,
        channel_id: ids.town,
        root_id: '',
        message,
        type: '',
        props: {},
        ...overrides,
    };
}

/** A valid stored rule: enabled, one endpoint, scoped to town-square, with `overrides` on top. */
export function rule(overrides: Partial<RuleSpecInput> & Partial<Pick<Rule, 'id' | 'ownerId' | 'revision'>> = {}): Rule {
    return ruleSchema.parse({
        id: id('rule1'),
        schemaVersion: 1,
        revision: 1,
        ownerId: ids.alice,
        createdBy: ids.alice,
        createdAt: 1,
        updatedBy: ids.alice,
        updatedAt: 1,
        name: 'test rule',
        scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town]},
        trigger: {mode: 'any'},
        endpoints: [{url: 'https://hooks.example.com/x'}],
        ...overrides,
    });
}
