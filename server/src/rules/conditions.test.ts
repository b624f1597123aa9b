import {conditionSchema, conditionShapeProblem, type Condition, type ConditionInput} from '@tripwire/common';
import {compileCondition, compileConditions, conditionNeeds} from './conditions';
import {type MatchContext, PostFacts} from './post_facts';
import {channel, id, ids, post, user} from './testing/factories';

function facts(message: string, opts: {post?: Parameters<typeof post>[1]; user?: Parameters<typeof user>[0]; context?: MatchContext} = {}) {
    return new PostFacts(post(message, opts.post), channel(), user(opts.user), opts.context ?? {});
}

function holds(c: ConditionInput, f: PostFacts): boolean {
    const compiled = compileCondition(conditionSchema.parse(c));
    const result = compiled.test(f);
    expect(compiled.trace(f).passed).toBe(result); // the explanation never disagrees with the decision
    return result;
}

const png = {mime_type: 'image/png', name: 'a.png'};
const pdf = {mime_type: 'application/pdf; charset=binary', name: 'b.pdf'};

describe('conditions', () => {
    it('user: the author is one of the users', () => {
        expect(holds({type: 'user', userIds: [ids.alice, ids.bob]}, facts('x'))).toBe(true);
        expect(holds({type: 'user', userIds: [ids.bob]}, facts('x'))).toBe(false);
        expect(holds({type: 'not', of: {type: 'user', userIds: [ids.bob]}}, facts('x'))).toBe(true); // exclude
    });

    it('group: the author is in one of the groups; unresolved groups count as no', () => {
        const g1 = id('group1');
        expect(holds({type: 'group', groupIds: [g1]}, facts('x', {context: {groupIds: [g1, id('group2')]}}))).toBe(true);
        expect(holds({type: 'group', groupIds: [g1]}, facts('x', {context: {groupIds: new Set([id('group3')])}}))).toBe(false);
        expect(holds({type: 'group', groupIds: [g1]}, facts('x'))).toBe(false);
        const trace = compileCondition({type: 'group', groupIds: [g1]}).trace(facts('x'));
        expect(trace.label).toContain('groups not resolved');
    });

    it('bot: a bot account, or a post that says it comes from a bot', () => {
        expect(holds({type: 'bot'}, facts('x', {user: {is_bot: true}}))).toBe(true);
        expect(holds({type: 'bot'}, facts('x', {post: {props: {from_bot: 'true'}}}))).toBe(true);
        expect(holds({type: 'bot'}, facts('x'))).toBe(false);
    });

    it('integration: posts from incoming webhooks or plugins', () => {
        expect(holds({type: 'integration'}, facts('x', {post: {props: {from_webhook: 'true'}}}))).toBe(true);
        expect(holds({type: 'integration'}, facts('x', {post: {props: {from_plugin: true}}}))).toBe(true);
        expect(holds({type: 'integration'}, facts('x', {post: {props: {from_webhook: 'false'}}}))).toBe(false);
    });

    it('has_files: any file, or one whose MIME type matches', () => {
        expect(holds({type: 'has_files'}, facts('', {post: {file_ids: [id('f1')]}}))).toBe(true);
        expect(holds({type: 'has_files'}, facts('x'))).toBe(false);
        const withFiles = {post: {file_ids: [id('f1'), id('f2')]}, context: {files: [png, pdf]}};
        expect(holds({type: 'has_files', mimeTypes: ['image/*']}, facts('', withFiles))).toBe(true);
        expect(holds({type: 'has_files', mimeTypes: ['application/pdf']}, facts('', withFiles))).toBe(true); // parameters ignored
        expect(holds({type: 'has_files', mimeTypes: ['IMAGE/PNG']}, facts('', withFiles))).toBe(true);
        expect(holds({type: 'has_files', mimeTypes: ['video/*']}, facts('', withFiles))).toBe(false);
        expect(holds({type: 'has_files', mimeTypes: ['*/*']}, facts('', withFiles))).toBe(true);
        // Types not resolved by the engine: cannot say yes.
        expect(holds({type: 'has_files', mimeTypes: ['image/*']}, facts('', {post: {file_ids: [id('f1')]}}))).toBe(false);
    });

    it('mentions_bot: an @-mention of Tripwire\'s bot', () => {
        const bot = {userId: ids.bot, username: 'tripwire'};
        expect(holds({type: 'mentions_bot'}, facts('hey @Tripwire, deploy', {context: {bot}}))).toBe(true);
        expect(holds({type: 'mentions_bot'}, facts('hey @tripwirebot', {context: {bot}}))).toBe(false);
        expect(holds({type: 'mentions_bot'}, facts('hey @tripwire'))).toBe(false); // bot unknown
    });

    it('length: code points of the whole message, inclusive bounds', () => {
        expect(holds({type: 'length', min: 3}, facts('🚀🚀🚀'))).toBe(true);
        expect(holds({type: 'length', max: 2}, facts('🚀🚀🚀'))).toBe(false);
        expect(holds({type: 'length', min: 1, max: 5}, facts('hello'))).toBe(true);
        expect(holds({type: 'length', min: 1, max: 5}, facts(''))).toBe(false);
    });

    it('combines with all, any and not', () => {
        const f = facts('deploy', {user: {is_bot: true}});
        expect(holds({type: 'all', of: [{type: 'bot'}, {type: 'length', min: 1}]}, f)).toBe(true);
        expect(holds({type: 'all', of: [{type: 'bot'}, {type: 'length', min: 10}]}, f)).toBe(false);
        expect(holds({type: 'any', of: [{type: 'integration'}, {type: 'length', max: 10}]}, f)).toBe(true);
        expect(holds({type: 'any', of: [{type: 'integration'}, {type: 'length', min: 10}]}, f)).toBe(false);
        expect(holds({type: 'not', of: {type: 'any', of: [{type: 'integration'}, {type: 'bot'}]}}, f)).toBe(false);
    });

    it('a list is an implicit AND, and an empty list has no condition at all', () => {
        const list = [{type: 'bot'}, {type: 'length', min: 100}].map((c) => conditionSchema.parse(c));
        expect(compileConditions(list)!.test(facts('x', {user: {is_bot: true}}))).toBe(false);
        expect(compileConditions([])).toBeNull();
    });

    it('traces every node with a label', () => {
        const c = compileCondition(conditionSchema.parse({type: 'not', of: {type: 'length', min: 1, max: 3}}));
        expect(c.trace(facts('hello'))).toEqual({label: 'not', passed: true, children: [{label: 'length 5 is between 1 and 3', passed: false}]});
    });

    it('says which facts the engine must resolve', () => {
        const list: Condition[] = [
            {type: 'not', of: {type: 'any', of: [{type: 'group', groupIds: [id('g')]}]}},
            {type: 'has_files', mimeTypes: []},
        ];
        expect(conditionNeeds(list)).toEqual({groups: true, files: false});
        expect(conditionNeeds([{type: 'has_files', mimeTypes: ['image/*']}])).toEqual({groups: false, files: true});
    });
});

