import {screen, waitFor, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {emptyStats, ruleView} from '../../../test/factories';
import {API, fakeServer, renderWithProviders} from '../../../test/render';

import {DeliveryLog, groupDeliveries} from './delivery_log';
import {groupRows} from './matcher_tester';

const rule = ruleView({name: 'Deploy bot'});
const entry = (over: object) => ({delivery_id: 'd000000000000000000000000a', webhook_id: 'w', rule_id: rule.id, endpoint_id: 'ep1', event_type: 'posted', post_id: 'p', at: 1_700_000_000_000, attempt: 1, status: 'succeeded', ...over});

const other = ruleView({name: 'Ticket linker'});
const trigger = {message: 'deploy api to production', user_id: 'u1', username: 'alice'};

// Many keystrokes through user-event per test: generous under a loaded machine.
jest.setTimeout(30_000);

describe('DeliveryLog', () => {
    it('shows one row per delivery (message, author, endpoint, attempts folded inside), filters and replays after confirming', async () => {
        const user = userEvent.setup();
        const {client, calls} = fakeServer({
            [`GET ${API}/rules/${rule.id}/deliveries`]: {
                body: {
                    entries: [
                        // Newest first as the server sends them: a delivery that failed twice, then succeeded; one that failed for good.
                        entry({delivery_id: 'd000000000000000000000000b', attempt: 3, at: 1_700_000_300_000, status: 'succeeded', http_status: 200, latency_ms: 41.2, trigger, request: {method: 'POST', url: 'https://ci.example.com/hook', headers: {'webhook-signature': '[redacted]'}, body: '{"text":"deploy"}', truncated: false}}),
                        entry({delivery_id: 'd000000000000000000000000b', attempt: 2, at: 1_700_000_200_000, status: 'retrying', http_status: 503, error: 'HTTP 503', trigger}),
                        entry({delivery_id: 'd000000000000000000000000b', attempt: 1, at: 1_700_000_100_000, status: 'retrying', http_status: 503, error: 'HTTP 503', trigger}),
                        entry({attempt: 5, at: 1_700_000_000_000, status: 'failed', http_status: 503, error_class: 'http_status', error: 'HTTP 503', trigger: {...trigger, message: 'deploy web', username: 'bob'}}),
                    ],
                    page: 0, per_page: 100, total: 4, has_more: false,
                    stats: {...emptyStats, deliveries: 2, succeeded: 1, failed: 1, success_rate: 0.5, p50_latency_ms: 41.2, p95_latency_ms: 88.9},
                },
            },
            [`POST ${API}/rules/${rule.id}/deliveries/d000000000000000000000000a/replay`]: {body: {replayed: true}},
        });
        renderWithProviders(
            <DeliveryLog
                rules={[rule]}
                initialRuleId={rule.id}
            />,
            {client},
        );
        expect(await screen.findByText('2 deliveries · 1 succeeded · 1 failed · p50 41 ms · p95 89 ms')).toBeInTheDocument();
        const rows = screen.getAllByTestId('tripwire-delivery-row');
        expect(rows).toHaveLength(2);
        // The delivery that succeeded on its third attempt reads Delivered, not Retrying.
        expect(within(rows[0]!).getByText('Delivered')).toBeInTheDocument();
        expect(within(rows[0]!).queryByText('Retrying')).not.toBeInTheDocument();
        expect(rows[0]).toHaveTextContent('deploy api to production');
        expect(rows[0]).toHaveTextContent('@alice');
        expect(rows[0]).toHaveTextContent('ep1');
        expect(within(rows[1]!).getByText('Failed')).toBeInTheDocument();
        expect(rows[1]).toHaveTextContent('@bob');

        await user.click(within(rows[0]!).getByRole('button', {name: 'Details'}));
        const attempts = screen.getByRole('list', {name: 'Attempts'});
        expect(within(attempts).getAllByRole('listitem')).toHaveLength(3);
        expect(screen.getByLabelText('Request')).toHaveTextContent('webhook-signature: [redacted]');

        await user.click(within(rows[1]!).getByRole('button', {name: 'Replay'}));
        expect(calls.some((c) => c.method === 'POST')).toBe(false);
        const confirm = screen.getByRole('alertdialog');
        expect(confirm).toHaveTextContent('Send this delivery to ep1 again?');
        await user.keyboard('{Escape}');
        expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
        await user.click(within(rows[1]!).getByRole('button', {name: 'Replay'}));
        await user.click(within(screen.getByRole('alertdialog')).getByRole('button', {name: 'Replay'}));
        expect(await screen.findByText('Queued again')).toBeInTheDocument();

        await user.selectOptions(screen.getByLabelText('Status'), 'failed');
        expect(screen.getAllByTestId('tripwire-delivery-row')).toHaveLength(1);
    });

    it('shows every rule of the channel together, with test deliveries marked and not replayable', async () => {
        const page = (entries: object[]) => ({body: {entries, page: 0, per_page: 100, total: entries.length, has_more: false, stats: emptyStats}});
        const {client} = fakeServer({
            [`GET ${API}/rules/${rule.id}/deliveries`]: page([entry({at: 2, trigger})]),
            [`GET ${API}/rules/${other.id}/deliveries`]: page([entry({delivery_id: 'd000000000000000000000000t', rule_id: other.id, at: 5, test: true, trigger: {...trigger, message: 'PROJ-12 is done'}})]),
        });
        renderWithProviders(
            <DeliveryLog
                rules={[rule, other]}
                initialRuleId={null}
            />,
            {client},
        );
        expect(screen.getByLabelText('Rule')).toHaveDisplayValue('All rules of this channel');
        await waitFor(() => expect(screen.getAllByTestId('tripwire-delivery-row')).toHaveLength(2));
        const [newest, older] = screen.getAllByTestId('tripwire-delivery-row');
        expect(newest).toHaveTextContent('Ticket linker');
        expect(within(newest!).getByText('Test')).toBeInTheDocument();
        expect(within(newest!).queryByRole('button', {name: 'Replay'})).not.toBeInTheDocument();
        expect(older).toHaveTextContent('Deploy bot');
        expect(within(older!).getByRole('button', {name: 'Replay'})).toBeInTheDocument();
    });
});

describe('groupDeliveries', () => {
    it('folds attempts into deliveries, keeps late replies apart, and says delivered when one endpoint of the last round answered', () => {
        const rows = groupDeliveries([
            entry({attempt: 1, at: 1, status: 'retrying', endpoint_id: 'a'}),
            entry({attempt: 2, at: 2, status: 'retrying', endpoint_id: 'a'}),
            entry({attempt: 2, at: 3, status: 'succeeded', endpoint_id: 'b'}),
            entry({attempt: 2, at: 9, status: 'succeeded', async_reply: true, endpoint_id: 'a,b'}),
        ] as never);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({status: 'succeeded', endpoints: 'a, b', at: 1});
        expect(rows[0]!.attempts).toHaveLength(3);
        expect(rows[0]!.lateReplies).toHaveLength(1);
    });
});

describe('DeliveryLog, cancelled deliveries', () => {
    it('shows a cancelled delivery with its reason, filterable by status, and offers no replay', async () => {
        const user = userEvent.setup();
        const cancelled = entry({status: 'cancelled', attempt: 2, error: 'the endpoint was removed from the rule before the delivery was sent'});
        const {client} = fakeServer({
            [`GET ${API}/rules/${rule.id}/deliveries`]: {
                body: {entries: [cancelled], page: 0, per_page: 20, total: 1, has_more: false, stats: emptyStats},
            },
        });
        renderWithProviders(
            <DeliveryLog
                rules={[rule]}
                initialRuleId={rule.id}
            />,
            {client},
        );
        const row = (await screen.findAllByTestId('tripwire-delivery-row'))[0]!;
        expect(within(row).getByText('Cancelled')).toBeInTheDocument();
        expect(within(row).queryByRole('button', {name: 'Replay'})).not.toBeInTheDocument();
        await user.click(within(row).getByRole('button', {name: 'Details'}));
        expect(screen.getByRole('list', {name: 'Attempts'})).toHaveTextContent('the endpoint was removed from the rule before the delivery was sent');

        // The status filter applies to whole deliveries (their attempts folded), so it filters what was loaded.
        await user.selectOptions(screen.getByLabelText('Status'), 'cancelled');
        expect(screen.getAllByTestId('tripwire-delivery-row')).toHaveLength(1);
        await user.selectOptions(screen.getByLabelText('Status'), 'succeeded');
        expect(screen.queryAllByTestId('tripwire-delivery-row')).toHaveLength(0);
    });
});

describe('groupRows', () => {
    it('puts named groups before numbered ones, numbers in order', () => {
        expect(groupRows({'2': 'b', ticket: 'T-1', '1': 'a', env: 'prod'}).map(([k]) => k)).toEqual(['env', 'ticket', '1', '2']);
    });
});
