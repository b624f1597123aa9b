import {codePointLength, firstWordOf, includesWholeWord, isGoSpace, mentionsUsername} from './text';
import native from './testdata/native_triggers.json';

describe('firstWordOf', () => {
    // The fixture comes from Mattermost's own code: strings.Fields(post.Message)[0] (see gen_native_triggers.go).
    const cases = [...new Map(native.map((c) => [c.message, c.first_word])).entries()];

    it.each(cases)('splits %j like strings.Fields', (message, expected) => {
        expect(firstWordOf(message)).toBe(expected);
    });

    it('treats NEL as space and BOM or zero-width space as part of the word, unlike JavaScript \\s', () => {
        expect(isGoSpace(0x85)).toBe(true);
        expect(isGoSpace(0xfeff)).toBe(false);
        expect(isGoSpace(0x200b)).toBe(false);
        expect(/\s/.test('\ufeff')).toBe(true); // the trap this function avoids
    });
});

describe('includesWholeWord', () => {
    it.each([
        ['deploy now', 'deploy', true],
        ['please deploy.', 'deploy', true],
        ['redeploy now', 'deploy', false],
        ['deployment', 'deploy', false],
        ['deploy_now', 'deploy', false],
        ['x redeploy deploy', 'deploy', true], // a later occurrence counts
        ['I like c++ a lot', 'c++', true],
        ['c++x', 'c++', false],
        ['déploy', 'ploy', false], // é is a letter
        ['naïve', 'na', false],
        ['deploy2', 'deploy', false],
        ['😀deploy😀', 'deploy', true], // emoji are not word characters
        ['go live', 'go live', true],
        ['', 'x', false],
    ])('%j contains the whole word %j: %s', (text, word, expected) => {
        expect(includesWholeWord(text, word)).toBe(expected);
    });
});

describe('codePointLength', () => {
    it('counts runes like Mattermost, not UTF-16 units', () => {
        expect(codePointLength('abc')).toBe(3);
        expect(codePointLength('🚀🚀')).toBe(2);
        expect('🚀🚀'.length).toBe(4);
        expect(codePointLength('\ud83d')).toBe(1); // lone surrogate
        expect(codePointLength('')).toBe(0);
    });
});

describe('mentionsUsername', () => {
    it.each([
        ['hey @tripwire can you', true],
        ['@Tripwire help', true],
        ['thanks @tripwire.', true],
        ['@tripwire-', true],
        ['@tripwire_bot is someone else', false],
        ['@tripwire.bot is someone else', false],
        ['mail me at x@tripwire', false],
        ['@tripwirex', false],
        ['no mention', false],
    ])('%j mentions @tripwire: %s', (text, expected) => {
        expect(mentionsUsername(text, 'tripwire')).toBe(expected);
    });
});
