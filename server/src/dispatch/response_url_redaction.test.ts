import {deliveryRequest, endpoint, responseOptions} from './testing/factories';
import {startHarness} from './testing/harness';
import {reply, TestReceiver} from './testing/receiver';

describe('the response_url in the delivery log', () => {
    it('reaches the service but is redacted in the logged request', async () => {
        const receiver = await TestReceiver.start({handler: reply(200, {})});
        const h = await startHarness();
        try {
            await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, payload: 'rich'})], {response: responseOptions({response_url_uses: 1})}));
            await h.drained();
            const url = JSON.parse(receiver.requests[0]!.body.toString()).response_url as string;
            const token = url.split('/r/')[1]!;
            expect(token.length).toBeGreaterThan(40);
            await h.dispatcher.log.flush();
            const logged = await h.dispatcher.log.list('rule1');
            expect(logged[0]!.request?.body).toContain('response_url');
            expect(JSON.stringify(logged)).not.toContain(token);
        } finally {
            await h.dispatcher.stop();
            await receiver.close();
        }
    });
});