describe('conditionSchema', () => {
    it.each([
        [{type: 'user', userIds: []}, 'choose at least one user'],
        [{type: 'user', userIds: ['nope']}, 'Mattermost id'],
        [{type: 'length'}, 'set a minimum, a maximum or both'],
        [{type: 'length', min: 5, max: 2}, 'above the maximum'],
        [{type: 'has_files', mimeTypes: ['png']}, 'image/png'],
        [{type: 'all', of: []}, 'at least one condition'],
        [{type: 'teleport'}, 'must be all, any, not'],
        [{type: 'bot', extra: 1}, 'extra'],
    ])('refuses %j', (input, message) => {
        const r = conditionSchema.safeParse(input);
        expect(r.success).toBe(false);
        expect(r.error!.issues.map((i) => i.message).join(' | ')).toContain(message);
    });

    it('bounds depth and size', () => {
        let deep: Condition = {type: 'bot'};
        for (let i = 0; i < 5; i++) deep = {type: 'not', of: deep};
        expect(conditionShapeProblem([deep])).toContain('levels deep');
        expect(conditionShapeProblem(Array.from({length: 51}, (): Condition => ({type: 'bot'})))).toContain('at most 50');
        expect(conditionShapeProblem([{type: 'not', of: {type: 'bot'}}])).toBeNull();
    });
});
