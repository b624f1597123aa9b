import {redactTarget, redactTokensIn} from './redact_path';

const INBOUND = 'Zk3q9v_Xr2LmN8pQ4tW7yB1cD5eF6gH0iJ-kLmNoPqR';
const REPLY = 'd1f0a2b3c4d5e6f7g8h9j0k1m2.lz3k9q.aGVsbG8tc2lnbmF0dXJlLXZhbHVlLTEyMzQ1Ng';

describe('redactTarget', () => {
    it('hides the token of inbound URLs and response_urls, as paths and as full URLs', () => {
        expect(redactTarget(`/in/${INBOUND}`)).toBe('/in/[redacted]');
        expect(redactTarget(`/r/${REPLY}`)).toBe('/r/[redacted]');
        expect(redactTarget(`/plugins/tripwire/in/${INBOUND}?x=1`)).toBe('/plugins/tripwire/in/[redacted]?x=1');
        expect(redactTarget(`https://chat.example.com/plugins/tripwire/r/${REPLY}`)).toBe('https://chat.example.com/plugins/tripwire/r/[redacted]');
        // Even a short or malformed token after /in/ is hidden: it may still be someone's credential.
        expect(redactTarget('/in/abc')).toBe('/in/[redacted]');
    });

    it('hides credentials in the query string, by name or by shape', () => {
        expect(redactTarget('/autocomplete/rules?channel_id=abcdefghijklmnopqrstuvwxyz&access_token=s3cr3t')).toBe(
            '/autocomplete/rules?channel_id=abcdefghijklmnopqrstuvwxyz&access_token=[redacted]',
        );
        expect(redactTarget('/hook?sig=abc&api-key=k&password=p&q=deploy')).toBe('/hook?sig=[redacted]&api-key=[redacted]&password=[redacted]&q=deploy');
        expect(redactTarget(`/hook?x=${INBOUND}`)).toBe('/hook?x=[redacted]');
    });

    it('hides bearer-like path segments and user info, and keeps routes, Mattermost ids and hosts readable', () => {
        expect(redactTarget(`/hooks/${INBOUND}/run`)).toBe('/hooks/[redacted]/run');
        expect(redactTarget('https://bob:pw@ci.example.com/api')).toBe('https://[redacted]@ci.example.com/api');
        const id = 'abcdefghijklmnopqrstuvwxy1';
        expect(redactTarget(`/api/v1/rules/${id}/deliveries`)).toBe(`/api/v1/rules/${id}/deliveries`);
        expect(redactTarget('/api/v1/health')).toBe('/api/v1/health');
        expect(redactTarget('/interactive/action')).toBe('/interactive/action');
    });

    it('never throws on odd input', () => {
        expect(redactTarget('')).toBe('');
        expect(redactTarget('/in/%E0%A4%A?token=%')).toBe('/in/[redacted]?token=[redacted]');
        expect(redactTarget('not a url')).toBe('not a url');
    });
});

describe('redactTokensIn', () => {
    it('redacts the tokens of URLs, token routes and bearer credentials inside free text', () => {
        const text = `POST /plugins/tripwire/in/${INBOUND} failed: fetch https://chat.example.com/plugins/tripwire/r/${REPLY}?access_token=zz (Authorization: Bearer abcdefgh12345678)`;
        const out = redactTokensIn(text);
        expect(out).toBe('POST /plugins/tripwire/in/[redacted] failed: fetch https://chat.example.com/plugins/tripwire/r/[redacted]?access_token=[redacted] (Authorization: Bearer [redacted])');
        expect(out).not.toContain(INBOUND);
        expect(out).not.toContain(REPLY);
    });

    it('leaves ordinary text alone', () => {
        expect(redactTokensIn('delivery attempt crashed; it stays in the outbox')).toBe('delivery attempt crashed; it stays in the outbox');
        expect(redactTokensIn('read 3 rules in /api/v1/channels')).toBe('read 3 rules in /api/v1/channels');
    });
});
