import {endpointSchema, type RuleView} from '@tripwire/common';
import {act, screen, waitFor, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {openPanel} from '../../state/actions';
import {ruleView} from '../../../test/factories';
import {API, CHANNEL_ID, fakeServer, makeStore, OTHER_CHANNEL_ID, renderWithProviders, TEAM_ID, type RecordedCall} from '../../../test/render';

import {ChannelRulesModal} from './channel_rules_modal';

const me = {user_id: 'u', is_system_admin: false, dm_rules_enabled: false, max_rules_per_channel: 25, allow_rule_bots: false};

type Routes = Parameters<typeof fakeServer>[0];

/** The panel with one stored rule (or none), opened on its editor. */
async function editor(rule: RuleView | null, routes: Routes = {}) {
    const user = userEvent.setup();
    const server = fakeServer({
        [`GET ${API}/me`]: {body: me},
        [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: rule ? [rule] : []}},
        ...(rule && {[`GET ${API}/rules/${rule.id}/deliveries`]: {status: 500, body: {}}}),
        ...routes,
    });
    const store = makeStore([{id: OTHER_CHANNEL_ID, name: 'deployments', display_name: 'Deployments', type: 'P', team_id: TEAM_ID}]);
    store.dispatch(openPanel(CHANNEL_ID));
    renderWithProviders(<ChannelRulesModal/>, {client: server.client, store});
    await user.click(await screen.findByRole('button', {name: rule ? 'Edit' : 'Add rule'}));
    return {...server, user};
}

const saved = (over: Partial<RuleView> = {}) => (call: RecordedCall) => ({
    status: call.method === 'POST' ? 201 : 200,
    body: ruleView({...((call.body as {rule?: object}).rule ?? (call.body as object)), id: 'rule0000000000000000000042', revision: 2, ...over}),
});
const lastBody = (calls: RecordedCall[], method: string) => calls.filter((c) => c.method === method).at(-1)!.body as Record<string, unknown>;

// Many keystrokes through user-event per test: generous under a loaded machine.
jest.setTimeout(30_000);

