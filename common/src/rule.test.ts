import {fieldErrorsOf} from './errors';
import {parseStoredRule, ruleMigrations, ruleSchema, ruleSpecSchema, scopedChannelIds} from './rule';
import {hopsOf, HOPS_PROP, loopProps, ORIGIN_RULE_PROP} from './rule_loop';

const id = (seed: string) => (seed + 'x'.repeat(26)).slice(0, 26);
const spec = {
    name: 'deploys',
    scope: {kind: 'channels', teamId: id('team'), channelIds: [id('town')]},
    trigger: {mode: 'exact', words: ['deploy']},
    endpoints: [{url: 'https://ci.example.com/hook'}],
};
const stored = {
    ...spec,
    id: id('rule'),
    schemaVersion: 1,
    revision: 3,
    ownerId: id('alice'),
    createdBy: id('alice'),
    createdAt: 1,
    updatedBy: id('bob'),
    updatedAt: 2,
};

describe('ruleSpecSchema', () => {
    it('gives every field a safe default', () => {
        expect(ruleSpecSchema.parse(spec)).toMatchObject({
            description: '',
            enabled: true,
            threads: 'all',
            events: ['posted'],
            conditions: [],
            sources: {bots: false, integrations: false},
            cooldown: {channelSeconds: 0, userSeconds: 0},
            trigger: {mode: 'exact', words: ['deploy'], ignoreCase: false},
        });
    });

    it('reports each problem at its field', () => {
        const r = ruleSpecSchema.safeParse({
            ...spec,
            name: '',
            scope: {kind: 'channels', teamId: id('team'), channelIds: ['nope']},
            events: [],
            cooldown: {userSeconds: 1e9},
            conditions: [{type: 'length'}],
        });
        expect(r.success).toBe(false);
        expect(fieldErrorsOf(r.error!)).toEqual({
            name: 'name is required',
            'scope.channelIds.0': expect.stringContaining('Mattermost id'),
            events: 'choose at least one event',
            'cooldown.userSeconds': expect.stringContaining('a day'),
            'conditions.0': 'set a minimum, a maximum or both',
        });
    });

    it('takes reaction and membership events with the any trigger only, and an emoji filter only with a reaction event', () => {
        const reactions = ruleSpecSchema.parse({...spec, events: ['reaction_added', 'user_joined'], trigger: {mode: 'any'}, emoji: [':ticket:', '+1']});
        expect(reactions.emoji).toEqual(['ticket', '+1']);
        expect(fieldErrorsOf(ruleSpecSchema.safeParse({...spec, events: ['posted', 'reaction_added']}).error!)).toEqual({
            trigger: expect.stringContaining('reaction_added events carry no text'),
        });
        expect(fieldErrorsOf(ruleSpecSchema.safeParse({...spec, emoji: ['ticket']}).error!)).toEqual({emoji: expect.stringContaining('needs a reaction event')});
        expect(fieldErrorsOf(ruleSpecSchema.safeParse({...spec, events: ['reaction_removed'], trigger: {mode: 'any'}, emoji: ['no spaces']}).error!)).toEqual({
            'emoji.0': expect.stringContaining('emoji name'),
        });
        expect(fieldErrorsOf(ruleSpecSchema.safeParse({...spec, events: ['typed']}).error!)).toEqual({'events.0': expect.stringContaining('user_left')});
    });

    it('needs an endpoint unless the rule is a disabled draft, and distinct endpoint ids', () => {
        expect(fieldErrorsOf(ruleSpecSchema.safeParse({...spec, endpoints: []}).error!)).toEqual({endpoints: expect.stringContaining('draft')});
        expect(ruleSpecSchema.safeParse({...spec, enabled: false, endpoints: []}).success).toBe(true);
        const twice = [{id: 'a', url: 'https://x.example.com'}, {id: 'a', url: 'https://y.example.com'}];
        expect(fieldErrorsOf(ruleSpecSchema.safeParse({...spec, endpoints: twice}).error!)).toEqual({endpoints: 'endpoint ids must be distinct'});
    });

    it('keeps scope kinds to their channel types', () => {
        expect(ruleSpecSchema.safeParse({...spec, scope: {kind: 'team', teamId: id('team'), channelTypes: ['G']}}).success).toBe(false);
        expect(ruleSpecSchema.safeParse({...spec, scope: {kind: 'direct', channelTypes: ['O']}}).success).toBe(false);
        expect(ruleSpecSchema.parse({...spec, scope: {kind: 'direct'}}).scope).toEqual({kind: 'direct', channelTypes: ['D', 'G']});
        expect(fieldErrorsOf(ruleSpecSchema.safeParse({...spec, scope: {kind: 'everywhere'}}).error!)).toEqual({'scope.kind': 'must be channels, team or direct'});
    });
});

describe('stored rules', () => {
    it('round-trips through JSON', () => {
        const rule = ruleSchema.parse(stored);
        expect(parseStoredRule(JSON.parse(JSON.stringify(rule)))).toEqual(rule);
        expect(scopedChannelIds(rule)).toEqual([id('town')]);
    });

    it('refuses an unknown or future schema version rather than guess', () => {
        expect(() => parseStoredRule({...stored, schemaVersion: 2})).toThrow();
        expect(() => parseStoredRule('nope')).toThrow();
    });

    it('upgrades older versions step by step before validating', () => {
        const migrations = ruleMigrations as Record<number, (raw: Record<string, unknown>) => Record<string, unknown>>;
        migrations[0] = ({title, ...raw}) => ({...raw, schemaVersion: 1, name: String(title)});
        try {
            const {name: _name, ...old} = stored;
            expect(parseStoredRule({...old, schemaVersion: 0, title: 'from v0'}).name).toBe('from v0');
        } finally {
            delete migrations[0];
        }
    });
});

describe('loop props', () => {
    it('counts hops through replies and ignores junk', () => {
        expect(hopsOf(undefined)).toBe(0);
        expect(hopsOf({[HOPS_PROP]: 2})).toBe(2);
        expect(hopsOf({[HOPS_PROP]: '2'})).toBe(2);
        expect(hopsOf({[HOPS_PROP]: -1})).toBe(0);
        expect(hopsOf({[HOPS_PROP]: 1.5})).toBe(0);
        expect(loopProps({props: {[HOPS_PROP]: 2}}, id('rule'))).toEqual({[HOPS_PROP]: 3, [ORIGIN_RULE_PROP]: id('rule')});
    });
});
