import {OutboxScheduler} from './outbox_scheduler';

describe('OutboxScheduler', () => {
    it('runs ids when due, earliest first, and each once even when scheduled twice', async () => {
        const ran: string[] = [];
        const s = new OutboxScheduler({now: () => Date.now()}, (id) => ran.push(id));
        s.start();
        const t = Date.now();
        s.schedule('c', t + 60);
        s.schedule('a', t + 10);
        s.schedule('b', t + 30);
        s.schedule('c', t + 40);
        s.schedule('a', t + 50);
        await new Promise((r) => setTimeout(r, 120));
        s.stop();
        expect(ran).toEqual(['a', 'b', 'c']);
        expect(s.size).toBe(0);
    });

    it('runs nothing after stop', async () => {
        const ran: string[] = [];
        const s = new OutboxScheduler({now: () => Date.now()}, (id) => ran.push(id));
        s.start();
        s.schedule('a', Date.now() + 20);
        s.stop();
        await new Promise((r) => setTimeout(r, 50));
        expect(ran).toEqual([]);
        expect(s.has('a')).toBe(true);
    });
});
