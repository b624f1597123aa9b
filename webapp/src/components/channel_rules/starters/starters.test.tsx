import {ruleSpecSchema, type RuleView} from '@tripwire/common';
import {screen, waitFor, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {openPanel} from '../../../state/actions';
import {ruleView} from '../../../../test/factories';
import {API, CHANNEL_ID, fakeServer, makeStore, renderWithProviders, TEAM_ID} from '../../../../test/render';
import {ChannelRulesModal} from '../channel_rules_modal';

const me = {user_id: 'u', is_system_admin: false, dm_rules_enabled: false, max_rules_per_channel: 25};
const HOOKS = '/api/v4/hooks/outgoing';
const NATIVE_TOKEN = 'nativetoken7x9q2m4k8b1z5h3w';

/** As Mattermost's GET /api/v4/hooks/outgoing lists them. */
const hook = (over: Record<string, unknown>) => ({
    token: NATIVE_TOKEN,
    creator_id: 'user0000000000000000000001',
    channel_id: CHANNEL_ID,
    team_id: TEAM_ID,
    trigger_when: 0,
    content_type: 'application/json',
    description: '',
    delete_at: 0,
    ...over,
});
const specFor = (words: string[], url: string, name: string) =>
    ruleSpecSchema.parse({
        name,
        scope: {kind: 'channels', teamId: TEAM_ID, channelIds: [CHANNEL_ID]},
        trigger: {mode: 'exact', words, ignoreCase: false},
        sources: {bots: true, integrations: false},
        endpoints: [{id: 'ep1', url, payload: 'compat', content_type: 'json'}],
    });

function open(routes: Parameters<typeof fakeServer>[0], rules: RuleView[] = []) {
    const server = fakeServer({[`GET ${API}/me`]: {body: me}, [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules}}, ...routes});
    const store = makeStore();
    store.dispatch(openPanel(CHANNEL_ID));
    renderWithProviders(<ChannelRulesModal/>, {client: server.client, store});
    return server;
}

describe('native import from the panel', () => {
    const existing = ruleView({name: 'Deploy bot'});
    const deployHook = hook({id: 'hookdeploy', display_name: 'Old deploy hook', trigger_words: ['deploy'], callback_urls: ['https://ci.example.com/hook']});
    const ticketHook = hook({id: 'hooktickets', display_name: 'Tickets', trigger_words: ['ticket', 'bug'], trigger_when: 1, callback_urls: ['https://tickets.example.com/in']});
    const brokenHook = hook({id: 'hookbroken', display_name: 'FTP thing', trigger_words: ['x'], callback_urls: ['ftp://old.example.com']});
    const teamHook = hook({id: 'hookteam', channel_id: '', display_name: 'Team-wide alerts', trigger_words: ['alert'], callback_urls: ['https://alerts.example.com/in']});
    const otherChannelHook = hook({id: 'hookother', channel_id: 'channel0000000000000000009', display_name: 'Another channel', trigger_words: ['y'], callback_urls: ['https://y.example.com']});

    it('lists the channel’s hooks, marks the converted one, converts another in one click and shows its rule', async () => {
        const user = userEvent.setup();
        const created = ruleView({...specFor(['ticket', 'bug'], 'https://tickets.example.com/in', 'Tickets'), id: 'rule0000000000000000000077', has_token: true});
        const {calls} = open(
            {
                // Asked by channel, then by team (hooks without a channel fire in every public channel of the team).
                [`GET ${HOOKS}`]: (call) => ({body: call.query.get('channel_id') === CHANNEL_ID ? [deployHook, ticketHook, brokenHook] : call.query.get('team_id') === TEAM_ID ? [teamHook, otherChannelHook] : []}),
                [`POST ${API}/rules/import-native`]: (call) => {
                    const body = call.body as {hooks: Array<{id: string}>; dry_run?: boolean};
                    if (body.dry_run) {
                        return {
                            body: {
                                dry_run: true,
                                results: [
                                    {hook_id: 'hookdeploy', ok: true, spec: specFor(['deploy'], 'https://ci.example.com/hook', 'Old deploy hook'), warnings: []},
                                    {hook_id: 'hooktickets', ok: true, spec: specFor(['ticket', 'bug'], 'https://tickets.example.com/in', 'Tickets'), warnings: []},
                                    {hook_id: 'hookbroken', ok: false, warnings: [], reason: 'cannot be expressed as a rule: endpoints: add a callback URL'},
                                    {hook_id: 'hookteam', ok: false, warnings: [], reason: 'only team admins manage team-wide rules'},
                                ],
                            },
                        };
                    }
                    return {body: {dry_run: false, results: [{hook_id: body.hooks[0]!.id, ok: true, rule: created, warnings: ['kept the first 10 callback URLs']}]}};
                },
            },
            [existing],
        );
        await user.click(await screen.findByRole('button', {name: 'Import native webhooks'}));
        const section = screen.getByTestId('tripwire-native-import');

        const deploy = await within(section).findByRole('listitem', {name: 'Old deploy hook'});
        expect(deploy).toHaveTextContent('Converted: rule “Deploy bot”');
        expect(within(deploy).queryByRole('button', {name: /Convert/})).not.toBeInTheDocument();
        const broken = within(section).getByRole('listitem', {name: 'FTP thing'});
        expect(broken).toHaveTextContent('Cannot be converted: cannot be expressed as a rule');
        expect(within(broken).getByRole('button', {name: 'Convert to rule: FTP thing'})).toBeDisabled();

        const team = within(section).getByRole('listitem', {name: 'Team-wide alerts'});
        expect(team).toHaveTextContent('Every public channel of the team');
        expect(team).toHaveTextContent('Cannot be converted: only team admins manage team-wide rules');
        expect(within(section).queryByRole('listitem', {name: 'Another channel'})).not.toBeInTheDocument();
        expect((calls.find((c) => c.method === 'POST')!.body as {hooks: Array<{id: string}>}).hooks.map((h) => h.id)).toEqual(['hookdeploy', 'hooktickets', 'hookbroken', 'hookteam']);

        const tickets = within(section).getByRole('listitem', {name: 'Tickets'});
        expect(tickets).toHaveTextContent('First word starts with ticket, bug');
        await user.click(within(tickets).getByRole('button', {name: 'Convert to rule: Tickets'}));
        await waitFor(() => expect(tickets).toHaveTextContent('Converted: rule “Tickets”'));
        expect(tickets).toHaveTextContent('Note: kept the first 10 callback URLs');
        expect(tickets).toHaveTextContent('delete it in Integrations › Outgoing Webhooks');
        // The new rule is in the channel's list, and the import sent the hook as Mattermost listed it, token included.
        expect(screen.getAllByRole('listitem', {name: 'Tickets'})).toHaveLength(2);
        const convert = calls.filter((c) => c.method === 'POST' && !(c.body as {dry_run?: boolean}).dry_run);
        expect(convert.map((c) => c.body)).toEqual([{hooks: [ticketHook]}]);
        // The token goes to the plugin only; the panel never shows it.
        expect(document.body.textContent).not.toContain(NATIVE_TOKEN);
    });

    it('shows loading, then says when the channel has none', async () => {
        const user = userEvent.setup();
        let answer: () => void = () => undefined;
        const listed = new Promise<void>((resolve) => (answer = resolve));
        open({[`GET ${HOOKS}`]: async () => listed.then(() => ({body: []}))});
        await user.click(await screen.findByRole('button', {name: 'Import native webhooks'}));
        expect(within(screen.getByTestId('tripwire-native-import')).getByRole('status', {name: 'Loading the channel’s outgoing webhooks…'})).toBeInTheDocument();
        answer();
        expect(await screen.findByText('This channel has no native outgoing webhooks.')).toBeInTheDocument();
    });

    it('shows the error with its message', async () => {
        const user = userEvent.setup();
        open({[`GET ${HOOKS}`]: {status: 403, body: {message: 'You do not have the appropriate permissions.', status_code: 403}}});
        await user.click(await screen.findByRole('button', {name: 'Import native webhooks'}));
        expect(await screen.findByRole('alert')).toHaveTextContent('Could not list the outgoing webhooks: You do not have the appropriate permissions. (HTTP 403)');
    });
});

