import {importNativeWebhook} from './native_import';
import {id, ids} from './testing/factories';

/** As GET /api/v4/hooks/outgoing returns it. */
function hook(overrides: Record<string, unknown> = {}) {
    return {
        id: id('hook1'),
        token: 'tok26tok26tok26tok26tok26x',
        create_at: 1,
        update_at: 1,
        delete_at: 0,
        creator_id: ids.alice,
        channel_id: ids.town,
        team_id: ids.team,
        trigger_words: ['deploy', 'ship'],
        trigger_when: 0,
        callback_urls: ['https://ci.example.com/hook'],
        display_name: 'CI',
        description: 'kicks CI',
        content_type: 'application/json',
        username: 'ci-bot',
        icon_url: 'https://ci.example.com/icon.png',
        ...overrides,
    };
}

describe('importNativeWebhook', () => {
    it('maps a channel hook with exact trigger words', () => {
        const r = importNativeWebhook(hook());
        if (!r.ok) throw new Error(r.reason);
        expect(r.warnings).toEqual([]);
        expect(r.native).toEqual({id: id('hook1'), token: 'tok26tok26tok26tok26tok26x', creatorId: ids.alice});
        expect(r.spec).toMatchObject({
            name: 'CI',
            description: 'kicks CI',
            enabled: true,
            scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town]},
            trigger: {mode: 'exact', words: ['deploy', 'ship'], ignoreCase: false},
            events: ['posted'],
            threads: 'all',
            sources: {bots: true, integrations: false},
            endpoints: [{url: 'https://ci.example.com/hook', payload: 'compat', content_type: 'json'}],
            response: {username: 'ci-bot', icon_url: 'https://ci.example.com/icon.png'},
        });
    });

    it('maps trigger_when=1 to starts_with and a form content type to form', () => {
        const r = importNativeWebhook(hook({trigger_when: 1, content_type: 'application/x-www-form-urlencoded'}));
        expect(r.ok && r.spec.trigger).toEqual({mode: 'starts_with', words: ['deploy', 'ship'], ignoreCase: false});
        expect(r.ok && r.spec.endpoints[0]).toMatchObject({content_type: 'form'});
        expect(importNativeWebhook(hook({content_type: ''})).ok && true).toBe(true);
    });

    it('maps a channel hook without trigger words to any, and a team hook to the team\'s public channels', () => {
        const any = importNativeWebhook(hook({trigger_words: []}));
        expect(any.ok && any.spec.trigger).toEqual({mode: 'any'});
        const team = importNativeWebhook(hook({channel_id: ''}));
        expect(team.ok && team.spec.scope).toEqual({kind: 'team', teamId: ids.team, channelTypes: ['O']});
    });

    it('drops words that could never match, and disables a hook left with none', () => {
        const some = importNativeWebhook(hook({trigger_words: ['deploy now', 'ship']}));
        expect(some.ok && some.spec.trigger).toMatchObject({words: ['ship']});
        expect(some.ok && some.warnings[0]).toContain('"deploy now"');
        const none = importNativeWebhook(hook({trigger_words: ['deploy now']}));
        expect(none.ok && none.spec.enabled).toBe(false);
        expect(none.ok && none.warnings).toContain('none of its trigger words can match: imported disabled');
    });

    it('drops callback URLs Tripwire cannot call and bad icons, with warnings', () => {
        const r = importNativeWebhook(hook({callback_urls: ['ftp://x', 'https://ok.example.com'], icon_url: 'not a url'}));
        if (!r.ok) throw new Error(r.reason);
        expect(r.spec.endpoints.map((e) => e.url)).toEqual(['https://ok.example.com']);
        expect(r.spec.response.icon_url).toBeUndefined();
        expect(r.warnings).toHaveLength(2);
        const none = importNativeWebhook(hook({callback_urls: ['ftp://x']}));
        expect(none.ok && none.spec.enabled).toBe(false);
    });

    it('names nameless hooks after their words, and refuses what is not a live hook', () => {
        const r = importNativeWebhook(hook({display_name: ''}));
        expect(r.ok && r.spec.name).toBe('Outgoing webhook: deploy, ship');
        expect(importNativeWebhook(hook({delete_at: 5}))).toEqual({ok: false, hookId: id('hook1'), reason: 'the webhook is deleted'});
        expect(importNativeWebhook({hello: 1}).ok).toBe(false);
        expect(importNativeWebhook(hook({team_id: 'short'})).ok).toBe(false);
    });
});
