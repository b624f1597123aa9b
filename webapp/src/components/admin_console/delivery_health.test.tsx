import {screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {fakeServer, renderWithProviders} from '../../../test/render';

import {DeliveryHealthSummary} from './delivery_health';

const PATH = 'GET /plugins/tripwire/api/v1/admin/delivery-health';
const R1 = 'rule00000000000000000000001';

const health = {
    rules: [
        {rule_id: R1, rule_name: 'Pager', failed: 4, dropped: 1, succeeded: 10},
        {rule_id: '_other', rule_name: '', failed: 1, dropped: 0, succeeded: 0},
    ],
    endpoints: [{rule_id: R1, rule_name: 'Pager', endpoint_id: 'primary', failed: 4, retrying: 7, succeeded: 10}],
    queue: {in_flight: 2, scheduled: 5, parked: 3, oldest_age_seconds: 42.4},
    breakers: {closed: 2, open: 1, half_open: 0},
};

describe('DeliveryHealthSummary', () => {
    it('shows the most failing rules and endpoints, the queue and open breakers, and refreshes', async () => {
        const user = userEvent.setup();
        let answer: unknown = health;
        const {client, calls} = fakeServer({[PATH]: () => ({body: answer})});
        renderWithProviders(<DeliveryHealthSummary/>, {client});

        const rules = await screen.findByRole('table', {name: 'Rules with the most failed deliveries'});
        const rows = within(rules).getAllByRole('row').map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
        expect(rows).toEqual([
            ['Rule', 'Failed', 'Dropped', 'Succeeded'],
            ['Pager', '4', '1', '10'],
            ['Other rules (past the metrics label limit)', '1', '0', '0'],
        ]);
        const endpoints = screen.getByRole('table', {name: 'Endpoints with the most failed attempts'});
        expect(within(endpoints).getByRole('row', {name: /primary/}).textContent).toBe('Pagerprimary4710');
        expect(screen.getByTestId('tripwire-health-queue').textContent).toBe(
            'Queue: 2 being sent, 5 scheduled, 3 waiting on a breaker; oldest unfinished delivery 42 s old.',
        );
        expect(screen.getByTestId('tripwire-health-breakers')).toHaveTextContent('Circuit breakers: 1 open, 0 probing, 2 closed.');
        expect(screen.getByTestId('tripwire-health-breakers')).toHaveClass('tw-notice-warning');

        answer = {...health, rules: [], endpoints: [], queue: {in_flight: 0, scheduled: 0, parked: 0, oldest_age_seconds: 0}, breakers: {closed: 3, open: 0, half_open: 0}};
        await user.click(screen.getByRole('button', {name: 'Refresh'}));
        expect(await screen.findByText('No delivery has failed or been dropped.')).toBeInTheDocument();
        expect(screen.getByTestId('tripwire-health-queue')).toHaveTextContent('oldest unfinished delivery none.');
        expect(screen.queryByRole('table')).toBeNull();
        expect(calls).toHaveLength(2);
    });

    it('says why it could not load (a non-admin, say)', async () => {
        const {client} = fakeServer({[PATH]: {status: 403, body: {error: {code: 'forbidden', message: 'only system admins may do this'}}}});
        renderWithProviders(<DeliveryHealthSummary/>, {client});
        expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the delivery health: only system admins may do this');
    });
});
