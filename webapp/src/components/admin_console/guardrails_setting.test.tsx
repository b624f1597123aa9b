import {screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {API, fakeServer, renderWithProviders} from '../../../test/render';

import {GuardrailsSetting} from './guardrails_setting';

const view = {
    allowed_hosts: ['10.0.0.0/8'],
    max_rules_per_channel: 25,
    dm_rules_enabled: false,
    max_attempts: 8,
    max_hops: 3,
    rate_limit_per_minute: 120,
    max_endpoint_timeout_ms: 30_000,
    max_endpoint_concurrency: 64,
    max_delivery_age_seconds: 604_800,
    max_backoff_ms: 86_400_000,
    allow_foreign_action_urls: true,
    editable: true,
};
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
        const timeout = screen.getByLabelText('Longest endpoint timeout (ms)');
        await user.clear(timeout);
        await user.type(timeout, '100');
        expect(screen.getByText('Too small: expected number to be >=500')).toBeInTheDocument();
        expect(save).toBeDisabled();
        await user.clear(timeout);
        await user.type(timeout, '5000');
        await user.click(screen.getByLabelText(/Send button clicks and dialog submissions to URLs outside/));
        await user.click(save);
        expect(await screen.findByText('Guardrails saved.')).toBeInTheDocument();
        expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
            ...view,
            editable: undefined,
            max_rules_per_channel: 10,
            dm_rules_enabled: true,
            max_endpoint_timeout_ms: 5000,
            allow_foreign_action_urls: false,
        });
    });

    it('explains when the plugin cannot be reached', async () => {
        const {client} = fakeServer({[`GET ${API}/admin/guardrails`]: {status: 503, body: {error: {code: 'unavailable', message: 'plugin is starting'}}}});
        renderWithProviders(<GuardrailsSetting {...settingProps}/>, {client});
        expect(await screen.findByText('Could not load the guardrails: plugin is starting. Is the plugin running?')).toBeInTheDocument();
    });
});
