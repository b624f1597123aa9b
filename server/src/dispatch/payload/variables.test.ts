import {deliveryFactsSchema} from '@tripwire/common';

import {facts} from '../testing/factories';

import {replyTemplateVariables, templateVariables} from './variables';

describe('replyTemplateVariables', () => {
    it('is the request tree without the token and the response_url (a reply lands in a channel)', () => {
        const ctx = {facts: deliveryFactsSchema.parse(facts()), rule: {id: 'r1', name: 'R'}, deliveryId: 'd1', webhookId: 'msg_d1'};
        const full = templateVariables({...ctx, responseUrl: 'https://chat/r/abc', token: 'tok'});
        const vars = replyTemplateVariables(ctx);
        expect(vars).not.toHaveProperty('secrets');
        expect(vars.delivery).toEqual({id: 'd1', webhook_id: 'msg_d1', hops: (full.delivery as {hops: number}).hops});
        expect(vars.post).toEqual(full.post);
        expect(JSON.stringify(vars)).not.toContain('tok');
    });
});
