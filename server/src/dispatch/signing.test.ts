import {Webhook} from 'standardwebhooks';

import {generateSecret, secretKey, webhookHeaders} from './signing';

describe('Standard Webhooks signing', () => {
    const body = Buffer.from('{"text":"hello é"}');

    it('verifies with the official standardwebhooks package', () => {
        const secret = generateSecret();
        const headers = webhookHeaders('msg_abc', Date.now(), body, [secret]);
        expect(new Webhook(secret).verify(body.toString(), headers)).toEqual({text: 'hello é'});
    });

    it('signs with both secrets during a rotation, and each verifies alone', () => {
        const [current, previous] = [generateSecret(), generateSecret()];
        const headers = webhookHeaders('msg_abc', Date.now(), body, [current, previous]);
        expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
        expect(() => new Webhook(current).verify(body.toString(), headers)).not.toThrow();
        expect(() => new Webhook(previous).verify(body.toString(), headers)).not.toThrow();
        expect(() => new Webhook(generateSecret()).verify(body.toString(), headers)).toThrow('No matching signature');
    });

    it('fails verification when the body changes', () => {
        const secret = generateSecret();
        const headers = webhookHeaders('msg_abc', Date.now(), body, [secret]);
        expect(() => new Webhook(secret).verify('{"text":"hello"}', headers)).toThrow();
    });

    it('puts the attempt time in seconds in webhook-timestamp', () => {
        expect(webhookHeaders('msg_1', 1_700_000_123_999, body, [])).toEqual({'webhook-id': 'msg_1', 'webhook-timestamp': '1700000123'});
    });

    it('accepts only whsec_ secrets of 24 to 64 bytes', () => {
        expect(secretKey(generateSecret())).toHaveLength(32);
        expect(secretKey('whsec_' + Buffer.alloc(16).toString('base64'))).toBeNull();
        expect(secretKey('whsec_' + Buffer.alloc(65).toString('base64'))).toBeNull();
        expect(secretKey('not-a-secret')).toBeNull();
    });
});
