import {type Rule, type TriggerInput} from '@tripwire/common';
import {matchPost} from './matcher';
import {type MatchContext} from './post_facts';
import {RuleSet} from './rule_set';
import {channel, id, ids, post, rule, user} from './testing/factories';

const town = channel();
const priv = channel({id: ids.priv, type: 'P', name: 'secret'});
const dm = channel({id: ids.dm, team_id: '', type: 'D', name: `${ids.alice}__${ids.bob}`});
const gm = channel({id: ids.gm, team_id: '', type: 'G', name: 'gm'});
const consent: MatchContext = {direct: {enabled: true, optedIn: true, memberIds: [ids.alice, ids.bob]}};

function reasons(rules: Rule[], message: string, opts: {channel?: typeof town; post?: Parameters<typeof post>[1]; user?: Parameters<typeof user>[0]; context?: MatchContext} = {}) {
    const result = matchPost(post(message, opts.post), opts.channel ?? town, user(opts.user), rules, opts.context ?? {});
    const outcomes = result.explain().outcomes;
    // The fast path and the explanation agree on which rules match.
    expect(result.matches.map((m) => m.rule.id)).toEqual(outcomes.filter((o) => o.matched).map((o) => o.ruleId));
    return outcomes.map((o) => o.reason);
}

describe('matchPost: scope', () => {
    it('channels scope: only the listed channels, public or private', () => {
        const r = rule({scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town, ids.priv]}});
        expect(reasons([r], 'x')).toEqual(['matched']);
        expect(reasons([r], 'x', {channel: priv})).toEqual(['matched']);
        expect(reasons([r], 'x', {channel: channel({id: id('elsewhere')})})).toEqual(['scope']);
    });

    it('team scope: the team\'s channels of the chosen types', () => {
        const publicOnly = rule({scope: {kind: 'team', teamId: ids.team}});
        const both = rule({id: id('rule2'), scope: {kind: 'team', teamId: ids.team, channelTypes: ['O', 'P']}});
        expect(reasons([publicOnly, both], 'x')).toEqual(['matched', 'matched']);
        expect(reasons([publicOnly, both], 'x', {channel: priv})).toEqual(['scope', 'matched']);
        expect(reasons([publicOnly], 'x', {channel: channel({team_id: ids.otherTeam})})).toEqual(['scope']);
        expect(reasons([both], 'x', {channel: dm, context: consent})).toEqual(['scope']);
    });

    it('direct scope: the owner\'s own conversations of the chosen types', () => {
        const r = rule({scope: {kind: 'direct', channelTypes: ['D']}});
        expect(reasons([r], 'x', {channel: dm, context: consent})).toEqual(['matched']);
        expect(reasons([r], 'x', {channel: gm, context: consent})).toEqual(['scope']);
        const strangers = {direct: {enabled: true, optedIn: true, memberIds: [ids.bob, ids.carol]}};
        expect(reasons([r], 'x', {channel: dm, context: strangers})).toEqual(['scope']);
        expect(reasons([r], 'x')).toEqual(['scope']);
    });

    it('direct and group conversations need the admin switch and everyone\'s consent, whatever the scope', () => {
        const r = rule({scope: {kind: 'channels', teamId: '', channelIds: [ids.dm]}});
        expect(reasons([r], 'x', {channel: dm, context: consent})).toEqual(['matched']);
        expect(reasons([r], 'x', {channel: dm})).toEqual(['direct_disabled']);
        expect(reasons([r], 'x', {channel: dm, context: {direct: {enabled: false, optedIn: true, memberIds: []}}})).toEqual(['direct_disabled']);
        expect(reasons([r], 'x', {channel: dm, context: {direct: {enabled: true, optedIn: false, memberIds: []}}})).toEqual(['not_opted_in']);
    });
});

