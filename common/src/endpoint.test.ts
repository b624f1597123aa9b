import {deliveryPolicySchema, endpointOrigin, endpointSchema, endpointsSchema, isDefaultSecretHeader, isSecretHeader, responseOptionsSchema, secretHeaderNames} from './endpoint';

describe('endpointSchema', () => {
    it('fills defaults: POST, compat JSON, 15 s, no redirects, enabled', () => {
        const e = endpointSchema.parse({id: 'a', url: 'https://svc.example.com/hook'});
        expect(e).toMatchObject({method: 'POST', payload: 'compat', content_type: 'json', timeout_ms: 15_000, follow_redirects: false, enabled: true, headers: {}});
    });

    it('gives an endpoint without an id a fresh one', () => {
        const a = endpointSchema.parse({url: 'https://svc.example.com/'});
        const b = endpointSchema.parse({url: 'https://svc.example.com/'});
        expect(a.id).toMatch(/^ep[a-z0-9]+$/);
        expect(a.id).not.toBe(b.id);
    });

    it.each([
        ['a placeholder in the path', 'https://svc.example.com/t/{{groups.ticket}}', true],
        ['a placeholder in the query', 'https://svc.example.com/?q={{post.message}}', true],
        ['a placeholder in the host', 'https://{{trigger_word}}.example.com/', false],
        ['credentials in the URL', 'https://user:pw@svc.example.com/', false],
        ['another scheme', 'ftp://svc.example.com/', false],
        ['an unknown variable', 'https://svc.example.com/{{nope}}', false],
    ])('URL with %s: valid=%s', (_name, url, valid) => {
        expect(endpointSchema.safeParse({id: 'a', url}).success).toBe(valid);
    });

    it('refuses headers Tripwire sets itself', () => {
        for (const name of ['Host', 'content-length', 'webhook-signature', 'Webhook-Id']) {
            expect(endpointSchema.safeParse({id: 'a', url: 'https://x.example.com/', headers: {[name]: 'v'}}).success).toBe(false);
        }
        expect(endpointSchema.safeParse({id: 'a', url: 'https://x.example.com/', headers: {'X-Api-Key': '{{rule.id}}'}}).success).toBe(true);
    });

    it('needs a body for the template payload and form content for form fields', () => {
        expect(endpointSchema.safeParse({id: 'a', url: 'https://x.example.com/', payload: 'template'}).success).toBe(false);
        expect(endpointSchema.safeParse({id: 'a', url: 'https://x.example.com/', payload: 'template', form_fields: {a: '1'}}).success).toBe(false);
        expect(endpointSchema.safeParse({id: 'a', url: 'https://x.example.com/', payload: 'template', content_type: 'form', form_fields: {a: '1'}}).success).toBe(true);
    });

    it('wants distinct ids in a rule', () => {
        const e = {id: 'a', url: 'https://x.example.com/'};
        expect(endpointsSchema.safeParse([e, e]).success).toBe(false);
        expect(endpointsSchema.safeParse([e, {...e, id: 'b'}]).success).toBe(true);
        expect(endpointsSchema.safeParse([]).success).toBe(false);
    });
});

describe('responseOptionsSchema and deliveryPolicySchema', () => {
    it('takes a reply template that reads the answer and the trigger, never the secrets', () => {
        expect(responseOptionsSchema.parse({reply_template: 'PagerDuty {{reply.json.status}} for {{user.username}}: {{reply.headers.location}}'}).reply_template).toContain('reply.json.status');
        expect(responseOptionsSchema.safeParse({reply_template: 'key {{secrets.token}}'}).success).toBe(false);
        expect(responseOptionsSchema.safeParse({reply_template: '{{reply.status'}).success).toBe(false);
        expect(responseOptionsSchema.safeParse({reply_template: 'x'.repeat(4097)}).success).toBe(false);
        // Request templates cannot name the answer: there is none yet.
        expect(endpointSchema.safeParse({id: 'a', url: 'https://x.example.com/', payload: 'template', body_template: '{{reply.status}}'}).success).toBe(false);
        expect(endpointSchema.safeParse({id: 'a', url: 'https://x.example.com/', headers: {'X-S': '{{reply.status}}'}}).success).toBe(false);
    });

    it('have usable defaults', () => {
        expect(responseOptionsSchema.parse({})).toMatchObject({enabled: true, accept_any_status: false, stale_action: 'thread', response_url_uses: 5});
        expect(deliveryPolicySchema.parse({})).toMatchObject({fan_out: 'parallel', max_age_seconds: 86_400, rate_overflow: 'queue'});
    });

    it('reject unknown fields (strict objects)', () => {
        expect(deliveryPolicySchema.safeParse({retries: 3}).success).toBe(false);
    });
});

describe('secret headers', () => {
    it.each([
        ['Authorization', true],
        ['proxy-authorization', true],
        ['COOKIE', true],
        ['X-Api-Key', true],
        ['x-apikey', true],
        ['X-Auth-Token', true],
        ['X-Access-Token', true],
        ['X-GitLab-Token', true],
        ['X-Hub-Signature', true],
        ['X-Client-Secret', true],
        ['X-Session-Id', true],
        ['X-Db-Passwd', true],
        ['X-Credentials', true],
        ['X-Request-Id', false],
        ['Content-Type', false],
        ['X-Author', false],
    ])('%s is secret by default: %s', (name, secret) => {
        expect(isDefaultSecretHeader(name)).toBe(secret);
    });

    it('names the declared ones plus the default-sensitive ones used, once each', () => {
        const e = endpointSchema.parse({url: 'https://svc.example.com/', secret_headers: ['X-Custom', 'authorization'], headers: {Authorization: 'a', 'X-Custom': 'b', Accept: 'c', Cookie: 'd'}});
        expect(secretHeaderNames(e)).toEqual(['X-Custom', 'authorization', 'Cookie']);
        expect(isSecretHeader(e, 'x-custom')).toBe(true);
        expect(isSecretHeader(e, 'Accept')).toBe(false);
    });
});

describe('endpointOrigin', () => {
    it.each([
        ['https://Hooks.Example.com/a?b=c', 'https://hooks.example.com'],
        ['https://hooks.example.com:443/x', 'https://hooks.example.com'],
        ['http://hooks.example.com:80', 'http://hooks.example.com'],
        ['http://hooks.example.com:8080/{{post.id}}', 'http://hooks.example.com:8080'],
        ['https://[::1]:8443/', 'https://[::1]:8443'],
        ['HTTPS://svc.example.com', 'https://svc.example.com'],
    ])('%s → %s', (url, origin) => {
        expect(endpointOrigin(url)).toBe(origin);
    });

    it('tells scheme, host and port changes apart', () => {
        const base = endpointOrigin('https://svc.example.com/hook');
        for (const other of ['http://svc.example.com/hook', 'https://svc.example.com:8443/hook', 'https://evil.example.com/hook', 'https://svc.example.com.evil.net/']) {
            expect(endpointOrigin(other)).not.toBe(base);
        }
    });
});
