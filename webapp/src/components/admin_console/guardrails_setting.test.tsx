import {guardrailDefaults} from '@tripwire/common';
import {screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {useRef, useState} from 'react';
import {combineReducers, legacy_createStore as createStore} from 'redux';

import {fakeServer, renderWithProviders} from '../../../test/render';

import {GuardrailsSetting} from './guardrails_setting';

const ID = 'PluginSettings.Plugins.tripwire.guardrails';
type SaveAction = () => Promise<{error?: {message?: string}}>;

/**
 * The parts of Mattermost's plugin settings page (schema_admin_settings.tsx) the setting relies on: the value comes
 * from the configuration at the setting's key, onChange puts a new value in the page's state and enables Save, and
 * Save writes the state into the configuration (PUT /api/v4/config/patch), then runs the registered save actions.
 */
function ConsolePage({config, onSaved}: {config: Record<string, unknown>; onSaved(config: Record<string, unknown>, actionErrors: string[]): void}) {
    const plugin = (config.PluginSettings as {Plugins: {tripwire: Record<string, unknown>}}).Plugins.tripwire;
    const [value, setValue] = useState<unknown>(plugin.guardrails);
    const [saveNeeded, setSaveNeeded] = useState(false);
    const actions = useRef<SaveAction[]>([]);
    const save = async () => {
        const written = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
        (written.PluginSettings as {Plugins: {tripwire: Record<string, unknown>}}).Plugins.tripwire.guardrails = value;
        const results = await Promise.all(actions.current.map((a) => a()));
        const errors = results.flatMap((r) => (r.error?.message ? [r.error.message] : []));
        if (errors.length === 0) setSaveNeeded(false);
        onSaved(written, errors);
    };
    return (
        <>
            <GuardrailsSetting
                id={ID}
                value={value}
                config={config}
                onChange={(id, v) => {
                    expect(id).toBe(ID);
                    setValue(v);
                    setSaveNeeded(true);
                }}
                setSaveNeeded={() => setSaveNeeded(true)}
                registerSaveAction={(a) => void actions.current.push(a)}
                unRegisterSaveAction={(a) => void actions.current.splice(actions.current.indexOf(a), 1)}
            />
            <button
                type='button'
                disabled={!saveNeeded}
                onClick={() => void save()}
            >
                {'Save'}
            </button>
        </>
    );
}

const configWith = (tripwire: Record<string, unknown>) => ({ServiceSettings: {SiteURL: 'http://chat.test'}, PluginSettings: {Plugins: {tripwire, other: {keep: 1}}}});

function renderPage(config: Record<string, unknown>, store?: ReturnType<typeof createStore>) {
    const saves: Array<{config: Record<string, unknown>; errors: string[]}> = [];
    const {client, calls} = fakeServer({});
    renderWithProviders(
        <ConsolePage
            config={config}
            onSaved={(c, errors) => saves.push({config: c, errors})}
        />,
        {client, ...(store && {store})},
    );
    return {saves, calls};
}

describe('GuardrailsSetting', () => {
    it('shows each guardrail once, from the keys 0.1.0 stored, and the page Save writes them all as one object', async () => {
        const user = userEvent.setup();
        // An upgraded server: 0.1.0's separate keys, lower-cased as the System Console stored them.
        const {saves, calls} = renderPage(configWith({allowedhosts: '10.0.0.0/8 ci.internal', maxrulesperchannel: '25', maxattempts: 5, maxendpointtimeoutms: 2000}));

        expect(screen.getAllByLabelText('Maximum rules per channel')).toHaveLength(1);
        expect(screen.getByLabelText('Maximum rules per channel')).toHaveValue('25');
        expect(screen.getByLabelText('Delivery attempts (default and most a rule may ask for)')).toHaveValue('5');
        expect(screen.getByLabelText('Longest endpoint timeout (ms)')).toHaveValue('2000');
        expect(screen.getByLabelText('Allowed internal destinations')).toHaveValue('10.0.0.0/8\nci.internal');
        expect(screen.queryByRole('button', {name: /save guardrails/i})).toBeNull();
        const save = screen.getByRole('button', {name: 'Save'});
        expect(save).toBeDisabled();

        await user.clear(screen.getByLabelText('Maximum rules per channel'));
        await user.type(screen.getByLabelText('Maximum rules per channel'), '10');
        await user.click(screen.getByLabelText(/Allow rules in direct and group messages/));
        await user.click(screen.getByLabelText(/Send button clicks and dialog submissions to URLs outside/));
        await user.click(save);

        expect(saves).toHaveLength(1);
        expect(saves[0]!.errors).toEqual([]);
        expect(saves[0]!.config.PluginSettings).toEqual({
            Plugins: {
                tripwire: {
                    allowedhosts: '10.0.0.0/8 ci.internal',
                    maxrulesperchannel: '25',
                    maxattempts: 5,
                    maxendpointtimeoutms: 2000,
                    guardrails: {
                        ...guardrailDefaults,
                        allowed_hosts: ['10.0.0.0/8', 'ci.internal'],
                        max_rules_per_channel: 10,
                        max_attempts: 5,
                        max_endpoint_timeout_ms: 2000,
                        dm_rules_enabled: true,
                        allow_foreign_action_urls: false,
                    },
                },
                other: {keep: 1},
            },
        });
        expect(save).toBeDisabled();
        // Nothing is written through Tripwire's own API (the page's save is the only one); the health summary only reads.
        expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /plugins/tripwire/api/v1/admin/delivery-health']);
    });

    it('prefers the saved object to the old keys', () => {
        renderPage(configWith({guardrails: {...guardrailDefaults, max_hops: 7}, maxhops: 2}));
        expect(screen.getByLabelText('Maximum reply chain length')).toHaveValue('7');
        expect(screen.queryByText(/values Tripwire cannot use/)).toBeNull();
    });

    it('says which hand-written values it cannot use, and offers what applies instead for saving', async () => {
        const user = userEvent.setup();
        const {saves} = renderPage(configWith({guardrails: {max_attempts: 500, max_hops: 5}}));
        expect(screen.getByLabelText('Delivery attempts (default and most a rule may ask for)')).toHaveValue('8');
        expect(screen.getByText(/values Tripwire cannot use, so the form shows what applies instead \(guardrails\.max_attempts: Too big: expected number to be <=50\)/)).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Save'}));
        expect((saves[0]!.config.PluginSettings as {Plugins: {tripwire: {guardrails: unknown}}}).Plugins.tripwire.guardrails).toEqual({...guardrailDefaults, max_hops: 5});
    });

    it('checks as you type, keeps a refused field at its stored value and says so when the page saves', async () => {
        const user = userEvent.setup();
        const {saves} = renderPage(configWith({guardrails: {...guardrailDefaults, max_endpoint_timeout_ms: 9000}}));
        const timeout = screen.getByLabelText('Longest endpoint timeout (ms)');
        await user.clear(timeout);
        await user.type(timeout, '100');
        expect(screen.getByText('Too small: expected number to be >=500')).toBeInTheDocument();
        await user.clear(screen.getByLabelText('Maximum reply chain length'));
        await user.type(screen.getByLabelText('Maximum reply chain length'), '4');
        await user.click(screen.getByRole('button', {name: 'Save'}));

        const message = 'Not saved: Longest endpoint timeout (ms). Fix the highlighted fields and save again; they keep their previous values until then.';
        expect(saves[0]!.errors).toEqual([message]);
        expect(await screen.findByText(message)).toBeInTheDocument();
        const written = (saves[0]!.config.PluginSettings as {Plugins: {tripwire: {guardrails: Record<string, unknown>}}}).Plugins.tripwire.guardrails;
        expect(written).toMatchObject({max_endpoint_timeout_ms: 9000, max_hops: 4});
        expect(screen.getByRole('button', {name: 'Save'})).toBeEnabled();

        await user.clear(timeout);
        await user.type(timeout, '5000');
        await user.click(screen.getByRole('button', {name: 'Save'}));
        expect(saves[1]!.errors).toEqual([]);
        expect((saves[1]!.config.PluginSettings as {Plugins: {tripwire: {guardrails: Record<string, unknown>}}}).Plugins.tripwire.guardrails).toMatchObject({max_endpoint_timeout_ms: 5000, max_hops: 4});
        expect(screen.queryByText(message)).toBeNull();
    });

    it('locks the form when MM_PLUGINSETTINGS_PLUGINS sets the plugin settings', () => {
        const store = createStore(combineReducers({entities: (s = {admin: {environmentConfig: {PluginSettings: {Plugins: true}}}}) => s}));
        renderPage(configWith({}), store);
        expect(screen.getByText(/set by the environment variable MM_PLUGINSETTINGS_PLUGINS/)).toBeInTheDocument();
        expect(screen.getByLabelText('Maximum rules per channel')).toBeDisabled();
        expect(screen.getByLabelText('Allowed internal destinations')).toBeDisabled();
    });
});
