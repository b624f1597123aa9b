import {bodyExcerpt, excerptOf, redactHeaders, redactUrl, redactValues} from './redact';

describe('redaction', () => {
    it('hides credential headers, signature headers and declared secret headers', () => {
        expect(
            redactHeaders(
                {authorization: 'Bearer x', 'webhook-signature': 'v1,abc', 'x-api-key': 'k', 'x-custom': 'c', 'x-trace': 't', cookie: 'a=b'},
                ['X-Custom'],
            ),
        ).toEqual({authorization: '[redacted]', 'webhook-signature': '[redacted]', 'x-api-key': '[redacted]', 'x-custom': '[redacted]', 'x-trace': 't', cookie: '[redacted]'});
    });

    it('hides sensitive query parameters', () => {
        expect(redactUrl('https://svc.example.com/h?api_key=1&token=2&page=3')).toBe('https://svc.example.com/h?api_key=%5Bredacted%5D&token=%5Bredacted%5D&page=3');
    });

    it('finds a secret however a body encodes it', () => {
        const secret = 'p@ss word+"1"';
        const forms = [secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), JSON.stringify(secret).slice(1, -1)];
        for (const form of forms) expect(redactValues(`token=${form}&x=1`, [secret])).toBe('token=[redacted]&x=1');
    });

    it('cuts long bodies and says so', () => {
        expect(bodyExcerpt(Buffer.alloc(5000, 'a'), [])).toMatchObject({truncated: true, body: 'a'.repeat(2048)});
        expect(bodyExcerpt(Buffer.from('short'), [], true)).toEqual({body: 'short', truncated: true});
    });

    it('builds a log-safe excerpt', () => {
        const e = excerptOf({method: 'POST', url: 'https://svc.example.com/x/tok-123456', headers: {'x-h': 'tok-123456'}, body: Buffer.from('{"token":"tok-123456"}')}, ['tok-123456'], []);
        expect(JSON.stringify(e)).not.toContain('tok-123456');
    });
});
