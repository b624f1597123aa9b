import {screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {API, fakeServer, renderWithProviders} from '../../../test/render';

import {GuardrailsSetting} from './guardrails_setting';

const view = {allowed_hosts: ['10.0.0.0/8'], max_rules_per_channel: 25, dm_rules_enabled: false, max_attempts: 8, max_hops: 3, rate_limit_per_minute: 120, editable: true};
const settingProps = {id: 'PluginSettings.Plugins.tripwire.Guardrails', value: null, onChange: jest.fn(), setSaveNeeded: jest.fn()};

describe('GuardrailsSetting', () => {
    it('loads the guardrails, validates with the API schema and saves only valid changes', async () => {
        const user = userEvent.setup();
        const {client, calls} = fakeServer({
            [`GET ${API}/admin/guardrails`]: {body: view},
            [`PUT ${API}/admin/guardrails`]: (call) => ({body: {...view, ...(call.body as object)}}),
        });
        renderWithProviders(<GuardrailsSetting {...settingProps}/>, {client});
        const maxRules = await screen.findByLabelText('Maximum rules per channel');
        expect(maxRules).toHaveValue('25');
        expect(screen.getByLabelText('Allowed internal destinations')).toHaveValue('10.0.0.0/8');
        const save = screen.getByRole('button', {name: 'Save guardrails'});
        expect(save).toBeDisabled();

        await user.clear(maxRules);
        await user.type(maxRules, '5000');
        expect(screen.getByText('Too big: expected number to be <=1000')).toBeInTheDocument();
        expect(save).toBeDisabled();

        await user.clear(maxRules);
        await user.type(maxRules, '10');
        await user.click(screen.getByLabelText(/Allow rules in direct and group messages/));
        await user.click(save);
        expect(await screen.findByText('Guardrails saved.')).toBeInTheDocument();
        expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({...view, editable: undefined, max_rules_per_channel: 10, dm_rules_enabled: true});
    });

    it('explains when the plugin cannot be reached', async () => {
        const {client} = fakeServer({[`GET ${API}/admin/guardrails`]: {status: 503, body: {error: {code: 'unavailable', message: 'plugin is starting'}}}});
        renderWithProviders(<GuardrailsSetting {...settingProps}/>, {client});
        expect(await screen.findByText('Could not load the guardrails: plugin is starting. Is the plugin running?')).toBeInTheDocument();
    });
});
