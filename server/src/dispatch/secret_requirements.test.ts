import {Webhook} from 'standardwebhooks';

import {keys} from './keys';
import {generateSecret} from './signing';
import {deliveryRequest, endpoint} from './testing/factories';
import {startHarness, type Harness} from './testing/harness';
import {reply, TestReceiver, type ReceiverHandler} from './testing/receiver';

/** Every KV value but the secret store's, as text. */
async function kvOutsideSecrets(h: Harness): Promise<string> {
    const out: string[] = [];
    for (const key of await h.kv.list(0, 10_000)) {
        if (key.startsWith(keys.secrets(''))) continue;
        out.push(`${key}=${Buffer.from((await h.kv.get(key)) ?? []).toString()}`);
    }
    return out.join('\n');
}

describe('secrets at send time', () => {
    let receiver: TestReceiver;
    let h: Harness;
    beforeEach(async () => {
        receiver = await TestReceiver.start();
        h = await startHarness();
    });
    afterEach(async () => {
        await h.dispatcher.stop();
        await receiver.close();
    });

    /** A 503 first (so the delivery waits in the outbox), running `meanwhile` before answering; then 200. */
    const failOnceThen =
        (meanwhile: () => Promise<void>): ReceiverHandler =>
        (req, res, i) => {
            if (i > 0) return reply(200, {})(req, res, i);
            void meanwhile().then(() => reply(503)(req, res, i));
        };

    it('sends secret header values from the secret store, and no outbox record or log entry holds them', async () => {
        await h.dispatcher.secrets.edit('rule1', {headers: {main: {keep: [], set: {Authorization: 'Bearer store-marker-111'}}}});
        receiver.handler = reply(200, {});
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, secret_headers: ['Authorization'], headers: {'X-Plain': 'visible'}})]));
        await h.drained();
        await h.dispatcher.log.flush();

        expect(receiver.requests[0]!.headers).toMatchObject({authorization: 'Bearer store-marker-111', 'x-plain': 'visible'});
        const stored = await kvOutsideSecrets(h);
        expect(stored).toContain('"state":"succeeded"'); // the finished record is there, and holds no secret
        expect(stored).not.toContain('store-marker-111');
        expect(JSON.stringify(await h.dispatcher.log.list('rule1'))).not.toContain('store-marker-111');
    });

    it('moves a secret header value still inline in an old rule into the store before queueing it', async () => {
        receiver.handler = reply(200, {});
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, headers: {'X-Api-Key': 'inline-marker-222'}})]));
        await h.drained();
        await h.dispatcher.log.flush();

        expect(receiver.requests[0]!.headers['x-api-key']).toBe('inline-marker-222');
        expect(await h.dispatcher.secrets.headers('rule1', 'main')).toEqual({'x-api-key': 'inline-marker-222'});
        expect(await kvOutsideSecrets(h)).not.toContain('inline-marker-222');
    });

    it('notes at acceptance what the endpoint required, and fails closed when its signing secret is gone', async () => {
        const secret = generateSecret();
        await h.dispatcher.secrets.setSigningSecret('rule1', 'main', secret);
        receiver.handler = failOnceThen(() => h.dispatcher.secrets.removeSigningSecret('rule1', 'main'));
        const [submitted] = await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        const record = JSON.parse(Buffer.from((await h.kv.get(keys.pending(submitted!.delivery_id)))!).toString());
        expect(record.secrets_required).toEqual({main: {signed: true, headers: []}});
        await h.drained();

        // Only the first, signed attempt reached the receiver; the retry was never sent unsigned.
        expect(receiver.requests).toHaveLength(1);
        expect(() => new Webhook(secret).verify(receiver.requests[0]!.body.toString(), receiver.requests[0]!.headers as Record<string, string>)).not.toThrow();
        const [last] = await h.dispatcher.log.list('rule1');
        expect(last).toMatchObject({status: 'failed', attempt: 2, error_class: 'secret_missing', error: expect.stringMatching(/signing secret is gone/)});
        expect(last!.request).toBeUndefined();
    });

    it('fails closed when a secret header it was accepted with is gone', async () => {
        await h.dispatcher.secrets.edit('rule1', {headers: {main: {keep: [], set: {'X-Auth-Token': 'tok-marker-333'}}}});
        receiver.handler = failOnceThen(() => h.dispatcher.secrets.edit('rule1', {headers: {main: {keep: [], set: {}}}}));
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, secret_headers: ['X-Auth-Token']})]));
        await h.drained();

        expect(receiver.requests).toHaveLength(1);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'secret_missing', error: expect.stringMatching(/x-auth-token/)});
    });

    it('sends an endpoint that needed no secret as before', async () => {
        receiver.handler = reply(200, {});
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await h.drained();
        expect(receiver.requests).toHaveLength(1);
        expect(receiver.requests[0]!.headers['webhook-signature']).toBeUndefined();
    });
});
