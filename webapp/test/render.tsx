import '@testing-library/jest-dom';
import {render, type RenderResult} from '@testing-library/react';
import {type ReactElement} from 'react';
import {IntlProvider} from 'react-intl';
import {Provider} from 'react-redux';
import {applyMiddleware, combineReducers, legacy_createStore as createStore, type Middleware, type Store} from 'redux';

import {ClientCore, type FetchLike} from '../src/client/client_core';
import {TripwireClient} from '../src/client/tripwire_client';
import {ClientContext} from '../src/components/common/client_context';
import {reducer} from '../src/state/reducer';
import {pluginStateKey} from '../src/state/selectors';
import en from '../i18n/en.json';

/** What a fake route answers. */
export interface FakeAnswer {
    status?: number;
    body?: unknown;
}
export interface RecordedCall {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: Record<string, string>;
    body: unknown;
}
type Handler = FakeAnswer | ((call: RecordedCall) => FakeAnswer | Promise<FakeAnswer>);

export const SITE = 'http://chat.test';
export const API = '/plugins/tripwire/api/v1';

/**
 * A fake server at the fetch boundary: `'POST /plugins/tripwire/api/v1/rules'` → answer. Everything above fetch (the
 * real ClientCore, TripwireClient, zod parsing, @mattermost/client's options) runs as in production.
 */
export function fakeServer(routes: Record<string, Handler>) {
    const calls: RecordedCall[] = [];
    const fetch: FetchLike = async (url, init) => {
        const u = new URL(url);
        const call: RecordedCall = {
            method: init.method ?? 'GET',
            path: u.pathname,
            query: u.searchParams,
            headers: (init.headers ?? {}) as Record<string, string>,
            body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
        };
        calls.push(call);
        const handler = routes[`${call.method} ${call.path}`];
        const answer = handler === undefined ? {status: 404, body: {error: {code: 'not_found', message: `no fake for ${call.method} ${call.path}`}}} : typeof handler === 'function' ? await handler(call) : handler;
        const status = answer.status ?? 200;
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
        return {ok: status >= 200 && status < 300, status, text: async () => text} as Response;
    };
    const client = new TripwireClient(new ClientCore({siteUrl: () => SITE, fetch}));
    return {client, calls, fetch};
}

const thunk: Middleware = (api) => (next) => (action) => (typeof action === 'function' ? (action as (d: unknown, g: unknown) => unknown)(api.dispatch, api.getState) : next(action));

export const CHANNEL_ID = 'channel0000000000000000001';
export const TEAM_ID = 'team0000000000000000000001';
export const USER_ID = 'user0000000000000000000001';

/** The host's own state, as far as Tripwire reads it. */
const entities = {
    general: {config: {SiteURL: SITE}},
    users: {currentUserId: USER_ID, profiles: {}},
    channels: {currentChannelId: CHANNEL_ID, channels: {[CHANNEL_ID]: {id: CHANNEL_ID, name: 'town-square', display_name: 'Town Square', type: 'O', team_id: TEAM_ID}}},
    teams: {currentTeamId: TEAM_ID},
};

export const OTHER_CHANNEL_ID = 'channel0000000000000000002';

/** A store with the host's state; `moreChannels` adds channels the webapp has loaded (for the channel picker). */
export function makeStore(moreChannels: Array<{id: string; name: string; display_name: string; type: string; team_id: string}> = []): Store {
    const host = {...entities, channels: {...entities.channels, channels: {...entities.channels.channels, ...Object.fromEntries(moreChannels.map((c) => [c.id, c]))}}};
    return createStore(combineReducers({entities: (s = host) => s, [pluginStateKey]: reducer}), applyMiddleware(thunk));
}

export function renderWithProviders(ui: ReactElement, opts: {client: TripwireClient; store?: Store}): RenderResult & {store: Store} {
    const store = opts.store ?? makeStore();
    const result = render(
        <Provider store={store}>
            <IntlProvider
                locale='en'
                messages={en}
            >
                <ClientContext.Provider value={opts.client}>{ui}</ClientContext.Provider>
            </IntlProvider>
        </Provider>,
    );
    return {...result, store};
}
