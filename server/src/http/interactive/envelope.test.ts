import {MemoryKV} from '../../dispatch/testing/memory_kv';

import {EnvelopeSealer} from './envelope';
import {escapeControlChars} from './inbound';
import {securePostActions} from './secure_post';

describe('EnvelopeSealer', () => {
    it('opens what it sealed, for the same purpose only', async () => {
        const signer = new EnvelopeSealer(new MemoryKV());
        const sealed = await signer.seal('action', {r: 'rule', n: 1});
        expect(await signer.open('action', sealed)).toEqual({r: 'rule', n: 1});
        expect(await signer.open('dialog', sealed)).toBeNull();
    });

    it('refuses tampered, foreign and malformed envelopes', async () => {
        const kv = new MemoryKV();
        const signer = new EnvelopeSealer(kv);
        const sealed = await signer.seal('action', {r: 'rule'});
        const raw = Buffer.from(sealed, 'base64url');
        for (const at of [0, 13, raw.length - 1]) {
            const flipped = Buffer.from(raw);
            flipped[at]! ^= 1;
            expect(await signer.open('action', flipped.toString('base64url'))).toBeNull();
        }
        expect(await new EnvelopeSealer(new MemoryKV()).open('action', sealed)).toBeNull();
        for (const junk of [undefined, 42, '', 'a.b', sealed.slice(0, 30), `${sealed}=`]) expect(await signer.open('action', junk)).toBeNull();
    });

    it('hides what it carries', async () => {
        const sealed = await new EnvelopeSealer(new MemoryKV()).seal('dialog', {u: 'http://internal.example.com/submit', s: 'service-state'});
        expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toMatch(/internal|service-state/);
    });

    it('shares one key across the nodes of a cluster', async () => {
        const kv = new MemoryKV();
        const [a, b] = [new EnvelopeSealer(kv), new EnvelopeSealer(kv)];
        const [x, y] = await Promise.all([a.seal('p', 1), b.seal('p', 2)]);
        expect([await b.open('p', x), await a.open('p', y)]).toEqual([1, 2]);
        expect(kv.keys('ht_env_key')).toEqual(['ht_env_key']);
    });
});

describe('securePostActions', () => {
    const signer = new EnvelopeSealer(new MemoryKV());

    it('leaves posts that are not Tripwire replies alone', async () => {
        const post = {channel_id: 'c', props: {attachments: [{actions: [{id: 'a', integration: {url: 'https://x.example.com'}}]}]}};
        expect(await securePostActions(post, signer)).toBe(post);
    });

    it('secures MM Blocks external actions and keeps openURL ones', async () => {
        const post = {
            channel_id: 'c',
            props: {
                tripwire_rule_id: 'r',
                mm_blocks_actions: {go: {type: 'external', url: 'https://svc.example.com/go', context: {k: 1}}, docs: {type: 'openURL', url: 'https://docs.example.com'}},
            },
        };
        const secured = (await securePostActions(post, signer)).props.mm_blocks_actions as unknown as Record<string, {url: string; context?: Record<string, string>}>;
        expect(secured.docs).toEqual({type: 'openURL', url: 'https://docs.example.com'});
        expect(secured.go!.url).toBe('/plugins/tripwire/interactive/action');
        expect(await signer.open('action', secured.go!.context!.tripwire)).toEqual({r: 'r', c: 'c', u: 'https://svc.example.com/go', x: {k: 1}});
    });
});

describe('escapeControlChars', () => {
    it('escapes raw line breaks and tabs inside strings only', () => {
        expect(escapeControlChars('{\n"text": "a\nb\t\\"c\\"\r"\n}')).toBe('{\n"text": "a\\nb\\t\\"c\\"\\r"\n}');
    });
});
