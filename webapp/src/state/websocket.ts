import {type Dispatch, type UnknownAction} from 'redux';

import {deliveryStatusEventSchema, rulesChangedEventSchema} from '../client/events';
import {type TripwireClient} from '../client/tripwire_client';
import {type WebSocketMessage} from '../host/registry';

import {deliveryStatusReceived, fetchChannelRules} from './actions';
import {getOpenChannelId} from './selectors';

type Store = {dispatch: Dispatch<UnknownAction>; getState(): unknown};

/** custom_tripwire_delivery_status → the live delivery cards; malformed events are ignored. */
export function deliveryStatusHandler(store: Store) {
    return (msg: WebSocketMessage) => {
        const parsed = deliveryStatusEventSchema.safeParse(msg.data);
        if (parsed.success) store.dispatch(deliveryStatusReceived(parsed.data) as UnknownAction);
    };
}

/** Reloads the open panel's rules when a change touches its channel (or says nothing about channels). */
export function rulesChangedHandler(store: Store, client: TripwireClient) {
    return (msg: WebSocketMessage) => {
        const open = getOpenChannelId(store.getState());
        if (!open) return;
        const parsed = rulesChangedEventSchema.safeParse(msg.data ?? {});
        const ids = parsed.success ? parsed.data.channel_ids : [];
        if (ids.length === 0 || ids.includes(open)) void store.dispatch(fetchChannelRules(client, open) as unknown as UnknownAction);
    };
}

/** After a websocket reconnect, events may have been missed: reload what is on screen. */
export function reconnectHandler(store: Store, client: TripwireClient) {
    return () => {
        const open = getOpenChannelId(store.getState());
        if (open) void store.dispatch(fetchChannelRules(client, open) as unknown as UnknownAction);
    };
}
