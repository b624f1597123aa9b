import {type RuleSpec, type RuleView} from '@tripwire/common';
import {act, fireEvent, screen, waitFor, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {openPanel} from '../../state/actions';
import {getRule} from '../../state/selectors';
import {rulesChangedHandler} from '../../state/websocket';
import {ruleView} from '../../../test/factories';
import {API, CHANNEL_ID, fakeServer, makeStore, renderWithProviders, type FakeAnswer} from '../../../test/render';

import {ChannelRulesModal} from './channel_rules_modal';

const me = {user_id: 'u', is_system_admin: false, dm_rules_enabled: false, max_rules_per_channel: 25, allow_rule_bots: false};

/** The panel opened from a button, as the channel header opens it. */
function openFrom(routes: Parameters<typeof fakeServer>[0] = {}) {
    const rule = ruleView({name: 'Deploys'});
    const server = fakeServer({
        [`GET ${API}/me`]: {body: me},
        [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: [rule]}},
        [`GET ${API}/rules/${rule.id}/deliveries`]: {status: 500, body: {}},
        ...routes,
    });
    const store = makeStore();
    renderWithProviders(
        <>
            <button type='button'>{'Tripwire'}</button>
            <ChannelRulesModal/>
        </>,
        {client: server.client, store},
    );
    const opener = screen.getByRole('button', {name: 'Tripwire'});
    opener.focus();
    act(() => {
        store.dispatch(openPanel(CHANNEL_ID));
    });
    return {...server, store, opener, rule};
}

// Many keystrokes through user-event per test: generous under a loaded machine.
jest.setTimeout(30_000);

