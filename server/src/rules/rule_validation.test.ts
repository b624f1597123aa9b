import {validateRuleSpec} from './rule_validation';
import {ids} from './testing/factories';

const valid = {
    name: 'deploys',
    scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town]},
    trigger: {mode: 'regex', pattern: '^!deploy (?P<env>\\w+)'},
    endpoints: [{url: 'https://ci.example.com/hook'}],
};

describe('validateRuleSpec', () => {
    it('fills the defaults of a minimal spec', () => {
        const r = validateRuleSpec(valid);
        expect(r.ok).toBe(true);
        expect(r.ok && r.spec).toMatchObject({
            enabled: true,
            threads: 'all',
            events: ['posted'],
            conditions: [],
            sources: {bots: false, integrations: false},
            cooldown: {channelSeconds: 0, userSeconds: 0},
            trigger: {ignoreCase: false, multiline: false, dotAll: false},
        });
    });

    it.each([
        [{...valid, name: '  '}, 'name', 'name is required'],
        [{...valid, endpoints: []}, 'endpoints', 'at least one endpoint'],
        [{...valid, trigger: {mode: 'regex', pattern: '(?=x)'}}, 'trigger.pattern', 'lookahead'],
        [{...valid, trigger: {mode: 'regex', pattern: '.*a.{30}c'}}, 'trigger.pattern', 'slow'],
        [{...valid, scope: {kind: 'team', teamId: ids.team, channelTypes: ['D']}}, 'scope.channelTypes.0', 'public (O) and private (P)'],
        [{...valid, scope: {kind: 'channels', teamId: ids.team, channelIds: []}}, 'scope.channelIds', 'at least one channel'],
        [{...valid, events: ['posted', 'posted']}, 'events', 'must not repeat'],
        [{...valid, cooldown: {channelSeconds: -1}}, 'cooldown.channelSeconds', 'negative'],
        [{...valid, threads: 'sideways'}, 'threads', 'all, roots or replies'],
        [{...valid, colour: 'red'}, '', 'colour'],
    ])('reports field errors (%#)', (input, field, message) => {
        const r = validateRuleSpec(input);
        expect(r.ok).toBe(false);
        expect(r.ok ? {} : r.fields).toEqual(expect.objectContaining({[field]: expect.stringContaining(message)}));
    });

    it('lets a disabled draft go without endpoints', () => {
        expect(validateRuleSpec({...valid, enabled: false, endpoints: []}).ok).toBe(true);
    });

    it('stops absurdly nested JSON before parsing it', () => {
        let deep: unknown = {type: 'bot'};
        for (let i = 0; i < 10_000; i++) deep = {type: 'not', of: deep};
        const r = validateRuleSpec({...valid, conditions: [deep]});
        expect(r.ok ? {} : r.fields).toEqual({'': expect.stringContaining('nested')});
    });
});
