import {type Logger} from '../../../../server/src/ports';

import {type ApiConnection} from './connection';
import {ApiLogger} from './logger';

const TOKEN = 'Zk3q9v_Xr2LmN8pQ4tW7yB1cD5eF6gH0iJ-kLmNoPqR';

describe('ApiLogger', () => {
    it('redacts tokens in every line it sends to Mattermost, message and fields', async () => {
        const calls: unknown[][] = [];
        const conn = {connected: true, call: async (...args: unknown[]) => void calls.push(args)} as unknown as ApiConnection;
        await new ApiLogger(conn).write('error', `POST /plugins/tripwire/in/${TOKEN} failed`, {url: `https://chat.example.com/plugins/tripwire/r/${TOKEN}`, error: new Error(`Bearer ${TOKEN}`), n: 3});
        expect(calls).toEqual([
            ['LogError', 'POST /plugins/tripwire/in/[redacted] failed', ['url', 'https://chat.example.com/plugins/tripwire/r/[redacted]', 'error', 'Bearer [redacted]', 'n', '3']],
        ]);
    });

    it('redacts lines that fall back to the host log too', async () => {
        const lines: Array<[string, Record<string, unknown> | undefined]> = [];
        const fallback = {error: (m: string, f?: Record<string, unknown>) => void lines.push([m, f])} as unknown as Logger;
        const conn = {connected: false} as unknown as ApiConnection;
        await new ApiLogger(conn, fallback).write('error', 'request failed', {path: `/r/${TOKEN}?token=abc`});
        expect(JSON.stringify(lines)).not.toContain(TOKEN);
        expect(lines[0]![1]).toEqual({path: '/r/[redacted]?token=[redacted]'});
    });
});
