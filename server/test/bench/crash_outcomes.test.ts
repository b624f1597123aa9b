// make bench-e2e's crash judge (test/e2e/lib/crash_outcomes.mjs): which duplicates after a kill -9 are the
// at-least-once resends the plugin promises and which are bugs. The module is plain ESM for the bench, so it runs in
// a node child process, as changelog.test.ts runs scripts/lib/changelog.mjs.
import {spawnSync} from 'node:child_process';
import {join} from 'node:path';

const lib = join(__dirname, '..', '..', '..', 'test', 'e2e', 'lib', 'crash_outcomes.mjs');

interface Hit {
    postId: string;
    status: number;
    attempt: number;
    at: number;
    answeredAt?: number;
}

interface Verdict {
    sent: number;
    openAtKill: number;
    done: number;
    missing: number;
    answeredNotRecorded: number;
    duplicates: string[];
    unexpected: string[];
    resendAttempts: number[];
}

function run(expr: string): unknown {
    const code = `import * as m from ${JSON.stringify(lib)}; const r = (${expr}); console.log(JSON.stringify(r instanceof Map ? [...r] : r));`;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], {encoding: 'utf8', timeout: 30_000});
    if (res.status !== 0) throw new Error(res.stderr);
    return JSON.parse(res.stdout);
}

function judge(hits: Hit[], states: Record<string, string>, postIds: string[]): Verdict {
    const input = {hits, states: Object.entries(states), postIds, killedAt: 1000};
    return run(`m.judgeCrash({...${JSON.stringify(input)}, states: new Map(${JSON.stringify(input.states)})})`) as Verdict;
}

const KILL = 1000;

describe('crash judge', () => {
    test('a resend of a delivery still pending at the kill is expected, even if the receiver had answered it', () => {
        const v = judge(
            [
                {postId: 'a', status: 200, attempt: 1, at: 100, answeredAt: 200}, // answered, outcome not yet written
                {postId: 'a', status: 200, attempt: 2, at: KILL + 500, answeredAt: KILL + 510},
                {postId: 'b', status: 200, attempt: 1, at: 900}, // open at the kill
                {postId: 'b', status: 200, attempt: 2, at: KILL + 600, answeredAt: KILL + 610},
            ],
            {a: 'pending', b: 'pending'},
            ['a', 'b'],
        );
        expect(v).toMatchObject({sent: 2, openAtKill: 1, answeredNotRecorded: 1, duplicates: ['a', 'b'], unexpected: [], resendAttempts: [2]});
    });

    test('a delivery recorded as done at the kill that goes out again is unexpected', () => {
        const v = judge(
            [
                {postId: 'a', status: 200, attempt: 1, at: 100, answeredAt: 200},
                {postId: 'a', status: 200, attempt: 2, at: KILL + 500, answeredAt: KILL + 510},
            ],
            {a: 'succeeded'},
            ['a'],
        );
        expect(v).toMatchObject({done: 1, answeredNotRecorded: 0, duplicates: ['a'], unexpected: ['a']});
    });

    test('two 2xx copies from the same process are unexpected, whatever the record says', () => {
        const v = judge(
            [
                {postId: 'a', status: 200, attempt: 1, at: 100, answeredAt: 150},
                {postId: 'a', status: 200, attempt: 1, at: 300, answeredAt: 350},
                {postId: 'b', status: 200, attempt: 2, at: KILL + 100, answeredAt: KILL + 150},
                {postId: 'b', status: 200, attempt: 2, at: KILL + 300, answeredAt: KILL + 350},
            ],
            {a: 'pending', b: 'pending'},
            ['a', 'b'],
        );
        expect(v.unexpected).toEqual(['a', 'b']);
    });

    test('failed attempts are not copies; a post without a record is counted as missing', () => {
        const v = judge(
            [
                {postId: 'a', status: 503, attempt: 1, at: 100, answeredAt: 150},
                {postId: 'a', status: 200, attempt: 2, at: KILL + 100, answeredAt: KILL + 150},
            ],
            {a: 'pending'},
            ['a', 'c'],
        );
        expect(v).toMatchObject({duplicates: [], unexpected: [], missing: 1});
    });

    test("psql's rows become post id -> state, and a malformed row is an error", () => {
        expect(run(`m.parseRecords('p1 | pending\\np2 | succeeded\\n')`)).toEqual([
            ['p1', 'pending'],
            ['p2', 'succeeded'],
        ]);
        expect(() => run(`m.parseRecords('garbage')`)).toThrow(/unexpected row/);
    });
});
