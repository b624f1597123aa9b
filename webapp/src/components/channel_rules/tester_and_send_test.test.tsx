import {screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {ruleSpecSchema} from '@tripwire/common';

import {ruleView} from '../../../test/factories';
import {API, CHANNEL_ID, fakeServer, renderWithProviders, TEAM_ID} from '../../../test/render';

import {MatcherTester} from './matcher_tester';
import {SendTest} from './send_test';

describe('MatcherTester', () => {
    it('shows which rules match the typed message and their capture groups', async () => {
        const user = userEvent.setup();
        const {client, calls} = fakeServer({
            [`POST ${API}/channels/${CHANNEL_ID}/test`]: {
                body: {
                    channel_id: CHANNEL_ID,
                    firstWord: 'see',
                    evaluatedChars: 12,
                    truncated: false,
                    outcomes: [
                        {ruleId: 'r1', ruleName: 'Deploy bot', matched: false, reason: 'trigger', detail: 'first word "see" is not one of: deploy'},
                        {ruleId: 'r2', ruleName: 'Tickets', matched: true, reason: 'matched', detail: 'pattern matched', triggerWord: 'OPS-42', groups: {ticket: 'OPS-42'}, conditions: [{label: 'author is not a bot', passed: true}]},
                    ],
                },
            },
        });
        renderWithProviders(
            <MatcherTester
                channelId={CHANNEL_ID}
                debounceMs={0}
            />,
            {client},
        );
        await user.type(screen.getByLabelText('Message'), 'see OPS-42');
        const tickets = await screen.findByTestId('tripwire-outcome-r2');
        expect(within(tickets).getByText('Matches')).toBeInTheDocument();
        expect(within(screen.getByRole('table', {name: 'Captured'})).getByText('OPS-42')).toBeInTheDocument();
        expect(within(tickets).getByText(/author is not a bot/)).toBeInTheDocument();
        expect(within(screen.getByTestId('tripwire-outcome-r1')).getByText('No match')).toBeInTheDocument();
        expect(screen.getByText('1 rule matches · first word “see”')).toBeInTheDocument();
        expect(calls[calls.length - 1]!.body).toEqual({message: 'see OPS-42', is_reply: false, event: 'posted'});
    });

    it('tests a reaction with its emoji, and a join with nothing typed', async () => {
        const user = userEvent.setup();
        const {client, calls} = fakeServer({
            [`POST ${API}/channels/${CHANNEL_ID}/test`]: {
                body: {
                    channel_id: CHANNEL_ID,
                    firstWord: '',
                    evaluatedChars: 0,
                    truncated: false,
                    outcomes: [{ruleId: 'r1', ruleName: 'Tickets', matched: true, reason: 'matched', detail: 'matched the reaction :ticket:', triggerWord: ''}],
                },
            },
        });
        renderWithProviders(
            <MatcherTester
                channelId={CHANNEL_ID}
                debounceMs={0}
            />,
            {client},
        );
        await user.selectOptions(screen.getByLabelText('Event'), 'reaction_added');
        await user.type(screen.getByLabelText('Message'), 'printer on fire');
        // Nothing is asked before the emoji is given.
        expect(calls).toHaveLength(0);
        await user.type(screen.getByLabelText('Reacting with'), 'ticket');
        expect(await screen.findByText('matched the reaction :ticket:')).toBeInTheDocument();
        expect(calls[calls.length - 1]!.body).toEqual({message: 'printer on fire', is_reply: false, event: 'reaction_added', emoji: 'ticket'});

        await user.selectOptions(screen.getByLabelText('Event'), 'user_joined');
        expect(screen.queryByLabelText('Message')).toBeNull();
        await screen.findByText(/You join or leave this channel/);
        await waitUntil(() => (calls[calls.length - 1]!.body as {event?: string}).event === 'user_joined');
        expect(calls[calls.length - 1]!.body).toEqual({event: 'user_joined'});
    });
});

/** Polls until `done` holds (the tester's request is debounced through a timer). */
async function waitUntil(done: () => boolean): Promise<void> {
    for (let i = 0; i < 50 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('SendTest', () => {
    it('asks to complete a new rule before it can be tested', () => {
        const {client} = fakeServer({});
        renderWithProviders(
            <SendTest
                rule={null}
                channelId={CHANNEL_ID}
            />,
            {client},
        );
        expect(screen.getByText('Complete the rule above to send a test.')).toBeInTheDocument();
        expect(screen.getByRole('button', {name: 'Send test'})).toBeDisabled();
    });

    it('tests a new rule before its first save: the draft and the typed token go to the channel route', async () => {
        const user = userEvent.setup();
        const draft = ruleSpecSchema.parse({
            name: 'New one',
            scope: {kind: 'channels', teamId: TEAM_ID, channelIds: [CHANNEL_ID]},
            trigger: {mode: 'exact', words: ['deploy']},
            endpoints: [{id: 'ep1', url: 'https://ci.example.com/hook'}],
        });
        const {client, calls} = fakeServer({
            [`POST ${API}/channels/${CHANNEL_ID}/test-delivery`]: {
                body: {endpoint_id: 'ep1', request: {method: 'POST', url: 'https://ci.example.com/hook', headers: {}, body: '{"token":"[redacted]"}', truncated: false}, response: {status: 202, headers: {}, body: '', truncated: false}, latency_ms: 7},
            },
        });
        renderWithProviders(
            <SendTest
                rule={null}
                channelId={CHANNEL_ID}
                draft={draft}
                token='typed-token'
            />,
            {client},
        );
        expect(screen.getByText(/Tests the new rule as it is on screen, before it is saved/)).toBeInTheDocument();
        await user.type(screen.getByLabelText('Message'), 'deploy api');
        await user.click(screen.getByRole('button', {name: 'Send test'}));
        const result = await screen.findByTestId('tripwire-test-result');
        expect(within(result).getByLabelText('Request')).toHaveTextContent('POST https://ci.example.com/hook');
        expect(calls).toHaveLength(1);
        expect(`${calls[0]!.method} ${calls[0]!.path}`).toBe(`POST ${API}/channels/${CHANNEL_ID}/test-delivery`);
        expect(calls[0]!.body).toEqual({message: 'deploy api', is_reply: false, token: 'typed-token', rule: draft});
    });

    it('shows the rendered request, the response and the reply as it will appear', async () => {
        const user = userEvent.setup();
        const rule = ruleView();
        const {client, calls} = fakeServer({
            [`POST ${API}/rules/${rule.id}/test-delivery`]: {
                body: {
                    endpoint_id: 'ep1',
                    request: {method: 'POST', url: 'https://ci.example.com/hook', headers: {'webhook-signature': 'v1,***'}, body: '{"text":"deploy api"}', truncated: false},
                    response: {status: 200, headers: {'content-type': 'application/json'}, body: '{"text":"Deploying api"}', truncated: false},
                    latency_ms: 41.6,
                    outcome: {ruleId: rule.id, ruleName: rule.name, matched: true, reason: 'matched', detail: 'ok'},
                    reply: {kind: 'posts', posts: [{message: 'Deploying **api**', in_thread: true, ephemeral: false, type: 'slack_attachment', props: {attachments: [{title: 'Build 7', color: 'good', fields: [{title: 'Env', value: 'prod', short: true}], actions: [{id: 'stop', name: 'Stop', type: 'button'}]}]}}]},
                },
            },
        });
        renderWithProviders(
            <SendTest
                rule={rule}
                channelId={CHANNEL_ID}
            />,
            {client},
        );
        await user.type(screen.getByLabelText('Message'), 'deploy api');
        await user.click(screen.getByRole('button', {name: 'Send test'}));
        const result = await screen.findByTestId('tripwire-test-result');
        expect(within(result).getByText('HTTP 200')).toBeInTheDocument();
        expect(within(result).getByText('42 ms')).toBeInTheDocument();
        expect(within(result).getByLabelText('Request')).toHaveTextContent('POST https://ci.example.com/hook');
        expect(within(result).getByLabelText('Request')).toHaveTextContent('webhook-signature: v1,***');
        expect(within(result).getByLabelText('Response')).toHaveTextContent('{"text":"Deploying api"}');
        const preview = within(result).getByTestId('tripwire-reply-preview');
        expect(preview).toHaveTextContent('Deploying **api**');
        expect(preview).toHaveTextContent('In the thread');
        expect(within(preview).getByText('Build 7')).toBeInTheDocument();
        expect(within(preview).getByRole('button', {name: 'Stop'})).toBeDisabled();
        expect(calls[0]!.body).toEqual({message: 'deploy api', is_reply: false, channel_id: CHANNEL_ID});
    });
});
