import {guardrailDefaults, guardrailsSchema, legacyGuardrailKeys, resolveGuardrails} from './guardrails_config';

describe('guardrails config', () => {
    it('has defaults the System Console form accepts, and a 0.1.0 key for every guardrail', () => {
        expect(guardrailsSchema.parse(guardrailDefaults)).toEqual(guardrailDefaults);
        expect(Object.keys(legacyGuardrailKeys).sort()).toEqual(Object.keys(guardrailsSchema.shape).sort());
    });

    it('reads back exactly what the form saves', () => {
        const saved = guardrailsSchema.parse({...guardrailDefaults, allowed_hosts: ['*.corp.example', '10.1.0.0/16'], max_attempts: 2, dm_rules_enabled: true, allow_foreign_action_urls: false});
        expect(resolveGuardrails({guardrails: saved})).toEqual(saved);
    });

    it('never hands out the shared default list', () => {
        const a = resolveGuardrails({});
        a.allowed_hosts.push('x');
        expect(resolveGuardrails({}).allowed_hosts).toEqual([]);
    });
});
