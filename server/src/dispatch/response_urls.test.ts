import {ResponseUrls} from './response_urls';
import {MemoryKV} from './testing/memory_kv';

describe('ResponseUrls', () => {
    const id = 'a'.repeat(26);

    it('shares one signing key across nodes', async () => {
        const kv = new MemoryKV();
        const a = new ResponseUrls(kv, () => 'https://chat.example.com/');
        const b = new ResponseUrls(kv, () => 'https://chat.example.com');
        await Promise.all([a.init(), b.init()]);
        const token = a.issue(id, 5000).split('/r/')[1]!;
        expect(b.verify(token, 1000)).toEqual({deliveryId: id, expiresAt: 5000});
    });

    it('refuses expired, tampered and foreign tokens', async () => {
        const a = new ResponseUrls(new MemoryKV(), () => 'https://chat.example.com');
        const other = new ResponseUrls(new MemoryKV(), () => 'https://chat.example.com');
        await Promise.all([a.init(), other.init()]);
        const token = a.issue(id, 5000).split('/r/')[1]!;
        expect(a.verify(token, 5000)).toBe('expired');
        expect(a.verify(token.replace(id, 'b'.repeat(26)), 1000)).toBe('invalid');
        expect(other.verify(token, 1000)).toBe('invalid');
        expect(a.verify('../../etc', 1000)).toBe('invalid');
    });

    it('counts uses up to the limit', async () => {
        const urls = new ResponseUrls(new MemoryKV(), () => 'https://chat.example.com');
        await urls.init();
        const claims = {deliveryId: id, expiresAt: Date.now() + 60_000};
        expect(await urls.use(claims, 2, Date.now())).toBe(true);
        expect(await urls.use(claims, 2, Date.now())).toBe(true);
        expect(await urls.use(claims, 2, Date.now())).toBe(false);
    });
});
