// The host page's script (built by esbuild into host.js by build_host.mjs): the globals and registry Mattermost's
// webapp provides to plugins (webapp/channels/src/plugins/export.ts and registry.ts), rendering what Tripwire registers.
import * as PropTypes from 'prop-types';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import {createRoot} from 'react-dom/client';
import * as ReactIntl from 'react-intl';
import * as ReactRedux from 'react-redux';
import * as Redux from 'redux';

type AnyComponent = React.ComponentType<Record<string, unknown>>;
interface Registration {
    method: string;
    args: unknown[];
}
interface HostConfig {
    siteUrl: string;
    currentUserId: string;
    channel: {id: string; name: string; display_name: string; type: string; team_id: string};
    posts: Array<Record<string, unknown>>;
}

const w = window as unknown as Record<string, unknown>;
Object.assign(w, {React, ReactDOM, Redux, ReactRedux, ReactIntl, PropTypes});

/**
 * A small stand-in for PostUtils (Mattermost's markdown pipeline): escapes HTML, then bold, italics, inline code and
 * line breaks, so previews read like posts. The real webapp's renderer does much more.
 */
const escape = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
w.PostUtils = {
    formatText: (text: string) =>
        escape(text)
            .replace(/`([^`]+)`/g, '<code>$1</code>')
            .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
            .replace(/(^|\s)_([^_]+)_/g, '$1<em>$2</em>')
            .replace(/\n/g, '<br>'),
    messageHtmlToComponent: (html: string) => React.createElement('span', {dangerouslySetInnerHTML: {__html: html}}),
};

const registrations: Registration[] = [];
const reducers: Record<string, Redux.Reducer> = {};
const wsHandlers = new Map<string, Array<(msg: unknown) => void>>();
let translations: (locale: string) => Record<string, string> = () => ({});
let rerender: () => void = () => undefined;
const pending: Array<{id: string; plugin: {initialize(r: unknown, s: unknown): void}}> = [];

w.registerPlugin = (id: string, plugin: {initialize(r: unknown, s: unknown): void}) => pending.push({id, plugin});

/** Every register* call is recorded (window.__tripwireHost.registrations) and the ones we render are kept. */
function registryFor(pluginId: string) {
    return new Proxy({} as Record<string, unknown>, {
        get: (_t, method: string) => (...args: unknown[]) => {
            registrations.push({method, args});
            if (method === 'registerReducer') reducers[`plugins-${pluginId}`] = args[0] as Redux.Reducer;
            if (method === 'registerTranslations') translations = args[0] as typeof translations;
            if (method === 'registerWebSocketEventHandler') wsHandlers.set(args[0] as string, [...(wsHandlers.get(args[0] as string) ?? []), args[1] as (m: unknown) => void]);
            rerender();
            return `reg-${registrations.length}`;
        },
    });
}

const of = (method: string) => registrations.filter((r) => r.method === method);

function Host({config}: {config: HostConfig}) {
    const [menuOpen, setMenuOpen] = React.useState(false);
    const [, force] = React.useReducer((x: number) => x + 1, 0);
    rerender = force;
    const postTypes = new Map(of('registerPostTypeComponent').map((r) => [r.args[0] as string, r.args[1] as AnyComponent]));
    const e = React.createElement;
    return e(
        'div',
        {className: 'mm-app'},
        e('nav', {className: 'mm-sidebar'}, e('h2', null, 'Tripwire test team'), e('a', {className: 'active', href: '#'}, config.channel.display_name)),
        e(
            'main',
            {className: 'mm-center'},
            e(
                'header',
                {className: 'mm-header', style: {position: 'relative'}},
                e('h1', null, config.channel.display_name),
                ...of('registerChannelHeaderButtonAction').map((r, i) =>
                    e('button', {key: `hb${i}`, type: 'button', 'aria-label': 'channel header plugin button', 'data-testid': 'channel-header-plugin-button', onClick: () => (r.args[1] as (c: unknown) => void)(config.channel)}, r.args[0] as React.ReactNode),
                ),
                e('button', {type: 'button', 'aria-label': 'channel menu', 'data-testid': 'channel-menu', onClick: () => setMenuOpen(!menuOpen)}, '⋯'),
                menuOpen &&
                    e(
                        'div',
                        {className: 'mm-menu', role: 'menu'},
                        ...of('registerChannelHeaderMenuAction').map((r, i) =>
                            e('button', {key: `mi${i}`, type: 'button', role: 'menuitem', onClick: () => {
                                setMenuOpen(false);
                                (r.args[1] as (id: string) => void)(config.channel.id);
                            }}, r.args[0] as React.ReactNode),
                        ),
                    ),
            ),
            e(
                'section',
                {className: 'mm-posts', 'aria-label': 'posts'},
                ...config.posts.map((post) => {
                    const C = postTypes.get(post.type as string);
                    return e(
                        'div',
                        {className: 'mm-post', key: post.id as string},
                        e('div', {className: 'mm-post-author'}, 'tripwire'),
                        C ? e(C, {post}) : e('div', null, post.message as string),
                        ...of('registerPostMessageAttachmentComponent').map((r, i) => e(r.args[0] as AnyComponent, {key: `pa${i}`, postId: post.id})),
                    );
                }),
            ),
            ...of('registerAdminConsoleCustomSetting').map((r, i) =>
                e('section', {className: 'mm-admin', key: `admin${i}`, 'aria-label': 'admin console'}, e('h2', null, `System Console › Plugins › Tripwire › ${r.args[0] as string}`), e(r.args[1] as AnyComponent, {id: `PluginSettings.Plugins.tripwire.${r.args[0] as string}`, value: null, onChange: () => undefined, setSaveNeeded: () => undefined})),
            ),
        ),
        ...of('registerRootComponent').map((r, i) => e(r.args[0] as AnyComponent, {key: `root${i}`})),
    );
}

const thunk: Redux.Middleware = (api) => (next) => (action) => (typeof action === 'function' ? (action as (d: unknown, g: unknown) => unknown)(api.dispatch, api.getState) : next(action));

/** What make demo's playground says about the signed-in user and channel (test/conformance/cmd/demo/ui.go). */
interface DemoContext {
    user_id?: string;
    team_id?: string;
    channel_id?: string;
    channel_name?: string;
    channel_display_name?: string;
    channel_type?: string;
    site_url?: string;
}

async function loadContext(): Promise<DemoContext> {
    try {
        const res = await fetch('/demo/context.json', {credentials: 'include'});
        return res.ok ? ((await res.json()) as DemoContext) : {};
    } catch {
        return {};
    }
}

async function start(overrides: Partial<HostConfig> = {}) {
    const ctx = await loadContext();
    const config: HostConfig = {
        siteUrl: ctx.site_url || window.location.origin,
        currentUserId: ctx.user_id ?? '',
        channel: {
            id: ctx.channel_id ?? '',
            name: ctx.channel_name ?? 'town-square',
            display_name: ctx.channel_display_name ?? ctx.channel_name ?? 'Town Square',
            type: ctx.channel_type ?? 'O',
            team_id: ctx.team_id ?? '',
        },
        posts: [],
        ...((w.__tripwireHostConfig ?? {}) as Partial<HostConfig>),
        ...overrides,
    };
    const entities = {
        general: {config: {SiteURL: config.siteUrl}},
        users: {currentUserId: config.currentUserId, profiles: {}},
        channels: {currentChannelId: config.channel.id, channels: {[config.channel.id]: config.channel}},
        teams: {currentTeamId: config.channel.team_id},
    };
    const rootReducer = () => Redux.combineReducers({entities: (s = entities) => s, ...reducers});
    const store = Redux.legacy_createStore(rootReducer(), Redux.applyMiddleware(thunk));
    for (const {id, plugin} of pending.splice(0)) {
        plugin.initialize(registryFor(id), store);
        store.replaceReducer(rootReducer());
    }
    const messages = translations('en');
    createRoot(document.getElementById('root')!).render(
        <ReactRedux.Provider store={store}>
            <ReactIntl.IntlProvider
                locale='en'
                messages={messages}
            >
                <Host config={config}/>
            </ReactIntl.IntlProvider>
        </ReactRedux.Provider>,
    );
    w.__tripwireStore = store;
    document.body.dataset.hostReady = 'true';
}

/** Delivers a websocket event to the handlers the plugin registered, as the webapp's websocket client does. */
function emit(event: string, data: unknown) {
    for (const h of wsHandlers.get(event) ?? []) h({event, data, broadcast: {}, seq: 0});
}

w.__tripwireHost = {start, emit, registrations};