describe('rule templates in the new-rule flow', () => {
    it('fills the form from PagerDuty’s template, refuses to save without the key, then saves it as the write-only token', async () => {
        const user = userEvent.setup();
        const {calls} = open({
            [`POST ${API}/rules`]: (call) => ({status: 201, body: ruleView({...(call.body as object), id: 'rule0000000000000000000042'})}),
            [`PUT ${API}/rules/rule0000000000000000000042/token`]: {status: 204},
        });
        await user.click(await screen.findByRole('button', {name: 'Add rule'}));
        const picker = screen.getByTestId('tripwire-template-picker');
        await user.click(within(picker).getByText('Start from a template'));
        await user.selectOptions(within(picker).getByLabelText('Service'), 'pagerduty_event');
        await user.click(within(picker).getByRole('button', {name: 'Use template'}));
        expect(within(picker).getByRole('status')).toHaveTextContent('Filled from the PagerDuty (Events API v2) template');

        expect(screen.getByLabelText('Name')).toHaveValue('PagerDuty (Events API v2)');
        expect(screen.getByLabelText('Callback URL')).toHaveValue('https://events.pagerduty.com/v2/enqueue');
        // The reply mapping: PagerDuty's status document becomes the reply's text.
        expect(screen.getByLabelText('Reply text from the service’s answer')).toHaveValue('PagerDuty {{reply.json.status}}: incident key `{{reply.json.dedup_key}}`');
        const token = screen.getByLabelText('Token');
        expect(token).toHaveValue('');

        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        expect(token).toHaveAccessibleDescription(expect.stringContaining('Enter the PagerDuty (Events API v2) key or token'));
        expect(calls.some((c) => c.method === 'POST' && c.path === `${API}/rules`)).toBe(false);

        await user.type(token, 'R0UTINGKEY123');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
        const posted = calls.find((c) => c.method === 'POST' && c.path === `${API}/rules`)!.body as {endpoints: Array<{body_template: string; payload: string}>; response: {enabled: boolean; reply_template?: string}};
        expect(posted.endpoints[0]!.payload).toBe('template');
        expect(posted.endpoints[0]!.body_template).toContain('"routing_key": "{{secrets.token}}"');
        expect(posted.response).toMatchObject({enabled: true, reply_to: 'thread', reply_template: 'PagerDuty {{reply.json.status}}: incident key `{{reply.json.dedup_key}}`'});
        expect(JSON.stringify(posted)).not.toContain('R0UTINGKEY123');
        expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({token: 'R0UTINGKEY123'});
    }, 30_000);

    it('asks for the URL’s placeholders to be replaced', async () => {
        const user = userEvent.setup();
        open({});
        await user.click(await screen.findByRole('button', {name: 'Add rule'}));
        await user.click(screen.getByText('Start from a template'));
        await user.selectOptions(screen.getByLabelText('Service'), 'github_dispatch');
        await user.click(screen.getByRole('button', {name: 'Use template'}));
        await user.type(screen.getByLabelText('Token'), 'ghp_example');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        expect(screen.getByLabelText('Callback URL')).toHaveAccessibleDescription(expect.stringContaining('Replace OWNER and REPO with your own.'));
    }, 30_000);
});
