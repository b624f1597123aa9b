import {ruleSpecSchema} from '@tripwire/common';

import {checkDraft, draftFromRule, errorAt, newRuleDraft} from './rule_form_state';
import {ruleView} from '../../../test/factories';

const channel = {id: 'channel0000000000000000001', teamId: 'team0000000000000000000001', type: 'O'};

describe('rule form state', () => {
    it('reports the schema errors of a fresh draft at their fields', () => {
        const {spec, errors} = checkDraft(newRuleDraft(channel));
        expect(spec).toBeNull();
        expect(errorAt(errors, 'name')).toBe('name is required');
        expect(errorAt(errors, 'trigger.words')).toBe('add at least one word');
        expect(errorAt(errors, 'endpoints.0.url')).toBeDefined();
    });

    it('accepts a filled-in regex rule exactly as the server schema does', () => {
        const draft = {...newRuleDraft(channel), name: 'Tickets', trigger: {mode: 'regex' as const, pattern: '(?P<ticket>[A-Z]+-\\d+)', ignoreCase: false, multiline: false, dotAll: false}};
        draft.endpoints = [{...draft.endpoints[0]!, url: 'https://svc.example.com/t'}];
        const {spec, errors} = checkDraft(draft);
        expect(errors).toEqual({});
        expect(ruleSpecSchema.parse(spec)).toEqual(spec);
    });

    it('drops server-owned fields when editing a stored rule', () => {
        const draft = draftFromRule({...ruleView(), orphaned: true});
        expect(Object.keys(draft)).not.toEqual(expect.arrayContaining(['id']));
        expect('revision' in draft || 'can_manage' in draft || 'orphaned' in draft).toBe(false);
        expect(checkDraft(draft).errors).toEqual({});
    });

    it('starts a direct conversation rule without a team', () => {
        const draft = newRuleDraft({...channel, type: 'D'});
        expect(draft.scope).toEqual({kind: 'channels', teamId: '', channelIds: [channel.id]});
    });
});
