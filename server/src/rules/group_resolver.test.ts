import {ApiGroupSource, CachedGroupSource} from './group_resolver';
import {id, ids} from './testing/factories';

describe('ApiGroupSource', () => {
    it('lists the ids of the groups Mattermost has for the user, leaving out archived ones', async () => {
        const asked: string[] = [];
        const source = new ApiGroupSource({
            getGroupsForUser: async (userId) => {
                asked.push(userId);
                return [
                    {id: id('ops'), display_name: 'Ops', source: 'ldap', delete_at: 0},
                    {id: id('old'), display_name: 'Old', source: 'custom', delete_at: 1_700_000_000_000},
                    {id: id('devs'), display_name: 'Devs', source: 'custom', delete_at: 0},
                ];
            },
        });
        expect(await source.groupIdsForUser(ids.alice)).toEqual([id('ops'), id('devs')]);
        expect(asked).toEqual([ids.alice]);
    });

    it('is asked once per user within the cache time, and a failure is not cached', async () => {
        let now = 0;
        let fail = true;
        const calls: string[] = [];
        const api = {
            getGroupsForUser: async (userId: string) => {
                calls.push(userId);
                if (fail) throw new Error('down');
                return [{id: id('ops'), display_name: 'Ops', source: 'ldap', delete_at: 0}];
            },
        };
        const source = new CachedGroupSource(new ApiGroupSource(api), {now: () => now}, 1000);
        await expect(source.groupIdsForUser(ids.alice)).rejects.toThrow('down');
        fail = false;
        expect(await source.groupIdsForUser(ids.alice)).toEqual([id('ops')]);
        now = 999;
        expect(await source.groupIdsForUser(ids.alice)).toEqual([id('ops')]);
        expect(calls).toEqual([ids.alice, ids.alice]);
    });
});
