import {SecretStore} from './secrets';
import {generateSecret} from './signing';
import {MemoryKV} from './testing/memory_kv';

describe('SecretStore', () => {
    let now = 0;
    const clock = {now: () => now};
    beforeEach(() => (now = 1000));

    it('signs with the new and the old secret during a rotation, then only the new one', async () => {
        const store = new SecretStore(new MemoryKV(clock), clock, 0);
        const [first, second] = [generateSecret(), generateSecret()];
        await store.setSigningSecret('r', 'ep', first);
        await store.setSigningSecret('r', 'ep', second, 60_000);
        expect(await store.signingSecrets('r', 'ep')).toEqual([second, first]);
        now += 60_001;
        expect(await store.signingSecrets('r', 'ep')).toEqual([second]);
    });

    it('refuses secrets that are not whsec_', async () => {
        await expect(new SecretStore(new MemoryKV(clock), clock).setSigningSecret('r', 'ep', 'hunter2')).rejects.toThrow(/whsec_/);
    });

    it('summarises without values, and lists values only for redaction', async () => {
        const store = new SecretStore(new MemoryKV(clock), clock);
        const secret = generateSecret();
        await store.setSigningSecret('r', 'ep', secret);
        await store.setToken('r', 'tok-1');
        expect(await store.summary('r')).toEqual({has_token: true, endpoints_with_secret: ['ep'], headers_set: {}});
        expect(JSON.stringify(await store.summary('r'))).not.toContain('tok-1');
        expect(await store.values('r')).toEqual(['tok-1', secret]);
    });

    it('sees another node’s change once its cache expires or is invalidated', async () => {
        const kv = new MemoryKV(clock);
        const a = new SecretStore(kv, clock, 10_000);
        const b = new SecretStore(kv, clock, 10_000);
        expect(await a.token('r')).toBe('');
        await b.setToken('r', 'tok-2');
        expect(await a.token('r')).toBe('');
        a.invalidate('r');
        expect(await a.token('r')).toBe('tok-2');
        await b.deleteRule('r');
        now += 10_001;
        expect(await a.token('r')).toBe('');
    });

    it('keeps secret header values by endpoint, keeps only the names asked for, and lists them for redaction', async () => {
        const store = new SecretStore(new MemoryKV(clock), clock);
        await store.edit('r', {headers: {ep: {keep: [], set: {Authorization: 'Bearer one', 'X-Api-Key': 'key-one'}}}});
        expect(await store.headers('r', 'ep')).toEqual({authorization: 'Bearer one', 'x-api-key': 'key-one'});
        expect((await store.summary('r')).headers_set).toEqual({ep: ['authorization', 'x-api-key']});
        expect(await store.values('r')).toEqual(expect.arrayContaining(['Bearer one', 'key-one']));

        // Authorization is no longer kept (not named), X-Api-Key is, X-Other is new.
        await store.edit('r', {headers: {ep: {keep: ['X-API-KEY'], set: {'X-Other': 'other'}}}});
        expect(await store.headers('r', 'ep')).toEqual({'x-api-key': 'key-one', 'x-other': 'other'});

        await store.edit('r', {headers: {ep: {keep: [], set: {}}}});
        expect((await store.summary('r')).headers_set).toEqual({});
    });

    it('removes an endpoint’s signing secret and header values together, and drops the token with ""', async () => {
        const store = new SecretStore(new MemoryKV(clock), clock);
        await store.edit('r', {signing: {ep: generateSecret(), other: generateSecret()}, headers: {ep: {keep: [], set: {Cookie: 'c=1'}}}, token: 'tok-3'});
        await store.edit('r', {removeEndpoints: ['ep'], token: ''});
        expect(await store.summary('r')).toEqual({has_token: false, endpoints_with_secret: ['other'], headers_set: {}});
        await expect(store.edit('r', {signing: {ep: 'hunter2'}})).rejects.toThrow(/whsec_/);
    });
});
