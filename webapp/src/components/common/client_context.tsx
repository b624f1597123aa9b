import {createContext, useContext} from 'react';

import {type TripwireClient} from '../../client/tripwire_client';

/** The one TripwireClient, given to every registered component by plugin.tsx (and by tests, with a fake fetch). */
export const ClientContext = createContext<TripwireClient | null>(null);

export function useClient(): TripwireClient {
    const client = useContext(ClientContext);
    if (!client) throw new Error('Tripwire component rendered without a ClientContext provider');
    return client;
}
