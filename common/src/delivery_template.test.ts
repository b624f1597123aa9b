import {lookup, parseTemplate, renderTemplate, templateText} from './delivery_template';

const vars = {post: {message: 'hi "there"', id: 'p1', n: 3}, groups: {ticket: 'ABC-1'}, trigger_word: 'deploy'};

function render(source: string, escape = (v: unknown, json: boolean) => (json ? JSON.stringify(v ?? null) : templateText(v))): string {
    const parsed = parseTemplate(source);
    if (!parsed.ok) throw new Error(parsed.error);
    return renderTemplate(parsed.parts, vars, escape);
}

describe('parseTemplate', () => {
    it('reads {{path | json}} exactly as {{json path}}, so the panel\'s own example is accepted', () => {
        expect(parseTemplate('{"text": {{post.message | json}}}')).toEqual(parseTemplate('{"text": {{json post.message}}}'));
        expect(render('{"text": {{post.message|json}}}')).toBe('{"text": "hi \\"there\\""}');
        expect(parseTemplate('{{post.message | upper}}').ok).toBe(false);
    });

    it.each([
        ['plain text', 'no placeholders', 1],
        ['one variable', 'a {{post.message}} b', 3],
        ['spaces inside the braces', '{{ post.id }}', 1],
        ['json form', '{{json groups}}', 1],
        ['json filter form', '{{post.message | json}}', 1],
        ['adjacent placeholders', '{{post.id}}{{trigger_word}}', 2],
        ['a single brace is text', '{"a": {"b": 1}}', 1],
    ])('accepts %s', (_name, source, parts) => {
        const parsed = parseTemplate(source);
        expect(parsed.ok && parsed.parts.length).toBe(parts);
    });

    it.each([
        ['an unknown root', '{{secret.key}}', /unknown variable "secret.key"/],
        ['an unclosed tag', 'a {{post.id', /unclosed/],
        ['an expression', '{{post.id + 1}}', /malformed/],
        ['a helper call', '{{#each files}}', /malformed/],
    ])('rejects %s', (_name, source, error) => {
        const parsed = parseTemplate(source);
        expect(parsed.ok).toBe(false);
        expect(!parsed.ok && parsed.error).toMatch(error);
    });
});

describe('renderTemplate', () => {
    it('replaces variables and leaves text alone', () => {
        expect(render('{{trigger_word}}: {{groups.ticket}} ({{post.n}})')).toBe('deploy: ABC-1 (3)');
    });

    it('renders missing values as empty text and as null in json form', () => {
        expect(render('[{{groups.nope}}] {{json groups.nope}}')).toBe('[] null');
    });

    it('hands each value to the escaper with its form', () => {
        const seen: Array<[unknown, boolean]> = [];
        render('{{post.id}} {{json post.n}}', (v, json) => {
            seen.push([v, json]);
            return '';
        });
        expect(seen).toEqual([
            ['p1', false],
            [3, true],
        ]);
    });
});

describe('lookup', () => {
    it('never reaches a prototype', () => {
        expect(lookup(vars, ['post', 'constructor'])).toBeUndefined();
        expect(lookup(vars, ['post', '__proto__'])).toBeUndefined();
        expect(lookup(vars, ['post', 'message', 'length'])).toBeUndefined();
    });
});
