import {screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {emptyStats, ruleView} from '../../../test/factories';
import {API, fakeServer, renderWithProviders} from '../../../test/render';

import {DeliveryLog} from './delivery_log';
import {groupRows} from './matcher_tester';

const rule = ruleView({name: 'Deploy bot'});
const entry = (over: object) => ({delivery_id: 'd000000000000000000000000a', webhook_id: 'w', rule_id: rule.id, endpoint_id: 'ep1', event_type: 'posted', post_id: 'p', at: 1_700_000_000_000, attempt: 1, status: 'succeeded', ...over});

describe('DeliveryLog', () => {
    it('lists attempts with their outcome, shows request and response, filters by status and replays', async () => {
        const user = userEvent.setup();
        const {client, calls} = fakeServer({
            [`GET ${API}/rules/${rule.id}/deliveries`]: (call) => ({
                body: {
                    entries: call.query.get('status') === 'failed'
                        ? [entry({attempt: 5, status: 'failed', http_status: 503, error_class: 'http_status', error: 'HTTP 503'})]
                        : [
                            entry({attempt: 5, status: 'failed', http_status: 503, error_class: 'http_status', error: 'HTTP 503'}),
                            entry({delivery_id: 'd000000000000000000000000b', status: 'succeeded', http_status: 200, latency_ms: 41.2, request: {method: 'POST', url: 'https://ci.example.com/hook', headers: {'webhook-signature': '[redacted]'}, body: '{"text":"deploy"}', truncated: false}}),
                        ],
                    page: 0, per_page: 20, total: 2, has_more: false,
                    stats: {...emptyStats, deliveries: 2, succeeded: 1, failed: 1, success_rate: 0.5, p50_latency_ms: 41.2, p95_latency_ms: 88.9},
                },
            }),
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
        const rows = screen.getAllByRole('row').slice(1);
        expect(within(rows[0]!).getByText('failed')).toBeInTheDocument();
        expect(within(rows[0]!).queryByText('http_status')).not.toBeInTheDocument();
        expect(within(rows[1]!).getByText('41 ms')).toBeInTheDocument();

        await user.click(within(rows[1]!).getByRole('button', {name: 'Details'}));
        expect(screen.getByLabelText('Request')).toHaveTextContent('webhook-signature: [redacted]');

        await user.click(within(rows[0]!).getByRole('button', {name: 'Replay'}));
        expect(await screen.findByText('Queued again')).toBeInTheDocument();

        await user.selectOptions(screen.getByLabelText('Status'), 'failed');
        await screen.findByText('2 deliveries · 1 succeeded · 1 failed · p50 41 ms · p95 89 ms');
        expect(calls.filter((c) => c.method === 'GET').at(-1)!.query.get('status')).toBe('failed');
    });
});

describe('DeliveryLog, cancelled deliveries', () => {
    it('shows a cancelled delivery with its reason, filterable by status, and offers no replay', async () => {
        const user = userEvent.setup();
        const cancelled = entry({status: 'cancelled', attempt: 2, error: 'the endpoint was removed from the rule before the delivery was sent'});
        const {client, calls} = fakeServer({
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
        const row = (await screen.findAllByRole('row'))[1]!;
        expect(await within(row).findByText('cancelled')).toBeInTheDocument();
        expect(within(row).getByText('the endpoint was removed from the rule before the delivery was sent')).toBeInTheDocument();
        expect(within(row).queryByRole('button', {name: 'Replay'})).not.toBeInTheDocument();

        await user.selectOptions(screen.getByLabelText('Status'), 'cancelled');
        await screen.findAllByRole('row');
        expect(calls.filter((c) => c.method === 'GET').at(-1)!.query.get('status')).toBe('cancelled');
    });
});

describe('groupRows', () => {
    it('puts named groups before numbered ones, numbers in order', () => {
        expect(groupRows({'2': 'b', ticket: 'T-1', '1': 'a', env: 'prod'}).map(([k]) => k)).toEqual(['env', 'ticket', '1', '2']);
    });
});
