import {parseSettings} from '../config/settings';
import {type Logger} from '../ports';
import {RuleStore} from '../rules/rule_store';
import {ids} from '../rules/testing/factories';
import {MemoryKV} from '../rules/testing/memory_kv';

import {disableEndpoint} from './rule_maintenance';

const quiet: Logger = {debug() {}, info() {}, warn() {}, error() {}};

describe('disableEndpoint', () => {
    it('turns off only the endpoint that answered 410, once', async () => {
        const clock = {now: () => 1_700_000_000_000};
        const store = new RuleStore({kv: new MemoryKV(clock.now), publish: async () => {}, clock, settings: () => parseSettings({}), log: quiet});
        const rule = await store.create(
            {
                name: 'r',
                enabled: true,
                scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town]},
                trigger: {mode: 'any'},
                endpoints: [
                    {id: 'gone', url: 'https://a.example.com/'},
                    {id: 'fine', url: 'https://b.example.com/'},
                ],
            } as never,
            ids.alice,
        );

        expect(await disableEndpoint(store, rule.id, 'gone', ids.bot)).toBe(true);
        const after = await store.get(rule.id);
        expect(after!.endpoints.map((e) => [e.id, e.enabled])).toEqual([
            ['gone', false],
            ['fine', true],
        ]);
        expect(after!.revision).toBe(rule.revision + 1);
        expect(after!.updatedBy).toBe(ids.bot);
        expect(await disableEndpoint(store, rule.id, 'gone', ids.bot)).toBe(false);
        expect(await disableEndpoint(store, rule.id, 'nope', ids.bot)).toBe(false);
    });
});