describe('the rule editor', () => {
    it('shows every field of a simple rule, under the names of Mattermost’s "Add outgoing webhook" page, with no section to open', async () => {
        await editor(null);
        for (const label of ['Name', 'Add a channel…', 'Trigger when', 'Trigger words', 'Callback URL', 'Content type', 'Token']) {
            const field = screen.getByLabelText(label);
            expect({label, hidden: field.closest('details:not([open])') !== null}).toEqual({label, hidden: false});
        }
        // Username and profile picture, as native names them, one click away.
        expect(screen.getByLabelText('Username')).toBeInTheDocument();
        expect(screen.getByLabelText('Profile picture URL')).toBeInTheDocument();
        expect(screen.getByLabelText('Content type')).toHaveDisplayValue('application/json');
    });

    it('keeps each trigger type’s draft while the editor is open', async () => {
        const {user} = await editor(null);
        await user.type(screen.getByLabelText('Trigger words'), 'deploy');
        await user.selectOptions(screen.getByLabelText('Trigger when'), 'regex');
        expect(screen.getByLabelText('Pattern')).toHaveValue('');
        // Not an error yet: nothing was typed there.
        expect(screen.getByLabelText('Pattern')).toHaveAttribute('aria-invalid', 'false');
        await user.type(screen.getByLabelText('Pattern'), 'v\\d+');
        await user.selectOptions(screen.getByLabelText('Trigger when'), 'exact');
        expect(screen.getByLabelText('Trigger words')).toHaveValue('deploy');
        await user.selectOptions(screen.getByLabelText('Trigger when'), 'regex');
        expect(screen.getByLabelText('Pattern')).toHaveValue('v\\d+');
    });

    it('shows an error only once its field was changed and left, or after a save was tried', async () => {
        const {user} = await editor(null);
        const name = screen.getByLabelText('Name');
        await user.click(name);
        await user.tab();
        expect(name).toHaveAttribute('aria-invalid', 'false');
        await user.type(name, 'x');
        await user.clear(name);
        await user.tab();
        expect(name).toHaveAccessibleDescription('name is required');
        expect(screen.getByLabelText('Trigger words')).toHaveAttribute('aria-invalid', 'false');
    });

    it('after a failed save focuses a summary whose entries open the section and focus the field', async () => {
        const {user, calls} = await editor(null);
        await user.type(screen.getByLabelText('Name'), 'Deploys');
        await user.type(screen.getByLabelText('Trigger words'), 'deploy');
        await user.type(screen.getByLabelText('Callback URL'), 'https://ci.example.com/a');
        await user.click(screen.getByRole('button', {name: '+ Add endpoint'}));
        const second = screen.getByRole('group', {name: 'Endpoint 2'});
        await user.type(within(second).getByLabelText('Callback URL'), 'https://ci.example.com/b');
        const moreOptions = within(second).getByText('Headers, query, secret headers, timeout, id').closest('details')!;
        expect(moreOptions).not.toHaveAttribute('open');
        const id = within(second).getByLabelText('Endpoint id');
        await user.clear(id);
        await user.type(id, 'ep1');
        await user.click(within(second).getByRole('button', {name: 'Add Headers'}));
        await user.type(within(second).getByLabelText('Headers Name 1'), 'bad name');
        moreOptions.open = false;

        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        expect(calls.some((c) => c.method === 'POST')).toBe(false);
        const summary = screen.getByTestId('tripwire-error-summary');
        expect(summary).toHaveFocus();
        expect(summary).toHaveTextContent('Endpoint 2 · Endpoint id: Two endpoints have this id; give each its own.');
        expect(summary).toHaveTextContent('Not a header name Tripwire can send');
        expect(summary).not.toHaveTextContent('endpoint ids must be distinct');

        await user.click(within(summary).getByRole('button', {name: /Endpoint 2 · Endpoint id/}));
        expect(moreOptions).toHaveAttribute('open');
        expect(id).toHaveFocus();
        expect(id).toHaveAccessibleDescription('Two endpoints have this id; give each its own.');
        expect(within(second).getByText(/Not a header name Tripwire can send/)).toBeInTheDocument();
    }, 20_000);

    it('says a header value is too long at its row, and a DM rule the admin turned off at "Listens in"', async () => {
        const {user} = await editor(null);
        await user.selectOptions(screen.getByLabelText('Listens in'), 'direct');
        await user.tab();
        expect(screen.getByLabelText('Listens in')).toHaveAccessibleDescription(/Your system admin has turned off rules in direct and group messages/);
        await user.selectOptions(screen.getByLabelText('Listens in'), 'channels');

        const group = screen.getByRole('group', {name: 'Endpoint 1'});
        await user.click(within(group).getByRole('button', {name: 'Add Headers'}));
        await user.type(within(group).getByLabelText('Headers Name 1'), 'X-Long');
        await user.click(within(group).getByLabelText('Headers Value 1'));
        await user.paste('v'.repeat(4100));
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        expect(within(group).getByText('At most 4096 characters.')).toBeInTheDocument();
    });

    it('sets a template aside when the payload changes, and flags a stored leftover with a way to remove it', async () => {
        const leftover = ruleView({endpoints: [endpointSchema.parse({id: 'ep1', url: 'https://ci.example.com/hook', body_template: '{"a": 1}'})]});
        const {user} = await editor(leftover);
        const payload = screen.getByLabelText('Payload');
        expect(payload).toHaveAccessibleDescription(/A template is left over from the Template payload/);
        await user.click(screen.getByRole('button', {name: 'Remove the leftover template'}));
        expect(payload).toHaveAttribute('aria-invalid', 'false');

        await user.selectOptions(payload, 'template');
        await user.click(screen.getByLabelText('Body template'));
        await user.paste('{"text": {{post.message | json}}}');
        await user.selectOptions(payload, 'compat');
        expect(screen.queryByLabelText('Body template')).not.toBeInTheDocument();
        expect(payload).toHaveAttribute('aria-invalid', 'false');
        await user.selectOptions(payload, 'template');
        expect(screen.getByLabelText('Body template')).toHaveValue('{"text": {{post.message | json}}}');
    });

    it('edits a body template with variables to insert and a live preview, accepting its own example', async () => {
        const {user} = await editor(ruleView());
        await user.selectOptions(screen.getByLabelText('Payload'), 'template');
        const body = screen.getByLabelText('Body template');
        expect(body).toHaveAttribute('placeholder', '{"text": {{post.message | json}}}');
        await user.click(body);
        await user.paste('{"text": ');
        await user.click(screen.getByRole('button', {name: 'Insert post.message'}));
        await user.click(body);
        await user.keyboard('{End}}');
        expect(body).toHaveValue('{"text": {{post.message | json}}}');
        expect(body).toHaveAttribute('aria-invalid', 'false');
        const preview = screen.getByTestId('tripwire-template-preview');
        expect(preview).toHaveTextContent('{"text": "deploy api to production"}');
        await user.clear(screen.getByLabelText('Sample message'));
        await user.type(screen.getByLabelText('Sample message'), 'say "hi"');
        expect(preview).toHaveTextContent('{"text": "say \\"hi\\""}');
    });

    it('chooses channels by name, and where replies go, and saves them', async () => {
        const rule = ruleView();
        const {user, calls} = await editor(rule, {[`PUT ${API}/rules/${rule.id}`]: saved()});
        const chosen = screen.getByRole('list', {name: 'Chosen channels'});
        expect(within(chosen).getByText('Town Square')).toBeInTheDocument();
        await user.selectOptions(screen.getByLabelText('Add a channel…'), OTHER_CHANNEL_ID);
        expect(within(chosen).getByText('Deployments')).toBeInTheDocument();
        await user.click(screen.getByRole('radio', {name: 'In the thread'}));
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');
        expect(lastBody(calls, 'PUT').rule).toMatchObject({scope: {kind: 'channels', channelIds: [CHANNEL_ID, OTHER_CHANNEL_ID]}, response: {reply_to: 'thread'}});
        await user.click(screen.getByRole('button', {name: 'Remove Deployments'}));
        expect(within(chosen).queryByText('Deployments')).not.toBeInTheDocument();
    });

    it('takes a reply text made from the service’s answer, refusing the secrets, and saves it', async () => {
        const rule = ruleView();
        const {user, calls} = await editor(rule, {[`PUT ${API}/rules/${rule.id}`]: saved()});
        const field = screen.getByLabelText('Reply text from the service’s answer');
        // user-event reads `{` as a key descriptor: `{{` types one brace.
        await user.type(field, 'key {{{{secrets.token}}');
        await user.tab();
        expect(field).toHaveAccessibleDescription(expect.stringContaining('unknown variable "secrets.token"'));
        await user.clear(field);
        await user.type(field, 'Pipeline #{{{{reply.json.id}}: {{{{reply.json.web_url}}');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');
        expect(lastBody(calls, 'PUT').rule).toMatchObject({response: {reply_template: 'Pipeline #{{reply.json.id}}: {{reply.json.web_url}}'}});
    });

    it('chooses reaction events with an emoji filter, which switches the trigger to every message, and saves them', async () => {
        const rule = ruleView();
        const {user, calls} = await editor(rule, {[`PUT ${API}/rules/${rule.id}`]: saved()});
        expect(screen.queryByLabelText('Only these emoji')).toBeNull();
        await user.click(screen.getByRole('checkbox', {name: 'New messages'}));
        await user.click(screen.getByRole('checkbox', {name: 'Reactions added'}));
        await user.click(screen.getByRole('checkbox', {name: 'Someone joins the channel'}));
        expect(screen.getByLabelText('Trigger when')).toHaveValue('any');
        await user.type(screen.getByLabelText('Only these emoji'), ':ticket: +1');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');
        expect(lastBody(calls, 'PUT').rule).toMatchObject({events: ['reaction_added', 'user_joined'], emoji: ['ticket', '+1'], trigger: {mode: 'any'}});
        // Without a reaction event the filter goes (the server refuses one alone).
        await user.click(screen.getByRole('checkbox', {name: 'Reactions added'}));
        expect(screen.queryByLabelText('Only these emoji')).toBeNull();
    });

    it('types every duration in seconds and stores milliseconds where the model does', async () => {
        const rule = ruleView();
        const {user, calls} = await editor(rule, {[`PUT ${API}/rules/${rule.id}`]: saved()});
        const timeout = screen.getByLabelText('Timeout (s)');
        expect(timeout).toHaveValue('15');
        expect(screen.getByLabelText('First retry after up to (s)')).toHaveValue('5');
        await user.clear(timeout);
        await user.type(timeout, '0.2');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        expect(timeout).toHaveAccessibleDescription('At least 0.5 seconds.');
        await user.clear(timeout);
        // Emptied, the field stays empty (no default sneaks back in while typing) and says what it needs.
        expect(timeout).toHaveValue('');
        expect(timeout).toHaveAccessibleDescription('Enter a number.');
        await user.type(timeout, '2.5');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');
        expect(lastBody(calls, 'PUT').rule).toMatchObject({endpoints: [{timeout_ms: 2500}], delivery: {backoff_base_ms: 5000}});
    });

    it('adds conditions that do not stop the rule firing, and says why "author is a bot" would', async () => {
        const rule = ruleView();
        const {user, calls} = await editor(rule, {[`PUT ${API}/rules/${rule.id}`]: saved()});
        await user.click(screen.getByText('Conditions and sources'));
        await user.click(screen.getByRole('button', {name: '+ Add condition'}));
        const type = screen.getByLabelText('Condition');
        expect(type).toHaveValue('length');
        await user.selectOptions(type, 'bot');
        await user.tab();
        expect(type).toHaveAccessibleDescription(/Posts from bots are ignored/);
        await user.click(screen.getByLabelText('Also take posts from bots'));
        expect(type).toHaveAttribute('aria-invalid', 'false');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');
        expect(lastBody(calls, 'PUT').rule).toMatchObject({conditions: [{type: 'bot'}], sources: {bots: true}});
    });
});

