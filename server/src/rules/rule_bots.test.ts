import {ruleBotSchema} from '@tripwire/common';

import {type Logger, type UserInfo as PortUser} from '../ports';

import {RuleBotError, RuleBots} from './rule_bots';
import {MemoryBots} from './testing/memory_bots';

const quiet: Logger = {debug() {}, info() {}, warn() {}, error() {}};
const SHARED = 'shared0000000000000000000a';
const PNG = `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\n-pixels', 'latin1').toString('base64')}`;

function setup() {
    const users = new Map<string, PortUser>();
    users.set(SHARED, {id: SHARED, username: 'tripwire', first_name: '', last_name: '', nickname: '', roles: 'system_user', is_bot: true, delete_at: 0});
    users.set('alice0000000000000000000aa', {id: 'alice0000000000000000000aa', username: 'alice', first_name: '', last_name: '', nickname: '', roles: 'system_user', is_bot: false, delete_at: 0});
    const api = new MemoryBots(users);
    const bots = new RuleBots({api, pluginId: 'tripwire', sharedBotUserId: () => SHARED, log: quiet});
    return {api, bots, users};
}

const bot = (input: Record<string, unknown>) => ruleBotSchema.parse(input);

describe('RuleBots', () => {
    it('creates a bot owned by the plugin, with the rule in its description and the avatar set', async () => {
        const {api, bots} = setup();
        const id = await bots.ensure(bot({username: 'deploy-bot', display_name: 'Deploys', icon: PNG}), 'Deploys');
        expect(api.bots.get(id)).toMatchObject({username: 'deploy-bot', display_name: 'Deploys', owner_id: 'tripwire', delete_at: 0});
        expect(api.bots.get(id)!.description).toContain('Deploys');
        expect(Buffer.from(api.images.get(id)!).toString('latin1')).toBe('\x89PNG\r\n\x1a\n-pixels');
    });

    it('is idempotent and takes back a deactivated bot of the plugin with the same username', async () => {
        const {api, bots} = setup();
        const first = await bots.ensure(bot({username: 'deploy-bot'}), 'Deploys');
        await bots.retire(first);
        expect(api.bots.get(first)!.delete_at).not.toBe(0);
        const again = await bots.ensure(bot({username: 'deploy-bot', display_name: 'Back'}), 'Deploys');
        expect(again).toBe(first);
        expect(api.bots.size).toBe(1);
        expect(api.bots.get(first)).toMatchObject({delete_at: 0, display_name: 'Back'});
    });

    it('renames the rule bot it already has instead of making another (its posts stay with it)', async () => {
        const {api, bots} = setup();
        const id = await bots.ensure(bot({username: 'deploy-bot'}), 'Deploys');
        const renamed = await bots.ensure(bot({username: 'release-bot'}), 'Deploys', {bot: bot({username: 'deploy-bot'}), botUserId: id});
        expect(renamed).toBe(id);
        expect(api.bots.get(id)!.username).toBe('release-bot');
    });

    it('refuses a username held by a user, by another integration, or by Tripwire itself', async () => {
        const {api, bots} = setup();
        api.addForeignBot('other000000000000000000000', 'jira', 'com.example.jira');
        for (const [username, why] of [['alice', 'user account'], ['jira', 'another integration'], ['tripwire', "Tripwire's own bot"]] as const) {
            const err = await bots.ensure(bot({username}), 'r').catch((e: unknown) => e);
            expect(err).toBeInstanceOf(RuleBotError);
            expect(err).toMatchObject({code: 'conflict', field: 'bot.username'});
            expect((err as Error).message).toContain(why);
        }
        expect(api.bots.get('other000000000000000000000')!.delete_at).toBe(0);
    });

    it('sets the avatar only when it changes', async () => {
        const {api, bots} = setup();
        const spec = bot({username: 'deploy-bot', icon: PNG});
        const id = await bots.ensure(spec, 'r');
        api.images.clear();
        await bots.ensure(spec, 'r', {bot: spec, botUserId: id});
        expect(api.images.size).toBe(0);
    });

    it('retiring a bot that is already gone is no error', async () => {
        const {bots} = setup();
        await expect(bots.retire('gone00000000000000000000000')).resolves.toBeUndefined();
        await expect(bots.retire(undefined)).resolves.toBeUndefined();
    });
});

describe('ruleBotSchema', () => {
    it.each([
        ['an uppercase username', {username: 'Deploy'}, 'username'],
        ['a two-letter username', {username: 'ab'}, 'username'],
        ['a username starting with a digit', {username: '1bot'}, 'username'],
        ['a reserved name', {username: 'channel'}, 'username'],
        ['a display name over 64 characters', {username: 'ok-bot', display_name: 'x'.repeat(65)}, 'display_name'],
        ['an SVG avatar', {username: 'ok-bot', icon: 'data:image/svg+xml;base64,PHN2Zy8+'}, 'icon'],
        ['HTML called a PNG', {username: 'ok-bot', icon: `data:image/png;base64,${Buffer.from('<html>').toString('base64')}`}, 'icon'],
        ['an avatar over 64 KiB', {username: 'ok-bot', icon: `data:image/png;base64,${Buffer.alloc(65 * 1024, 0x89).toString('base64')}`}, 'icon'],
    ])('refuses %s (at the field)', (_label, input, field) => {
        const r = ruleBotSchema.safeParse(input);
        expect(r.success).toBe(false);
        expect(r.error!.issues[0]!.path).toEqual([field]);
    });

    it('accepts a PNG and a JPEG avatar', () => {
        const jpeg = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]).toString('base64')}`;
        expect(ruleBotSchema.parse({username: 'ok.bot_1', icon: PNG}).icon).toBe(PNG);
        expect(ruleBotSchema.parse({username: 'ok-bot', icon: jpeg}).display_name).toBe('');
    });
});

