import {deliveryFactsSchema} from '@tripwire/common';

import {facts} from '../testing/factories';

import {compatFormBody, compatJsonBody} from './compat';
import {goQueryEscape} from './go_encoding';

// Recorded from Go 1.26: json.Marshal(model.OutgoingWebhookPayload{...}) and the payload's ToFormValues(), for a
// message with HTML-sensitive characters, U+2028, control characters, an emoji and a newline.
const TRICKY = "a <b> & \"c\" ~*'()! é\u2028\b\f\u0001 \u{1F600}\nx";
const GO_JSON =
    '{"token":"tok","team_id":"team1","team_domain":"someteam","channel_id":"chan1","channel_name":"town-square",' +
    '"timestamp":1445532266123,"user_id":"user1","user_name":"alice","post_id":"post1",' +
    '"text":"a \\u003cb\\u003e \\u0026 \\"c\\" ~*\'()! é\\u2028\\b\\f\\u0001 \u{1F600}\\nx","trigger_word":"deploy","file_ids":"f1,f2"}';
const GO_FORM =
    'channel_id=chan1&channel_name=town-square&file_ids=f1%2Cf2&post_id=post1&team_domain=someteam&team_id=team1' +
    '&text=a+%3Cb%3E+%26+%22c%22+~%2A%27%28%29%21+%C3%A9%E2%80%A8%08%0C%01+%F0%9F%98%80%0Ax' +
    '&timestamp=1445532266&token=tok&trigger_word=deploy&user_id=user1&user_name=alice';

const tricky = deliveryFactsSchema.parse(facts({post: {id: 'post1', message: TRICKY, create_at: 1445532266123, file_ids: ['f1', 'f2']}}));

describe('compat payload', () => {
    it('JSON matches Go byte for byte: struct order, timestamp in ms, HTML-safe escapes, file_ids joined', () => {
        expect(compatJsonBody(tricky, 'tok')).toBe(GO_JSON);
    });

    it('form matches Go byte for byte: sorted keys, timestamp in seconds, QueryEscape', () => {
        expect(compatFormBody(tricky, 'tok')).toBe(GO_FORM);
    });

    it('sends an empty file_ids and trigger_word as empty strings', () => {
        const plain = deliveryFactsSchema.parse(facts({trigger_word: ''}));
        expect(JSON.parse(compatJsonBody(plain, ''))).toMatchObject({file_ids: '', trigger_word: '', token: ''});
    });

    it('turns a lone surrogate into U+FFFD as Go would see it', () => {
        expect(goQueryEscape('a\uD800b')).toBe('a%EF%BF%BDb');
    });
});
