import {PassThrough} from 'node:stream';
import {redirectStdout} from './stdout';

function fakeStdout() {
    const written: string[] = [];
    const stdout = {write: (chunk: string) => written.push(chunk) > 0} as unknown as NodeJS.WriteStream;
    return {stdout, written};
}

describe('redirectStdout', () => {
    it('sends writes to the target stream instead of the real stdout, and restores it', async () => {
        const {stdout, written} = fakeStdout();
        const target = new PassThrough();
        const restore = redirectStdout(() => target, stdout);
        const done = jest.fn();
        stdout.write('hello ', done);
        stdout.write(Buffer.from('world'));
        expect(written).toEqual([]);
        expect(String(target.read())).toBe('hello world');
        await new Promise((r) => setImmediate(r));
        expect(done).toHaveBeenCalled();
        restore();
        stdout.write('real');
        expect(written).toEqual(['real']);
    });

    it('drops output (still calling back) while there is no target, or the target is closed or far behind', async () => {
        const {stdout, written} = fakeStdout();
        let target: PassThrough | null = null;
        redirectStdout(() => target, stdout);
        const done = jest.fn();
        expect(stdout.write('lost', done)).toBe(true);
        await new Promise((r) => setImmediate(r));
        expect(done).toHaveBeenCalled();
        target = new PassThrough({highWaterMark: 1});
        stdout.write(Buffer.alloc(2 * 1024 * 1024));
        stdout.write('dropped: backlog over 1 MiB');
        expect(target.writableLength).toBe(2 * 1024 * 1024);
        target.destroy();
        stdout.write('dropped: closed');
        expect(written).toEqual([]);
    });
});
