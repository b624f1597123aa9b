import {registerPluginTypes} from '../register_types';
import {FakeApi} from '../testing/fake_api';
import {ApiConnection} from './connection';
import {ApiLogger} from './logger';
import {type Logger} from './types';

registerPluginTypes();

const SECRET = 'Zk3q9v_Xr2LmN8pQ4tW7yB1cD5eF6gH0iJ-kLmNoPqR';
const redact = (text: string) => text.replaceAll(SECRET, '[redacted]');

function connected(): {conn: ApiConnection; host: FakeApi} {
    const host = new FakeApi({LogError: {}, LogInfo: {}});
    const conn = new ApiConnection();
    conn.bind(host);
    return {conn, host};
}

describe('ApiLogger', () => {
    it('sends every line through the redact option, message and fields, keeping values that hold nothing to redact', async () => {
        const {conn, host} = connected();
        await new ApiLogger(conn, undefined, redact).write('error', `POST /in/${SECRET} failed`, {url: `https://x/r/${SECRET}`, error: new Error(`Bearer ${SECRET}`), n: 3});
        expect(host.calls).toEqual([['LogError', {A: 'POST /in/[redacted] failed', B: ['url', 'https://x/r/[redacted]', 'error', 'Bearer [redacted]', 'n', '3']}]]);
    });

    it('redacts lines that fall back to the host log too', async () => {
        const lines: Array<[string, Record<string, unknown> | undefined]> = [];
        const fallback = {error: (m: string, f?: Record<string, unknown>) => void lines.push([m, f])} as unknown as Logger;
        await new ApiLogger(new ApiConnection(), fallback, redact).write('error', 'request failed', {path: `/r/${SECRET}`, n: 3});
        expect(JSON.stringify(lines)).not.toContain(SECRET);
        expect(lines[0]![1]).toEqual({path: '/r/[redacted]', n: 3});
    });

    it('logs text as it is without a redact option, no fields as an empty key-value list', async () => {
        const {conn, host} = connected();
        await new ApiLogger(conn).write('info', `token ${SECRET}`);
        expect(host.calls).toEqual([['LogInfo', {A: `token ${SECRET}`, B: []}]]);
    });
});
