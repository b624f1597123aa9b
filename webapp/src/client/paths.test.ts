import {apiBase, apiUrl} from './paths';

describe('api paths', () => {
    it('keeps a site sub-path and drops trailing slashes', () => {
        expect(apiBase('https://chat.example.com/mm/')).toBe('https://chat.example.com/mm/plugins/tripwire/api/v1');
    });

    it('encodes query values and leaves out undefined ones', () => {
        expect(apiUrl('http://x', '/channels/c1/rules', {page: 2, status: undefined, q: 'a b'})).toBe(
            'http://x/plugins/tripwire/api/v1/channels/c1/rules?page=2&q=a+b',
        );
    });
});
