import {type IncomingMessage, type ServerResponse} from 'node:http';
import {lazyHandler} from './lazy_handler';
import {type NodeHandler} from './in_memory_http';

const req = {} as IncomingMessage;
const res = {} as ServerResponse;

describe('lazyHandler', () => {
    it('makes the handler once, on the first request, and passes every request to it', async () => {
        const seen: number[] = [];
        let made = 0;
        let n = 0;
        const handler = lazyHandler(async () => {
            made++;
            await new Promise((resolve) => setTimeout(resolve, 10));
            return (() => seen.push(++n)) as NodeHandler;
        });
        expect(made).toBe(0);
        await Promise.all([handler(req, res), handler(req, res)]);
        await handler(req, res);
        expect(made).toBe(1);
        expect(seen).toEqual([1, 2, 3]);
    });

    it('fails the request when making fails, and tries again on the next', async () => {
        let attempts = 0;
        const handler = lazyHandler(async () => {
            if (++attempts === 1) throw new Error('not yet');
            return () => 'ok';
        });
        await expect(handler(req, res)).rejects.toThrow('not yet');
        await expect(handler(req, res)).resolves.toBe('ok');
        expect(attempts).toBe(2);
    });
});
