import {endpointSchema} from './endpoint';
import {parseTemplate} from './delivery_template';
import {ruleSpecSchema} from './rule';
import {applyRuleTemplate, endpointUsesToken, ruleTemplate, ruleTemplates, templateProblems} from './rule_templates';

const base = () => ruleSpecSchema.parse({name: 'Mine', scope: {kind: 'channels', teamId: 'team1team1team1team1team1a', channelIds: ['chan1chan1chan1chan1chan1a']}, trigger: {mode: 'any'}, endpoints: [{url: 'https://x.test'}]});

describe('rule templates', () => {
    it('are valid rules once applied, keep the rule’s name and scope, and every one sends the token', () => {
        for (const t of ruleTemplates) {
            const spec = applyRuleTemplate(base(), t);
            expect(ruleSpecSchema.safeParse(spec).success).toBe(true);
            expect(spec).toMatchObject({name: 'Mine', scope: base().scope});
            expect(endpointUsesToken(spec.endpoints[0]!)).toBe(true);
        }
        expect(new Set(ruleTemplates.map((t) => t.id)).size).toBe(ruleTemplates.length);
    });

    it('sees the token in any spelling a template may use, and nowhere else', () => {
        const ep = (over: object) => endpointSchema.parse({url: 'https://x.test', ...over});
        expect(endpointUsesToken(ep({query: {t: '{{ secrets.token }}'}}))).toBe(true);
        expect(endpointUsesToken(ep({payload: 'template', body_template: '{"k": {{json secrets}}}'}))).toBe(true);
        expect(endpointUsesToken(ep({payload: 'template', body_template: '{"k": {{secrets.token | json}}}'}))).toBe(true);
        expect(endpointUsesToken(ep({payload: 'template', body_template: '{"k": "{{post.message}}", "secrets": "token"}'}))).toBe(false);
        expect(parseTemplate('{{secrets.token}}').ok).toBe(true);
    });

    it('asks for the URL placeholders and the token, and nothing once both are given', () => {
        const github = ruleTemplate('github_dispatch')!;
        const spec = applyRuleTemplate(base(), github);
        expect(templateProblems(spec, github, false)).toEqual({
            'endpoints.0.url': 'Replace OWNER and REPO with your own.',
            'secrets.token': 'Enter the GitHub Actions (repository_dispatch) key or token: the template sends it as {{secrets.token}}.',
        });
        const filled = {...spec, endpoints: [{...spec.endpoints[0]!, url: 'https://api.github.com/repos/acme/api/dispatches'}]};
        expect(templateProblems(filled, github, true)).toEqual({});
    });
});
