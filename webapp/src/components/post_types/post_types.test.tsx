import {act, screen, waitFor, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {deliveryStatusHandler} from '../../state/websocket';
import {ruleView} from '../../../test/factories';
import {API, fakeServer, makeStore, renderWithProviders} from '../../../test/render';

import {DeliveryCard, TriggerDeliveries} from './delivery_card';
import {ReplyPost} from './reply_post';

const rule = ruleView({name: 'Deploy bot'});
const DELIVERY = 'd000000000000000000000000a';
const cardPost = {
    id: 'post1',
    channel_id: 'c',
    user_id: 'bot',
    type: 'custom_tripwire_delivery',
    message: '',
    create_at: 1,
    props: {tripwire_delivery_id: DELIVERY, tripwire_rule_id: rule.id, tripwire_rule_name: 'Deploy bot', tripwire_status: 'pending', tripwire_attempt: 0, tripwire_max_attempts: 3},
};

describe('DeliveryCard', () => {
    it('moves from pending to retrying to failed on websocket events and offers a confirmed replay to rule managers', async () => {
        const user = userEvent.setup();
        const {client, calls} = fakeServer({
            [`GET ${API}/rules/${rule.id}`]: {body: rule},
            [`POST ${API}/rules/${rule.id}/deliveries/${DELIVERY}/replay`]: {body: {replayed: true}},
        });
        const store = makeStore();
        renderWithProviders(<DeliveryCard post={cardPost}/>, {client, store});
        const card = screen.getByTestId('tripwire-delivery-card');
        expect(card).toHaveAttribute('data-status', 'pending');
        expect(card).toHaveTextContent('Sending to Deploy bot…');

        const ws = deliveryStatusHandler(store);
        const base = {delivery_id: DELIVERY, rule_id: rule.id, endpoint_id: 'ep1', max_attempts: 3};
        act(() => ws({event: 'custom_tripwire_delivery_status', data: {...base, at: 2, attempt: 1, status: 'retrying', http_status: 503}}));
        expect(card).toHaveAttribute('data-status', 'retrying');
        expect(card).toHaveTextContent('Retrying 2 of 3 — Deploy bot');
        expect(card).toHaveTextContent('HTTP 503');
        expect(screen.queryByRole('button', {name: 'Replay'})).not.toBeInTheDocument();

        act(() => ws({event: 'custom_tripwire_delivery_status', data: {...base, at: 3, attempt: 3, status: 'failed', error: 'connection refused'}}));
        expect(card).toHaveTextContent('Delivery to Deploy bot failed');
        await user.click(await screen.findByRole('button', {name: 'Replay'}));
        // Replay asks first; nothing is sent until confirmed.
        expect(calls.some((c) => c.method === 'POST')).toBe(false);
        const confirm = screen.getByRole('alertdialog');
        expect(confirm).toHaveTextContent('Send this delivery to Deploy bot’s service again?');
        await user.click(within(confirm).getByRole('button', {name: 'Replay'}));
        expect(await screen.findByText('Queued again')).toBeInTheDocument();
        expect(calls.map((c) => `${c.method} ${c.path}`)).toContain(`POST ${API}/rules/${rule.id}/deliveries/${DELIVERY}/replay`);
    });

    it('ends as cancelled when the endpoint is removed while the delivery waits, with nothing to retry', async () => {
        const {client} = fakeServer({[`GET ${API}/rules/${rule.id}`]: {body: rule}});
        const store = makeStore();
        renderWithProviders(<DeliveryCard post={cardPost}/>, {client, store});
        const card = screen.getByTestId('tripwire-delivery-card');
        const base = {delivery_id: DELIVERY, rule_id: rule.id, endpoint_id: 'ep1', max_attempts: 3};
        act(() => deliveryStatusHandler(store)({event: 'custom_tripwire_delivery_status', data: {...base, at: 2, attempt: 1, status: 'cancelled', error: 'the endpoint was removed'}}));
        expect(card).toHaveAttribute('data-status', 'cancelled');
        expect(card).toHaveTextContent('Cancelled: Deploy bot lost this endpoint before it was sent');
        await act(async () => undefined);
        expect(screen.queryByRole('button', {name: 'Replay'})).not.toBeInTheDocument();
    });

    it('offers no replay to people who cannot manage the rule', async () => {
        const {client} = fakeServer({[`GET ${API}/rules/${rule.id}`]: {body: {...rule, can_manage: false}}});
        renderWithProviders(<DeliveryCard post={{...cardPost, props: {...cardPost.props, tripwire_status: 'failed', tripwire_attempt: 3}}}/>, {client});
        expect(await screen.findByText('Delivery to Deploy bot failed')).toBeInTheDocument();
        await act(async () => undefined);
        expect(screen.queryByRole('button', {name: 'Replay'})).not.toBeInTheDocument();
    });

    it('ignores malformed websocket events', () => {
        const store = makeStore();
        const before = store.getState();
        deliveryStatusHandler(store)({event: 'custom_tripwire_delivery_status', data: {delivery_id: 1}});
        expect(store.getState()).toBe(before);
    });
});

describe('TriggerDeliveries (under the triggering post)', () => {
    const event = (over: object) => ({event: 'custom_tripwire_delivery_status', data: {delivery_id: DELIVERY, rule_id: rule.id, endpoint_id: 'ep1', post_id: 'trigger1', at: 1, attempt: 1, max_attempts: 5, status: 'retrying', http_status: 502, ...over}});

    it('shows the live status of the deliveries a post triggered to those who manage the rule', async () => {
        const {client} = fakeServer({[`GET ${API}/rules/${rule.id}`]: {body: rule}});
        const store = makeStore();
        renderWithProviders(
            <>
                <TriggerDeliveries postId='trigger1'/>
                <TriggerDeliveries postId='other'/>
            </>,
            {client, store},
        );
        expect(screen.queryByTestId('tripwire-delivery-card')).not.toBeInTheDocument();
        act(() => deliveryStatusHandler(store)(event({})));
        const card = await screen.findByTestId('tripwire-delivery-card');
        expect(card).toHaveTextContent('Retrying 2 of 5 — Deploy bot');
        act(() => deliveryStatusHandler(store)(event({attempt: 2, at: 2, status: 'succeeded', http_status: 200})));
        expect(screen.getByTestId('tripwire-delivery-card')).toHaveTextContent('Delivered to Deploy bot');
        expect(screen.getAllByTestId('tripwire-delivery-card')).toHaveLength(1);
    });

    it('renders the status events the server sends: state, attempt and time only, no error details', async () => {
        const {client} = fakeServer({[`GET ${API}/rules/${rule.id}`]: {body: rule}});
        const store = makeStore();
        renderWithProviders(<TriggerDeliveries postId='trigger1'/>, {client, store});
        // Exactly the keys of server/src/dispatch/status_event.ts.
        const live = {delivery_id: DELIVERY, rule_id: rule.id, post_id: 'trigger1', status: 'retrying', attempt: 1, max_attempts: 4, at: 1, next_attempt_at: Date.now() + 30_000};
        act(() => deliveryStatusHandler(store)({event: 'custom_tripwire_delivery_status', data: live}));
        const card = await screen.findByTestId('tripwire-delivery-card');
        expect(card).toHaveTextContent('Retrying 2 of 4 — Deploy bot');
        expect(card).toHaveTextContent('Attempt 1 of 4');
        const {next_attempt_at: _next, ...failed} = {...live, status: 'failed', attempt: 4, at: 2};
        act(() => deliveryStatusHandler(store)({event: 'custom_tripwire_delivery_status', data: failed}));
        expect(screen.getByTestId('tripwire-delivery-card')).toHaveTextContent('Delivery to Deploy bot failed');
        expect(screen.getByTestId('tripwire-delivery-card')).not.toHaveTextContent('undefined');
    });

    it('stays hidden from people who cannot read the rule', async () => {
        const {client, calls} = fakeServer({[`GET ${API}/rules/${rule.id}`]: {status: 404, body: {error: {code: 'not_found', message: 'rule not found'}}}});
        const store = makeStore();
        renderWithProviders(<TriggerDeliveries postId='trigger1'/>, {client, store});
        act(() => deliveryStatusHandler(store)(event({})));
        await waitFor(() => expect(calls).toHaveLength(1));
        expect(screen.queryByTestId('tripwire-delivery-card')).not.toBeInTheDocument();
    });
});

describe('ReplyPost', () => {
    it('renders interactive attachments whose buttons and menus call the post action route', async () => {
        const user = userEvent.setup();
        const {client, calls} = fakeServer({
            'POST /api/v4/posts/post9/actions/approve': {body: {status: 'OK'}},
            'POST /api/v4/posts/post9/actions/env': {body: {status: 'OK'}},
        });
        const post = {
            id: 'post9',
            channel_id: 'c',
            user_id: 'bot',
            type: 'custom_tripwire_reply',
            message: 'Deploy api?',
            create_at: 1,
            props: {
                tripwire_delayed: true,
                attachments: [
                    {
                        title: 'Deploy request',
                        text: 'from @alice',
                        actions: [
                            {id: 'approve', name: 'Approve', type: 'button', style: 'primary'},
                            {id: 'env', name: 'Environment', type: 'select', options: [{text: 'Staging', value: 'staging'}, {text: 'Production', value: 'prod'}]},
                        ],
                    },
                    'not an attachment',
                ],
            },
        };
        renderWithProviders(<ReplyPost post={post}/>, {client});
        expect(screen.getByText('Deploy api?')).toBeInTheDocument();
        expect(screen.getByText('Delayed')).toBeInTheDocument();
        expect(screen.getAllByTestId('tripwire-attachment')).toHaveLength(1);
        await user.click(screen.getByRole('button', {name: 'Approve'}));
        await user.selectOptions(screen.getByRole('combobox', {name: 'Environment'}), 'prod');
        expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/v4/posts/post9/actions/approve', 'POST /api/v4/posts/post9/actions/env']);
        expect(calls[1]!.body).toMatchObject({selected_option: 'prod'});
    });
});