// user-event puts a clipboard stub in place of the browser's: what Copy wrote is read back from it.
describe('secrets in the editor', () => {
    it('takes a compat token (typed or generated, with Copy) and sends it write-only with the save', async () => {
        const rule = ruleView();
        const {user, calls} = await editor(rule, {[`PUT ${API}/rules/${rule.id}`]: saved({has_token: true})});
        const token = screen.getByLabelText('Token');
        expect(token).toHaveAccessibleDescription(/No token: requests carry "token": ""/);
        await user.click(screen.getByRole('button', {name: 'Generate'}));
        const generated = (token as HTMLInputElement).value;
        expect(generated).toMatch(/^[a-z0-9]{20}$/);
        await user.click(screen.getByRole('button', {name: 'Copy Token'}));
        expect(await navigator.clipboard.readText()).toBe(generated);
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');
        expect(lastBody(calls, 'PUT')).toMatchObject({secrets: {token: generated}});
        expect(screen.getByLabelText('Token')).toHaveValue('');
        expect(screen.getByLabelText('Token')).toHaveAccessibleDescription(/A token is saved/);
    });

    it('sets the token of a new rule right after creating it', async () => {
        const {user, calls} = await editor(null, {
            [`POST ${API}/rules`]: saved(),
            [`PUT ${API}/rules/rule0000000000000000000042/token`]: {status: 204},
        });
        await user.type(screen.getByLabelText('Name'), 'Deploys');
        await user.type(screen.getByLabelText('Trigger words'), 'deploy');
        await user.type(screen.getByLabelText('Callback URL'), 'https://ci.example.com/a');
        await user.type(screen.getByLabelText('Token'), 'svc-token-1');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await screen.findByText('Saved.');
        expect(lastBody(calls, 'PUT')).toEqual({token: 'svc-token-1'});
        expect(JSON.stringify(lastBody(calls, 'POST'))).not.toContain('svc-token-1');
    });

    it('shows a new signing secret once, with Copy', async () => {
        const rule = ruleView();
        const {user} = await editor(rule, {[`PUT ${API}/rules/${rule.id}/endpoints/ep1/secret`]: {body: {secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0'}}});
        await user.click(screen.getByRole('button', {name: 'Generate secret'}));
        expect(await screen.findByText('Copy it now; it is not shown again: whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0')).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Copy Signing secret'}));
        expect(await navigator.clipboard.readText()).toBe('whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0');
        expect(await screen.findByRole('button', {name: 'Copy Signing secret'})).toHaveTextContent('Copied');
        // A secret stored by the server is no unsaved change: leaving asks nothing.
        await user.click(screen.getByRole('button', {name: /Back to rules/}));
        expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
        expect(screen.getByRole('button', {name: 'Add rule'})).toBeInTheDocument();
    });
});

describe('saving and testing against the server', () => {
    it('says at the URL, in a plain sentence, why the rule was saved turned off', async () => {
        const rule = ruleView();
        const sentence = 'Tripwire may not call 169.254.169.254: it is a link-local address. The rule was saved turned off. Ask your system admin to add it to AllowedUntrustedInternalConnections or AllowedHosts.';
        const {user} = await editor(rule, {
            [`PUT ${API}/rules/${rule.id}`]: saved({enabled: false, warnings: [{field: 'endpoints.0.url', code: 'destination_blocked', message: sentence}]}),
        });
        const url = screen.getByLabelText('Callback URL');
        await user.clear(url);
        await user.type(url, 'http://169.254.169.254/latest');
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        expect(await screen.findByText(/Saved, but turned off/)).toBeInTheDocument();
        expect(screen.getByLabelText('Callback URL')).toHaveAccessibleDescription(new RegExp(`^${sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        await user.click(screen.getByRole('button', {name: 'Show me'}));
        expect(screen.getByLabelText('Callback URL')).toHaveFocus();
    });

    it('sends a test of the draft on screen, and of the saved rule when nothing changed', async () => {
        const rule = ruleView();
        const result = {endpoint_id: 'ep1', latency_ms: 12, response: {status: 200, headers: {}, body: '{}', truncated: false}};
        const {user, calls} = await editor(rule, {[`POST ${API}/rules/${rule.id}/test-delivery`]: {body: result}});
        const message = within(screen.getByRole('region', {name: 'Send a test'})).getByLabelText('Message');
        await user.type(message, 'ship it');
        await user.click(screen.getByRole('button', {name: 'Send test'}));
        await screen.findByTestId('tripwire-test-result');
        expect(lastBody(calls, 'POST')).toEqual({message: 'ship it', is_reply: false, channel_id: CHANNEL_ID});

        const words = screen.getByLabelText('Trigger words');
        await user.clear(words);
        await user.type(words, 'ship');
        expect(screen.getByText('Tests the rule as it is on screen, unsaved changes included.')).toBeInTheDocument();
        await user.click(screen.getByRole('button', {name: 'Send test'}));
        await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2));
        expect(lastBody(calls, 'POST')).toMatchObject({message: 'ship it', rule: {trigger: {mode: 'exact', words: ['ship']}}});

        await user.clear(screen.getByLabelText('Callback URL'));
        expect(screen.getByRole('button', {name: 'Send test'})).toBeDisabled();
        expect(screen.getByText('Fix the problems above to test your unsaved changes.')).toBeInTheDocument();
        await act(async () => undefined);
    });

    it('sends a test of a new rule before its first save, and saves nothing', async () => {
        const result = {endpoint_id: 'ep1', latency_ms: 12, response: {status: 200, headers: {}, body: '{}', truncated: false}};
        const {user, calls} = await editor(null, {[`POST ${API}/channels/${CHANNEL_ID}/test-delivery`]: {body: result}});
        expect(screen.getByRole('button', {name: 'Send test'})).toBeDisabled();
        expect(screen.getByText('Complete the rule above to send a test.')).toBeInTheDocument();
        await user.type(screen.getByLabelText('Name'), 'Deploys');
        await user.type(screen.getByLabelText('Trigger words'), 'deploy');
        await user.type(screen.getByLabelText('Callback URL'), 'https://ci.example.com/a');
        await user.type(within(screen.getByRole('region', {name: 'Send a test'})).getByLabelText('Message'), 'deploy api');
        await user.click(screen.getByRole('button', {name: 'Send test'}));
        await screen.findByTestId('tripwire-test-result');
        const posts = calls.filter((c) => c.method === 'POST');
        expect(posts.map((c) => c.path)).toEqual([`${API}/channels/${CHANNEL_ID}/test-delivery`]);
        expect(posts[0]!.body).toMatchObject({message: 'deploy api', rule: {name: 'Deploys', trigger: {mode: 'exact', words: ['deploy']}, endpoints: [{url: 'https://ci.example.com/a'}]}});
        await act(async () => undefined);
    });
});
