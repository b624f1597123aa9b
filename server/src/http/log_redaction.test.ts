import express from 'express';
import request from 'supertest';

import {memoryLogger} from '../dispatch/testing/factories';

import {errorMiddleware} from './app';

const TOKEN = 'Zk3q9v_Xr2LmN8pQ4tW7yB1cD5eF6gH0iJ-kLmNoPqR';

describe('request error logging', () => {
    it('never writes a path token or a URL token quoted by an error to the log', async () => {
        const log = memoryLogger();
        const app = express();
        app.post('/r/:token', (req) => {
            throw new Error(`could not post for https://chat.example.com/plugins/tripwire/r/${String(req.params.token)}`);
        });
        app.use(errorMiddleware(log));
        const res = await request(app).post(`/r/${TOKEN}`).expect(500);
        expect(res.body).toEqual({error: {code: 'internal', message: 'internal error'}});
        expect(log.lines).toHaveLength(1);
        expect(log.lines[0]!.fields).toMatchObject({method: 'POST', path: '/r/[redacted]'});
        expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
    });
});
