import {act, screen, waitFor, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {openPanel} from '../../state/actions';
import {emptyStats, ruleView} from '../../../test/factories';
import {API, CHANNEL_ID, fakeServer, makeStore, renderWithProviders} from '../../../test/render';

import {ChannelRulesModal} from './channel_rules_modal';

const me = {user_id: 'u', is_system_admin: false, dm_rules_enabled: false, max_rules_per_channel: 25, allow_rule_bots: false};

function open(routes: Parameters<typeof fakeServer>[0]) {
    const server = fakeServer({[`GET ${API}/me`]: {body: me}, ...routes});
    const store = makeStore();
    store.dispatch(openPanel(CHANNEL_ID));
    const view = renderWithProviders(<ChannelRulesModal/>, {client: server.client, store});
    return {...server, ...view};
}

describe('ChannelRulesModal', () => {
    it('renders nothing while no channel is open', () => {
        const {client} = fakeServer({});
        renderWithProviders(<ChannelRulesModal/>, {client});
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });

    it('lists the channel rules with their status badges and last error', async () => {
        const healthy = ruleView({name: 'Deploy bot'});
        const broken = ruleView({name: 'Ticket linker', enabled: false, can_manage: false});
        open({
            [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: [healthy, broken]}},
            [`GET ${API}/rules/${healthy.id}/deliveries`]: {body: {entries: [], page: 0, per_page: 1, total: 0, has_more: false, stats: {...emptyStats, deliveries: 20, succeeded: 19, failed: 1, success_rate: 0.95}}},
            [`GET ${API}/rules/${broken.id}/deliveries`]: {
                body: {
                    entries: [{delivery_id: 'd', webhook_id: 'w', rule_id: broken.id, endpoint_id: 'ep1', event_type: 'posted', post_id: 'p', at: 1, attempt: 3, status: 'failed', http_status: 503}],
                    page: 0, per_page: 1, total: 1, has_more: false,
                    stats: {...emptyStats, deliveries: 4, succeeded: 1, failed: 3, success_rate: 0.25},
                },
            },
        });
        const deploy = await screen.findByRole('listitem', {name: 'Deploy bot'});
        await waitFor(() => expect(within(deploy).getByText('95% delivered')).toBeInTheDocument());
        expect(within(deploy).getByText('Enabled')).toBeInTheDocument();
        const tickets = screen.getByRole('listitem', {name: 'Ticket linker'});
        await waitFor(() => expect(within(tickets).getByTestId('tripwire-last-error')).toHaveTextContent('Last error: HTTP 503'));
        expect(within(tickets).getByText('Disabled')).toBeInTheDocument();
        expect(within(tickets).getByText('Read only')).toBeInTheDocument();
        expect(within(tickets).queryByRole('button', {name: /Delete/})).not.toBeInTheDocument();
        expect(within(tickets).getByRole('button', {name: 'View'})).toBeInTheDocument();
    });

    it('names the reaction, join and leave events a rule fires on, with its emoji', async () => {
        const rule = ruleView({name: 'Tickets', events: ['posted', 'reaction_added', 'user_joined'], emoji: ['ticket'], trigger: {mode: 'any'}});
        open({
            [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: [rule]}},
            [`GET ${API}/rules/${rule.id}/deliveries`]: {body: {entries: [], page: 0, per_page: 1, total: 0, has_more: false, stats: emptyStats}},
        });
        const item = await screen.findByRole('listitem', {name: 'Tickets'});
        expect(item).toHaveTextContent('Every message · Reactions added :ticket: · Someone joins the channel');
    });

    it('explains instead of showing a broken panel when the server refuses', async () => {
        open({[`GET ${API}/channels/${CHANNEL_ID}/rules`]: {status: 403, body: {error: {code: 'forbidden', message: 'guests cannot manage Tripwire rules'}}}});
        const notice = await screen.findByTestId('tripwire-no-access');
        expect(notice).toHaveTextContent('You can’t manage Tripwire rules here');
        expect(notice).toHaveTextContent('guests cannot manage Tripwire rules');
        expect(screen.queryByRole('tab')).not.toBeInTheDocument();
    });

    it('creates a regex rule, validating inline with the shared schema first', async () => {
        const user = userEvent.setup();
        const {calls} = open({
            [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: []}},
            [`POST ${API}/rules`]: (call) => ({status: 201, body: ruleView({...(call.body as object), id: 'rule0000000000000000000009'})}),
        });
        await user.click(await screen.findByRole('button', {name: 'Add rule'}));
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('name is required');
        expect(calls.some((c) => c.method === 'POST')).toBe(false);

        await user.type(screen.getByLabelText('Name'), 'Tickets');
        await user.selectOptions(screen.getByLabelText('Trigger when'), 'regex');
        await user.click(screen.getByLabelText('Pattern'));
        await user.paste('(?P<ticket>[A-Z]+-\\d+)');
        await user.click(screen.getByLabelText('Callback URL'));
        await user.paste('not a url');
        expect(screen.getByLabelText('Callback URL')).toHaveAttribute('aria-invalid', 'true');
        await user.clear(screen.getByLabelText('Callback URL'));
        await user.paste('https://tickets.example.com/hook');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));

        await screen.findByText('Saved.');
        const post = calls.find((c) => c.method === 'POST')!;
        expect(post.body).toMatchObject({
            name: 'Tickets',
            scope: {kind: 'channels', channelIds: [CHANNEL_ID]},
            trigger: {mode: 'regex', pattern: '(?P<ticket>[A-Z]+-\\d+)'},
            endpoints: [{url: 'https://tickets.example.com/hook', method: 'POST', payload: 'compat'}],
        });
        expect(screen.getByRole('button', {name: 'Send test'})).toBeInTheDocument();
    }, 20_000);

    it('shows the server field errors on the fields after a refused save', async () => {
        const user = userEvent.setup();
        const rule = ruleView({name: 'Regex', trigger: {mode: 'regex', pattern: '(?=x)', ignoreCase: false, multiline: false, dotAll: false}});
        open({
            [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: [rule]}},
            [`GET ${API}/rules/${rule.id}/deliveries`]: {status: 500, body: {}},
            [`PUT ${API}/rules/${rule.id}`]: {status: 400, body: {error: {code: 'invalid_input', message: 'invalid rule', fields: {'rule.trigger.pattern': 'RE2 has no lookarounds'}}}},
        });
        await user.click(await screen.findByRole('button', {name: 'Edit'}));
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await waitFor(() => expect(screen.getByLabelText('Pattern')).toHaveAccessibleDescription(/^RE2 has no lookarounds/));
        expect(screen.getByText('Not saved: invalid rule')).toBeInTheDocument();
        // Focus goes to the summary, whose entry leads to the field the server blamed.
        const summary = screen.getByTestId('tripwire-error-summary');
        expect(summary).toHaveFocus();
        await user.click(within(summary).getByRole('button', {name: 'Pattern: RE2 has no lookarounds'}));
        expect(screen.getByLabelText('Pattern')).toHaveFocus();
    });

    it('disables and deletes a rule after confirmation', async () => {
        const user = userEvent.setup();
        const rule = ruleView({name: 'Old'});
        const {calls} = open({
            [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: [rule]}},
            [`GET ${API}/rules/${rule.id}/deliveries`]: {status: 500, body: {}},
            [`PUT ${API}/rules/${rule.id}/enabled`]: {body: {...rule, enabled: false, revision: 2}},
            [`DELETE ${API}/rules/${rule.id}`]: {status: 204},
        });
        await user.click(await screen.findByRole('button', {name: 'Disable'}));
        expect(await screen.findByRole('button', {name: 'Enable'})).toBeInTheDocument();
        expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({enabled: false, revision: 1});
        await user.click(screen.getByRole('button', {name: 'Delete Old'}));
        await act(async () => {
            await user.click(screen.getByRole('button', {name: 'Delete'}));
        });
        await waitFor(() => expect(screen.queryByRole('listitem', {name: 'Old'})).not.toBeInTheDocument());
        expect(calls.find((c) => c.method === 'DELETE')!.query.get('revision')).toBe('2');
        expect(screen.getByText('No rules in this channel yet')).toBeInTheDocument();
    });
});