describe('the panel as a modal dialog', () => {
    it('moves focus in on open, keeps Tab inside, and gives focus back on close', async () => {
        const user = userEvent.setup();
        const {opener} = openFrom();
        const dialog = screen.getByRole('dialog', {name: 'Tripwire rules'});
        expect(dialog).toHaveFocus();
        await screen.findByRole('listitem', {name: 'Deploys'});

        // Shift+Tab from the start goes to the last control; Tab from the last comes back to the first.
        await user.tab({shift: true});
        const last = document.activeElement;
        expect(dialog).toContainElement(last as HTMLElement);
        expect(last).toHaveAccessibleName('Delete Deploys');
        await user.tab();
        expect(screen.getByRole('button', {name: 'Close'})).toHaveFocus();
        await user.tab({shift: true});
        expect(last).toHaveFocus();

        await user.keyboard('{Escape}');
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
        expect(opener).toHaveFocus();
    });

    it('moves between tabs with the arrow keys, Home and End (WAI-ARIA tabs)', async () => {
        const user = userEvent.setup();
        openFrom();
        const rulesTab = screen.getByRole('tab', {name: 'Rules'});
        expect(rulesTab).toHaveAttribute('tabindex', '0');
        expect(screen.getByRole('tab', {name: 'Delivery log'})).toHaveAttribute('tabindex', '-1');
        rulesTab.focus();
        await user.keyboard('{ArrowRight}');
        const tester = screen.getByRole('tab', {name: 'Test a message'});
        expect(tester).toHaveFocus();
        expect(tester).toHaveAttribute('aria-selected', 'true');
        expect(screen.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', tester.id);
        await user.keyboard('{End}');
        expect(screen.getByRole('tab', {name: 'Delivery log'})).toHaveAttribute('aria-selected', 'true');
        await user.keyboard('{ArrowRight}');
        expect(rulesTab).toHaveFocus();
        expect(rulesTab).toHaveAttribute('aria-selected', 'true');
        await user.keyboard('{ArrowLeft}{Home}');
        expect(rulesTab).toHaveAttribute('aria-selected', 'true');
    });

    it('closes only the inline delete confirmation on Escape', async () => {
        const user = userEvent.setup();
        openFrom();
        await user.click(await screen.findByRole('button', {name: 'Delete Deploys'}));
        const confirm = screen.getByRole('alertdialog');
        expect(within(confirm).getByRole('button', {name: 'Cancel'})).toHaveFocus();
        await user.keyboard('{Escape}');
        expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
        expect(screen.getByRole('dialog')).toBeInTheDocument();
    });
});

describe('unsaved changes', () => {
    const prompt = () => screen.queryByRole('alertdialog', {name: 'You have unsaved changes. Discard them?'});

    it('asks before Escape, ×, the backdrop, a tab or "Back to rules" drop an edit; Escape on the question keeps editing', async () => {
        const user = userEvent.setup();
        openFrom();
        await user.click(await screen.findByRole('button', {name: 'Add rule'}));
        await user.type(screen.getByLabelText('Name'), 'Half done');

        await user.keyboard('{Escape}');
        expect(prompt()).toBeInTheDocument();
        expect(within(prompt()!).getByRole('button', {name: 'Keep editing'})).toHaveFocus();
        await user.keyboard('{Escape}');
        expect(prompt()).not.toBeInTheDocument();
        expect(screen.getByLabelText('Name')).toHaveValue('Half done');

        await user.click(screen.getByRole('button', {name: 'Close'}));
        expect(prompt()).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Keep editing'}));

        fireEvent.mouseDown(screen.getByRole('dialog').parentElement!);
        expect(prompt()).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Keep editing'}));

        await user.click(screen.getByRole('tab', {name: 'Delivery log'}));
        expect(prompt()).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Keep editing'}));

        await user.click(screen.getByRole('button', {name: /Back to rules/}));
        expect(prompt()).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Discard changes'}));
        expect(await screen.findByRole('listitem', {name: 'Deploys'})).toBeInTheDocument();

        // Nothing edited: no question.
        await user.click(screen.getByRole('button', {name: 'Edit'}));
        await user.click(screen.getByRole('button', {name: /Back to rules/}));
        expect(prompt()).not.toBeInTheDocument();
        expect(screen.getByRole('listitem', {name: 'Deploys'})).toBeInTheDocument();
    }, 20_000);

    it('asks while a save is on its way (nothing is saved yet), and no longer once "Saved." shows, a rules_changed reload included', async () => {
        const user = userEvent.setup();
        let answer: (() => void) | null = null;
        let listed: RuleView[] = [];
        const {store, client} = openFrom({
            [`GET ${API}/channels/${CHANNEL_ID}/rules`]: () => ({body: {rules: listed}}),
            // The server answers when the test says, its fields in another order than the form's; a later reload
            // lists its own copy (another revision, a reworded description): the editor's baseline is the save's answer.
            [`POST ${API}/rules`]: (call) =>
                new Promise<FakeAnswer>((resolve) => {
                    const saved = ruleView({...(call.body as RuleSpec), id: 'rule000000000000000000new1'});
                    listed = [{...saved, revision: 2, description: 'Reworded by the server'}];
                    answer = () => resolve({status: 201, body: Object.fromEntries(Object.entries(saved).reverse())});
                }),
        });
        await user.click(await screen.findByRole('button', {name: 'Add rule'}));
        await user.type(screen.getByLabelText('Name'), 'Reactions');
        await user.type(screen.getByLabelText('Trigger words'), 'ticket');
        await user.type(screen.getByLabelText('Callback URL'), 'https://hooks.example.com/r');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await waitFor(() => expect(answer).not.toBeNull());

        // Still saving: the changes are not stored yet, so leaving asks. (The Send test note says "…before it is
        // saved."; the browser test once took that for the "Saved." status and pressed Escape here.)
        expect(screen.getByRole('button', {name: 'Saving…'})).toBeDisabled();
        expect(screen.getByText(/before it is saved\./)).toBeInTheDocument();
        await user.keyboard('{Escape}');
        expect(prompt()).toBeInTheDocument();
        await user.keyboard('{Escape}');
        expect(prompt()).not.toBeInTheDocument();

        await act(async () => answer!());
        expect(await screen.findByRole('status')).toHaveTextContent(/^Saved\.$/);
        act(() => rulesChangedHandler(store, client)({event: 'custom_tripwire_rules_changed', data: {channel_ids: [CHANNEL_ID]}}));
        await waitFor(() => expect(getRule(store.getState(), 'rule000000000000000000new1')?.description).toBe('Reworded by the server'));
        await user.keyboard('{Escape}');
        expect(prompt()).not.toBeInTheDocument();
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });

    it('closes the panel when the edit is discarded from ×', async () => {
        const user = userEvent.setup();
        const {opener} = openFrom();
        await user.click(await screen.findByRole('button', {name: 'Edit'}));
        await user.type(screen.getByLabelText('Name'), ' v2');
        await user.click(screen.getByRole('button', {name: 'Close'}));
        await user.click(within(prompt()!).getByRole('button', {name: 'Discard changes'}));
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
        expect(opener).toHaveFocus();
    });
});
