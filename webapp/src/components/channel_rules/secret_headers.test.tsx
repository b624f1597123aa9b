import {endpointSchema} from '@tripwire/common';
import {screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {openPanel} from '../../state/actions';
import {ruleView} from '../../../test/factories';
import {API, CHANNEL_ID, fakeServer, makeStore, renderWithProviders} from '../../../test/render';

import {ChannelRulesModal} from './channel_rules_modal';

const me = {user_id: 'u', is_system_admin: false, dm_rules_enabled: false, max_rules_per_channel: 25, allow_rule_bots: false};

describe('secret headers in the endpoint editor', () => {
    it('shows secret headers as set / not set, never a value, and sends a replacement write-only', async () => {
        const user = userEvent.setup();
        const rule = ruleView({
            name: 'Deploys',
            endpoints: [
                endpointSchema.parse({
                    id: 'ep1',
                    url: 'https://ci.example.com/hook',
                    headers: {'X-Plain': 'plain-value'},
                    secret_headers: ['Authorization', 'X-Custom'],
                    secret_headers_set: ['Authorization'],
                }),
            ],
        });
        const server = fakeServer({
            [`GET ${API}/me`]: {body: me},
            [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: [rule]}},
            [`GET ${API}/rules/${rule.id}/deliveries`]: {status: 500, body: {}},
            [`PUT ${API}/rules/${rule.id}`]: {body: {...rule, revision: 2}},
        });
        const store = makeStore();
        store.dispatch(openPanel(CHANNEL_ID));
        renderWithProviders(<ChannelRulesModal/>, {client: server.client, store});
        await user.click(await screen.findByRole('button', {name: 'Edit'}));

        const rows = screen.getAllByTestId('tripwire-secret-header');
        expect(rows.map((r) => r.textContent)).toEqual(['Authorization: set', 'X-Custom: not set']);
        const replace = screen.getByLabelText('New value for Authorization');
        expect(replace).toHaveAttribute('type', 'password');
        expect(replace).toHaveValue('');
        // Plain headers are edited as before.
        expect(within(screen.getByRole('group', {name: 'Headers'})).getByDisplayValue('plain-value')).toBeInTheDocument();

        await user.type(replace, 'Bearer new-one');
        expect(within(rows[0]!).getByText('Authorization: new value, saved with the rule')).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');

        const put = server.calls.find((c) => c.method === 'PUT')!;
        expect(put.body).toMatchObject({revision: 1, rule: {endpoints: [{id: 'ep1', headers: {'X-Plain': 'plain-value', Authorization: 'Bearer new-one'}, secret_headers: ['Authorization', 'X-Custom']}]}});
        // The saved view holds no value: the field is empty again.
        expect(screen.getByLabelText('New value for Authorization')).toHaveValue('');
    }, 20_000);
});
