import {SsrfGuard, type Resolver} from './guard';

const dns: Record<string, string[]> = {
    'public.example.com': ['93.184.216.34'],
    'internal.example.com': ['10.0.0.7'],
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'localhost': ['127.0.0.1', '::1'],
    'v6.example.com': ['2606:4700:4700::1111'],
    'jenkins.corp.example.com': ['10.1.1.1'],
};
const resolve: Resolver = async (host) => {
    const list = dns[host];
    if (!list) throw Object.assign(new Error('not found'), {code: 'ENOTFOUND'});
    return list.map((address) => ({address, family: address.includes(':') ? 6 : 4}));
};

const guard = (allow: string[] = [], own: string[] = []) => new SsrfGuard({allowlist: () => allow, resolve, ownAddresses: () => own});
const check = (url: string, allow: string[] = [], own: string[] = []) => guard(allow, own).check(new URL(url));

describe('SsrfGuard', () => {
    it.each([
        'http://127.0.0.1/',
        'http://2130706433/',
        'http://0177.0.0.1/',
        'http://0x7f000001/',
        'http://0x7f.0.0.1/',
        'http://127.1/',
        'http://017700000001/',
        'http://[::1]/',
        'http://[::ffff:127.0.0.1]/',
        'http://[0:0:0:0:0:ffff:7f00:1]/',
        'http://[::]/',
        'http://0.0.0.0/',
        'http://169.254.169.254/latest/meta-data/',
        'http://[fd00:ec2::254]/',
        'http://100.100.100.200/',
        'http://10.0.0.1/',
        'http://192.168.0.1:8080/',
        'http://[fe80::1]/',
        'http://localhost/',
        'http://internal.example.com/',
        'http://mixed.example.com/',
    ])('refuses %s', async (url) => {
        const result = await check(url);
        expect(result).toMatchObject({ok: false, errorClass: 'ssrf_blocked'});
        expect(!result.ok && result.reason).toMatch(/AllowedUntrustedInternalConnections/);
    });

    it('allows public hosts and returns the checked address to connect to', async () => {
        expect(await check('https://public.example.com/hook')).toEqual({ok: true, address: '93.184.216.34', family: 4});
        expect(await check('https://v6.example.com/')).toEqual({ok: true, address: '2606:4700:4700::1111', family: 6});
        expect(await check('http://8.8.8.8/')).toEqual({ok: true, address: '8.8.8.8', family: 4});
    });

    it('refuses other schemes', async () => {
        expect(await check('file:///etc/passwd')).toMatchObject({ok: false, errorClass: 'ssrf_blocked'});
    });

    it('lets an allowlisted CIDR or IP through, and only that', async () => {
        expect(await check('http://10.0.0.1/', ['10.0.0.0/8'])).toMatchObject({ok: true, address: '10.0.0.1'});
        expect(await check('http://internal.example.com/', ['10.0.0.0/24'])).toMatchObject({ok: true, address: '10.0.0.7'});
        expect(await check('http://127.0.0.1/', ['10.0.0.0/8'])).toMatchObject({ok: false});
        expect(await check('http://127.0.0.1:9/', ['127.0.0.1'])).toMatchObject({ok: true});
    });

    it('trusts an allowlisted host name whatever it resolves to, as Mattermost does', async () => {
        expect(await check('http://localhost/', ['localhost'])).toMatchObject({ok: true, address: '127.0.0.1'});
        expect(await check('http://jenkins.corp.example.com/', ['*.corp.example.com'])).toMatchObject({ok: true});
        expect(await check('http://internal.example.com/', ['*.corp.example.com'])).toMatchObject({ok: false});
    });

    it("refuses the server's own public address", async () => {
        expect(await check('http://93.184.216.34/', [], ['93.184.216.34'])).toMatchObject({ok: false, errorClass: 'ssrf_blocked'});
    });

    it('reports an unknown host as a DNS failure (retryable), not a block', async () => {
        expect(await check('http://nowhere.example.com/')).toMatchObject({ok: false, errorClass: 'dns'});
    });

    it('reads the allowlist on every check, so a config change applies at once', async () => {
        let allow: string[] = [];
        const g = new SsrfGuard({allowlist: () => allow, resolve, ownAddresses: () => []});
        expect((await g.check(new URL('http://10.0.0.1/'))).ok).toBe(false);
        allow = ['10.0.0.1']; // a new config snapshot
        expect((await g.check(new URL('http://10.0.0.1/'))).ok).toBe(true);
    });
});