describe('matchPost: which posts', () => {
    it('threads: roots, replies or both', () => {
        const roots = rule({threads: 'roots'});
        const replies = rule({id: id('rule2'), threads: 'replies'});
        const all = rule({id: id('rule3')});
        expect(reasons([roots, replies, all], 'x')).toEqual(['matched', 'thread', 'matched']);
        expect(reasons([roots, replies, all], 'x', {post: {root_id: id('root')}})).toEqual(['thread', 'matched', 'matched']);
    });

    it('ignores bot and integration posts unless the rule takes them', () => {
        const strict = rule();
        const bots = rule({id: id('rule2'), sources: {bots: true}});
        const integrations = rule({id: id('rule3'), sources: {integrations: true}});
        expect(reasons([strict, bots, integrations], 'x', {user: {is_bot: true}})).toEqual(['bot', 'matched', 'bot']);
        expect(reasons([strict, bots, integrations], 'x', {post: {props: {from_webhook: 'true'}}})).toEqual(['integration', 'integration', 'matched']);
    });

    it('never matches system messages or disabled rules', () => {
        expect(reasons([rule()], 'alice joined', {post: {type: 'system_join_channel'}})).toEqual(['system_post']);
        expect(reasons([rule({enabled: false, endpoints: []})], 'x')).toEqual(['disabled']);
    });

    it('matches file-only posts with an any trigger, never with a word trigger (native)', () => {
        const any = rule();
        const word = rule({id: id('rule2'), trigger: {mode: 'exact', words: ['x']}});
        expect(reasons([any, word], '', {post: {file_ids: [id('f')]}})).toEqual(['matched', 'trigger']);
    });
});

describe('matchPost: events and edits', () => {
    const onEdit = rule({events: ['edited'], trigger: {mode: 'contains', words: ['urgent']}});
    const onPost = rule({id: id('rule2'), trigger: {mode: 'contains', words: ['urgent']}});
    const edit = (before: string): MatchContext => ({event: 'edited', previousMessage: before});

    it('posted rules ignore edits and edited rules ignore new posts', () => {
        expect(reasons([onEdit, onPost], 'urgent')).toEqual(['event', 'matched']);
        expect(reasons([onEdit, onPost], 'urgent', {context: edit('hi')})).toEqual(['matched', 'event']);
    });

    it('an edit fires only when it newly matches', () => {
        expect(reasons([onEdit], 'now urgent', {context: edit('calm')})).toEqual(['matched']);
        expect(reasons([onEdit], 'still urgent', {context: edit('urgent')})).toEqual(['not_newly_matched']);
        expect(reasons([onEdit], 'calm now', {context: edit('urgent')})).toEqual(['trigger']);
    });

    it('compares trigger and conditions before and after', () => {
        const long = rule({events: ['edited'], trigger: {mode: 'contains', words: ['urgent']}, conditions: [{type: 'length', min: 10}]});
        expect(reasons([long], 'urgent: db is down', {context: edit('urgent')})).toEqual(['matched']); // too short before
    });
});

describe('matchPost: results', () => {
    it('returns trigger words and regex groups, in rule order, each rule its own word (no shared trigger_word quirk)', () => {
        const rules = [
            rule({id: id('r1'), trigger: {mode: 'exact', words: ['!deploy', 'deploy']}}),
            rule({id: id('r2'), trigger: {mode: 'regex', pattern: 'to (?P<env>\\w+)'}}),
            rule({id: id('r3')}),
            rule({id: id('r4'), trigger: {mode: 'starts_with', words: ['!dep']}}),
        ];
        const {matches} = matchPost(post('!deploy api to prod'), town, user(), rules);
        expect(matches.map((m) => [m.rule.id, m.triggerWord, m.groups])).toEqual([
            [id('r1'), '!deploy', {}],
            [id('r2'), 'to prod', {'1': 'prod', env: 'prod'}],
            [id('r3'), '', {}],
            [id('r4'), '!dep', {}],
        ]);
    });

    it('explains each rule in words', () => {
        const rules = [
            rule({id: id('r1'), name: 'deploys', trigger: {mode: 'exact', words: ['deploy']}}),
            rule({id: id('r2'), name: 'pages', trigger: {mode: 'contains', words: ['page']}, conditions: [{type: 'bot'}]}),
        ];
        const explanation = matchPost(post('  please page me'), town, user(), rules).explain();
        expect(explanation.firstWord).toBe('please');
        expect(explanation.outcomes).toEqual([
            {ruleId: id('r1'), ruleName: 'deploys', matched: false, reason: 'trigger', detail: 'first word "please" is not one of "deploy"'},
            {
                ruleId: id('r2'),
                ruleName: 'pages',
                matched: false,
                reason: 'condition',
                detail: 'the trigger matched but the conditions do not hold',
                triggerWord: 'page',
                groups: {},
                conditions: [{label: 'author is a bot', passed: false}],
            },
        ]);
    });

    it('caps the text the triggers look at', () => {
        const r = rule({trigger: {mode: 'contains', words: ['needle']}});
        const message = 'x'.repeat(100) + 'needle';
        expect(reasons([r], message, {context: {maxChars: 50}})).toEqual(['trigger']);
        const explanation = matchPost(post(message), town, user(), [r], {maxChars: 50}).explain();
        expect(explanation).toMatchObject({evaluatedChars: 50, truncated: true});
    });

    it('tells the engine which facts to resolve', () => {
        expect(new RuleSet([rule({conditions: [{type: 'group', groupIds: [id('g')]}]})]).needs).toEqual({groups: true, files: false});
        expect(new RuleSet([rule({enabled: false, endpoints: [], conditions: [{type: 'group', groupIds: [id('g')]}]})]).needs.groups).toBe(false);
    });

    it('keeps a rule that cannot compile out, and says so', () => {
        const broken = {...rule({id: id('broken')}), trigger: {mode: 'regex' as const, pattern: '(', ignoreCase: false, multiline: false, dotAll: false}};
        const set = new RuleSet([broken, rule()]);
        expect(set.rejected).toEqual([{ruleId: id('broken'), reason: expect.stringContaining('missing closing')}]);
        const result = matchPost(post('x'), town, user(), set);
        expect(result.matches).toHaveLength(1);
        expect(result.explain().outcomes.at(-1)).toMatchObject({ruleId: id('broken'), matched: false});
    });
});

