import {triggerSchema, type Trigger} from '@tripwire/common';
import {MessageView} from './message_view';
import native from './testdata/native_triggers.json';
import {compileTrigger} from './trigger';

function run(trigger: unknown, message: string) {
    return compileTrigger(triggerSchema.parse(trigger) as Trigger).evaluate(new MessageView(message));
}

describe('exact and starts_with against native Mattermost', () => {
    // Each case is what Mattermost's own code decided (testdata/gen_native_triggers.go): trigger_when 0 is `exact`,
    // 1 is `starts_with`, both case-sensitive; the trigger word reported is the first configured one that matches.
    it.each(native.map((c) => [c.message, c.words, c.trigger_when, c.matched, c.trigger_word] as const))(
        'message %j, words %j, trigger_when %i → matched %s (%j)',
        (message, words, when, matched, word) => {
            const hit = run({mode: when === 0 ? 'exact' : 'starts_with', words}, message);
            expect(hit !== null).toBe(matched);
            if (hit) expect(hit.word).toBe(word);
        },
    );
});

describe('word triggers', () => {
    it.each([
        // mode, words, ignoreCase, message, expected trigger word or null
        ['exact', ['deploy'], true, 'DEPLOY now', 'deploy'],
        ['exact', ['Deploy', 'deploy'], true, 'deploy', 'Deploy'], // first configured word, like native
        ['starts_with', ['dep'], true, 'DEPLOYING', 'dep'],
        ['starts_with', ['dep'], false, 'xdep', null],
        ['contains', ['build failed'], true, 'the Build Failed again', 'build failed'],
        ['contains', ['fail'], true, 'it failed', 'fail'],
        ['contains', ['fail'], false, 'it FAILED', null],
        ['contains', ['a', 'b'], true, 'only b here', 'b'],
        ['whole_word', ['fail'], true, 'it failed', null],
        ['whole_word', ['fail'], true, 'it will FAIL.', 'fail'],
        ['whole_word', ['on call'], true, 'who is on call?', 'on call'],
        ['whole_word', ['ci'], true, 'circle ci', 'ci'],
        ['whole_word', ['ci'], false, 'CI is red', null],
    ] as const)('%s %j ignoreCase=%s on %j → %j', (mode, words, ignoreCase, message, expected) => {
        const hit = run({mode, words, ignoreCase}, message);
        expect(hit?.word ?? null).toBe(expected);
    });

    it('defaults: exact and starts_with are case-sensitive like native, contains and whole_word ignore case', () => {
        expect(triggerSchema.parse({mode: 'exact', words: ['x']})).toMatchObject({ignoreCase: false});
        expect(triggerSchema.parse({mode: 'starts_with', words: ['x']})).toMatchObject({ignoreCase: false});
        expect(triggerSchema.parse({mode: 'contains', words: ['x']})).toMatchObject({ignoreCase: true});
        expect(triggerSchema.parse({mode: 'whole_word', words: ['x']})).toMatchObject({ignoreCase: true});
    });

    it('never builds a regex from the words: metacharacters are literal', () => {
        expect(run({mode: 'contains', words: ['a.b']}, 'axb')).toBeNull();
        expect(run({mode: 'contains', words: ['a.b']}, 'a.b')?.word).toBe('a.b');
        expect(run({mode: 'whole_word', words: ['(x+x+)+y']}, 'go (x+x+)+y now')?.word).toBe('(x+x+)+y');
    });

    it('explains a miss', () => {
        const t = compileTrigger(triggerSchema.parse({mode: 'exact', words: ['build', 'ship']}) as Trigger);
        expect(t.describeMiss(new MessageView('  deploy it'))).toBe('first word "deploy" is not one of "build", "ship"');
    });
});

describe('regex and any', () => {
    it('puts named and numbered groups and the match into the hit', () => {
        const hit = run({mode: 'regex', pattern: '(?i)(?P<project>[a-z]+)-(?P<id>\\d+)'}, 'fix OPS-42 today');
        expect(hit).toEqual({word: 'OPS-42', groups: {'1': 'OPS', '2': '42', project: 'OPS', id: '42'}, notes: []});
    });

    it('honours the flags', () => {
        expect(run({mode: 'regex', pattern: 'deploy'}, 'DEPLOY')).toBeNull();
        expect(run({mode: 'regex', pattern: 'deploy', ignoreCase: true}, 'DEPLOY')?.word).toBe('DEPLOY');
        expect(run({mode: 'regex', pattern: '^b$', multiline: true}, 'a\nb')?.word).toBe('b');
        expect(run({mode: 'regex', pattern: 'a.b', dotAll: true}, 'a\nb')?.word).toBe('a\nb');
    });

    it('any matches everything, including an empty (file-only) message', () => {
        expect(run({mode: 'any'}, '')).toEqual({word: '', groups: {}, notes: []});
    });

    it('refuses to compile a regex that should never have been stored', () => {
        expect(() => compileTrigger({mode: 'regex', pattern: '(', ignoreCase: false, multiline: false, dotAll: false})).toThrow(/invalid pattern/);
    });
});

describe('triggerSchema', () => {
    it('refuses trigger words with spaces for first-word modes, where they could never match', () => {
        const r = triggerSchema.safeParse({mode: 'exact', words: ['deploy now']});
        expect(r.success).toBe(false);
        expect(r.error?.issues[0]?.message).toContain('cannot contain spaces');
        expect(triggerSchema.safeParse({mode: 'starts_with', words: ['a\u0085b']}).success).toBe(false); // Go splits on NEL
        expect(triggerSchema.safeParse({mode: 'contains', words: ['deploy now']}).success).toBe(true);
    });

    it('refuses empty, repeated and unknown', () => {
        expect(triggerSchema.safeParse({mode: 'exact', words: []}).success).toBe(false);
        expect(triggerSchema.safeParse({mode: 'exact', words: ['']}).success).toBe(false);
        expect(triggerSchema.safeParse({mode: 'exact', words: ['a', 'a']}).success).toBe(false);
        expect(triggerSchema.safeParse({mode: 'glob', words: ['a']}).error?.issues[0]).toMatchObject({path: ['mode'], message: expect.stringContaining('must be exact')});
        expect(triggerSchema.safeParse({mode: 'any', words: ['a']}).success).toBe(false);
    });
});
