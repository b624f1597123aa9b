import {AppError, isAppError, MattermostApi} from '@tripwire/sdk/mattermost';
import {redactTokensIn} from '../lib/redact_path';
import {PluginApiError, type Logger} from '../ports';
import {tripwireApi} from './tripwire_api';

const TOKEN = 'Zk3q9v_Xr2LmN8pQ4tW7yB1cD5eF6gH0iJ-kLmNoPqR';
type Connection = ConstructorParameters<typeof MattermostApi>[0];

function sdkApi(call: (method: string, ...args: unknown[]) => Promise<unknown>): MattermostApi {
    const fallbackLog = {debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined} satisfies Logger;
    return new MattermostApi({connected: true, call} as unknown as Connection, {fallbackLog, redact: redactTokensIn});
}

describe('the SDK client seen through the ports', () => {
    it("reads the SDK's AppError as a PluginApiError, status and not-found included", async () => {
        const api = tripwireApi(sdkApi(async () => ({A: null, B: {Id: 'app.channel.missing', Message: 'gone', StatusCode: 404}})));
        const err: unknown = await api.getChannel('c1').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect(err).toBeInstanceOf(PluginApiError);
        expect(err instanceof PluginApiError && err.isNotFound && err.id === 'app.channel.missing').toBe(true);
    });

    it('does not take other errors for AppErrors, and the SDK keeps the fields of a PluginApiError a hook throws', () => {
        expect(Object.assign(new Error('x'), {statusCode: 404, id: '', where: ''})).not.toBeInstanceOf(PluginApiError);
        expect(isAppError(new PluginApiError('no', 403, 'x.id'))).toBe(true);
        expect(isAppError(new Error('no'))).toBe(false);
    });

    it("logs through Mattermost with Tripwire's tokens redacted, message and fields", async () => {
        const calls: unknown[][] = [];
        const api = sdkApi(async (...args) => void calls.push(args));
        await api.log.write('error', `POST /plugins/tripwire/in/${TOKEN} failed`, {url: `https://chat.example.com/plugins/tripwire/r/${TOKEN}`, error: new Error(`Bearer ${TOKEN}`), n: 3});
        expect(calls).toEqual([
            ['LogError', 'POST /plugins/tripwire/in/[redacted] failed', ['url', 'https://chat.example.com/plugins/tripwire/r/[redacted]', 'error', 'Bearer [redacted]', 'n', '3']],
        ]);
    });
});