describe('matchPost: fast path and explanation agree', () => {
    // Every combination of trigger, filter and post below goes through both paths (`reasons` asserts agreement).
    const triggers: TriggerInput[] = [
        {mode: 'exact', words: ['deploy', 'Ship']},
        {mode: 'exact', words: ['DEPLOY'], ignoreCase: true},
        {mode: 'starts_with', words: ['dep', 'sh']},
        {mode: 'starts_with', words: ['SH'], ignoreCase: true},
        {mode: 'contains', words: ['prod']},
        {mode: 'contains', words: ['Prod'], ignoreCase: false},
        {mode: 'whole_word', words: ['api', 'db']},
        {mode: 'regex', pattern: '(?P<svc>api|db)-\\d+'},
        {mode: 'regex', pattern: '^ship', ignoreCase: true},
        {mode: 'any'},
    ];
    const rules = triggers.flatMap((trigger, i) => [
        rule({id: id(`t${i}a`), trigger}),
        rule({id: id(`t${i}b`), trigger, threads: 'roots', sources: {bots: true}}),
        rule({id: id(`t${i}c`), trigger, events: ['posted', 'edited'], conditions: [{type: 'length', max: 20}]}),
    ]);
    const messages = ['deploy api-1 to prod', 'Ship it', 'DEPLOY', 'shipit db', 'redeploy', 'production db-22', '', 'apis', 'Prod'];

    it.each(messages)('%j', (message) => {
        for (const opts of [{}, {user: {is_bot: true}}, {post: {root_id: id('root')}}, {context: {event: 'edited', previousMessage: 'Ship'} as MatchContext}]) {
            reasons(rules, message, opts);
        }
    });
});

describe('matchPost: regex rules skipped by their required literals', () => {
    // Every pattern here has required literals, so the fast path runs the combined DFA only when the needle scan
    // finds one; the explanation runs each pattern on its own. They must agree on every message, whatever its case.
    const patterns: [string, boolean][] = [
        ['(?P<svc>api|db)-\\d+', false],
        ['^ship', true],
        ['(?i)kube\\s+(?P<verb>deploy|roll)', false],
        ['colou?r', false],
        ['(?:incident|outage) #(?P<num>\\d+)', true],
        ['café', false],
    ];
    const rules = patterns.map(([pattern, ignoreCase], i) => rule({id: id(`lit${i}`), trigger: {mode: 'regex', pattern, ignoreCase}}));
    const messages = [
        'deploy api-1 to prod',
        'SHIP it',
        'ſhip it', // U+017F folds to s in RE2
        '\u212Aube roll now', // the Kelvin sign folds to k
        'KUBE   DEPLOY',
        'my favourite color',
        'OUTAGE #42',
        'Incident #7',
        'CAFÉ café',
        'nothing to see here',
        'api- db-x kube ship', // literals present, no match: the DFA runs and says no
    ];

    it.each(messages)('%j', (message) => {
        reasons(rules, message);
    });

    it('matches through the filter', () => {
        const matched = (message: string) => matchPost(post(message), town, user(), rules).matches.map((m) => m.rule.id);
        expect(matched('ſhip \u212Aube ROLL')).toEqual([id('lit1'), id('lit2')]);
        expect(matched('outage #42 on db-7, colour me surprised')).toEqual([id('lit0'), id('lit3'), id('lit4')]);
        expect(matched('nothing to see here')).toEqual([]);
    });
});
