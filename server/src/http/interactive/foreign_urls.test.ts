import {type Rule} from '@tripwire/common';
import request from 'supertest';

import {parseSettings} from '../../config/settings';
import {reply, TestReceiver} from '../../dispatch/testing/receiver';
import {type PostInfo} from '../../ports';
import {as, BOT, CHANNELS, createWorld, TEAM, USERS, ruleSpec, type World} from '../testing/world';

type Attachment = {actions: Array<{integration: {context: Record<string, unknown>}}>};

/**
 * Clicks and dialog submissions are signed with the endpoint's secret only on the endpoint's own origin (scheme, host,
 * port): a reply can put any URL in a button, and must not collect valid signatures for a third party with it.
 */
describe('action URLs outside the rule’s endpoints', () => {
    let w: World;
    let service: TestReceiver;
    /** Same host as the service, another port: another origin. */
    let other: TestReceiver;
    let rule: Rule;

    beforeEach(async () => {
        w = await createWorld();
        service = await TestReceiver.start({handler: reply(200, {ephemeral_text: 'ok'})});
        other = await TestReceiver.start({handler: reply(200, {ephemeral_text: 'from elsewhere'})});
        rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: `${service.url}/hook`}]}));
        await w.services.rules.setSigningSecret(USERS.chanadmin, rule.id, 'main', undefined, 0);
    });
    afterEach(async () => {
        await w.close();
        await service.close();
        await other.close();
    });

    async function clickOn(url: string) {
        const post: PostInfo = await w.services.securePosting(w.mm).createPost({
            channel_id: CHANNELS.pub,
            user_id: BOT,
            message: 'Deploy?',
            props: {tripwire_rule_id: rule.id, attachments: [{actions: [{id: 'go', name: 'Go', type: 'button', integration: {url, context: {n: 1}}}]}]},
        });
        const context = (post.props?.attachments as Attachment[])[0]!.actions[0]!.integration.context;
        const body = {user_id: USERS.member, channel_id: CHANNELS.pub, team_id: TEAM, post_id: post.id, trigger_id: 'trigger-1', type: 'button', context};
        return request(w.app).post('/interactive/action').set(as('member')).send(body).expect(200);
    }

    const allowForeign = (allowed: boolean) => {
        w.settings.current = parseSettings({AllowedHosts: '127.0.0.1', AllowForeignActionUrls: allowed});
    };

    it('signs a click on the endpoint’s own origin', async () => {
        expect((await clickOn(`${service.url}/act`)).body).toEqual({ephemeral_text: 'ok'});
        expect(service.requests[0]!.headers).toHaveProperty('webhook-signature');
    });

    it('sends a click on another origin as native Mattermost does: unsigned, once', async () => {
        other.handler = reply(503, 'busy');
        const res = await clickOn(`${other.url}/act`);
        expect(res.body.ephemeral_text).toContain('HTTP 503');
        expect(other.requests).toHaveLength(1);
        const headers = other.requests[0]!.headers;
        for (const name of ['webhook-signature', 'webhook-id', 'webhook-timestamp', 'x-webhook-attempt']) expect(headers).not.toHaveProperty(name);
        expect(JSON.parse(other.requests[0]!.body.toString())).toMatchObject({user_id: USERS.member, context: {n: 1}});
        expect(service.requests).toHaveLength(0);
        const [entry] = await w.harness.dispatcher.log.list(rule.id);
        expect(entry).toMatchObject({event_type: 'post_action', endpoint_id: '', status: 'failed', http_status: 503});
    });

    it('still guards a foreign URL against SSRF', async () => {
        w.settings.current = parseSettings({AllowForeignActionUrls: true}); // 127.0.0.1 is no longer on the allowlist
        const res = await clickOn(`${other.url}/act`);
        expect(res.body.ephemeral_text).toContain('could not be reached (ssrf blocked)');
        expect(other.requests).toHaveLength(0);
    });

    it('refuses a click on another origin when the guardrail says so, in Mattermost’s answer shape', async () => {
        allowForeign(false);
        expect((await clickOn(`${other.url}/act`)).body).toEqual({ephemeral_text: 'This action goes to an address outside its Tripwire rule’s endpoints, which the system admin does not allow.'});
        expect(other.requests).toHaveLength(0);
        // The rule's own origin still works.
        expect((await clickOn(`${service.url}/act`)).body).toEqual({ephemeral_text: 'ok'});
    });

    it('treats a dialog submission to another origin the same way', async () => {
        service.handler = reply(200, {dialog: {title: 'Why?', elements: [{display_name: 'Reason', name: 'reason', type: 'text'}]}, dialog_url: `${other.url}/submit`});
        expect((await clickOn(`${service.url}/act`)).body).toEqual({});
        const state = w.mm.dialogs[0]!.dialog.state;
        const submission = {type: 'dialog_submission', callback_id: '', state, user_id: USERS.member, channel_id: CHANNELS.pub, team_id: TEAM, submission: {reason: 'x'}, cancelled: false};

        other.handler = reply(200, {});
        await request(w.app).post('/interactive/dialog').set(as('member')).send(submission).expect(200, {});
        expect(other.requests).toHaveLength(1);
        expect(other.requests[0]!.headers).not.toHaveProperty('webhook-signature');

        allowForeign(false);
        const refused = await request(w.app).post('/interactive/dialog').set(as('member')).send(submission).expect(200);
        expect(refused.body).toEqual({error: 'This action goes to an address outside its Tripwire rule’s endpoints, which the system admin does not allow.'});
        expect(other.requests).toHaveLength(1);
    });

    it('holds a click to the MaxEndpointTimeoutMs guardrail, whatever the endpoint’s timeout', async () => {
        w.settings.current = parseSettings({AllowedHosts: '127.0.0.1', MaxEndpointTimeoutMs: 500});
        service.handler = (_req, res) => void setTimeout(() => res.end('{}'), 1500);
        const started = Date.now();
        const res = await clickOn(`${service.url}/act`);
        expect(res.body.ephemeral_text).toContain('could not be reached (timeout)');
        // Three attempts of at most 500 ms each plus backoff, well under the endpoint's own 15 s.
        expect(Date.now() - started).toBeLessThan(5000);
    });
});
