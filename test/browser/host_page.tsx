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

/** A post as the playground's chat serves it (test/conformance/cmd/demo/chat.go): Mattermost's Post JSON. */
type Post = Record<string, unknown> & {id: string; user_id: string; message: string; type: string; create_at: number; props?: Record<string, unknown>};
interface Attachment {
    title?: string;
    text?: string;
    color?: string;
    fields?: Array<{title?: string; value?: string}>;
    actions?: Array<{id: string; name: string; style?: string; type?: string}>;
}
interface Dialog {
    url: string;
    dialog: {title: string; notify_on_cancel?: boolean; introduction_text?: string; submit_label?: string; callback_id?: string; state?: string; elements?: Array<{display_name: string; name: string; type: string; optional?: boolean; help_text?: string; default?: string; options?: Array<{text: string; value: string}>}>};
}

const e = React.createElement;

async function demoCall(method: string, url: string, body?: unknown): Promise<{ok: boolean; status: number; json: Record<string, unknown>}> {
    const res = await fetch(url, {method, credentials: 'include', headers: body ? {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest'} : {'X-Requested-With': 'XMLHttpRequest'}, body: body ? JSON.stringify(body) : null});
    let json: Record<string, unknown> = {};
    try {
        json = (await res.json()) as Record<string, unknown>;
    } catch {
        // an empty answer
    }
    return {ok: res.ok, status: res.status, json};
}

/** Message attachments, as Mattermost renders them for posts whose type no plugin registered; buttons post the click. */
function Attachments({post}: {post: Post}) {
    const list = (post.props?.attachments ?? []) as Attachment[];
    const [error, setError] = React.useState('');
    if (!Array.isArray(list) || list.length === 0) return null;
    return e('div', null, ...list.map((a, i) => e('div', {key: i, className: 'mm-attachment', style: {borderLeftColor: a.color && /^#[0-9a-f]{3,6}$/i.test(a.color) ? a.color : undefined}},
        a.title && e('div', {className: 'mm-attachment-title'}, a.title),
        a.text && e('div', null, a.text),
        ...(a.fields ?? []).map((f, j) => e('div', {key: `f${j}`}, e('strong', null, f.title), ' ', f.value)),
        e('div', {className: 'mm-attachment-actions'}, ...(a.actions ?? []).filter((x) => (x.type ?? 'button') === 'button').map((x) => e('button', {key: x.id, type: 'button', className: `mm-btn mm-btn-${x.style ?? 'default'}`, onClick: async () => {
            const res = await demoCall('POST', `/api/v4/posts/${post.id}/actions/${encodeURIComponent(x.id)}`, {});
            setError(res.ok ? '' : String(res.json.message ?? `HTTP ${res.status}`));
        }}, x.name))),
    )), error && e('div', {role: 'alert', className: 'mm-error'}, error));
}

function PostItem({post, usernames}: {post: Post; usernames: Record<string, string>}) {
    const postTypes = new Map(of('registerPostTypeComponent').map((r) => [r.args[0] as string, r.args[1] as AnyComponent]));
    const C = postTypes.get(post.type);
    const ephemeral = post.type === 'system_ephemeral';
    const name = (post.props?.override_username as string) || usernames[post.user_id] || 'someone';
    const time = new Date(post.create_at).toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit'});
    return e('article', {className: `mm-post${post.root_id ? ' mm-post-reply' : ''}`, 'data-testid': 'post', 'data-post-id': post.id, 'aria-label': `${name} at ${time}`},
        e('div', {className: 'mm-post-header'}, e('span', {className: 'mm-post-author'}, name), post.props?.from_bot === 'true' || post.props?.from_plugin === 'true' ? e('span', {className: 'mm-bot-tag'}, 'BOT') : null, e('time', {className: 'mm-post-time'}, time), ephemeral && e('span', {className: 'mm-post-time'}, '(Only visible to you)'), post.root_id ? e('span', {className: 'mm-post-time'}, 'in a thread') : null),
        C ? e(C, {post}) : e('div', {className: 'mm-post-body'}, (w.PostUtils as {messageHtmlToComponent(h: string): React.ReactNode; formatText(t: string): string}).messageHtmlToComponent((w.PostUtils as {formatText(t: string): string}).formatText(post.message))),
        !C && e(Attachments, {post}),
        ...of('registerPostMessageAttachmentComponent').map((r, i) => e(r.args[0] as AnyComponent, {key: `pa${i}`, postId: post.id, post})),
    );
}

/** An interactive dialog a plugin opened (OpenInteractiveDialog), submitted as Mattermost does. */
function DialogView({d, channelId, onClose}: {d: Dialog; channelId: string; onClose(): void}) {
    const [values, setValues] = React.useState<Record<string, string>>(() => Object.fromEntries((d.dialog.elements ?? []).map((el) => [el.name, el.default ?? ''])));
    const [errors, setErrors] = React.useState<Record<string, string>>({});
    const [error, setError] = React.useState('');
    const first = React.useRef<HTMLElement | null>(null);
    React.useEffect(() => {
        first.current?.focus();
    }, []);
    const submit = async (cancelled: boolean) => {
        // As Mattermost: a cancel reaches the integration only when the dialog asked for it.
        if (cancelled && !d.dialog.notify_on_cancel) return onClose();
        const res = await demoCall('POST', '/demo/dialogs/submit', {url: d.url, callback_id: d.dialog.callback_id ?? '', state: d.dialog.state ?? '', channel_id: channelId, submission: cancelled ? {} : values, cancelled});
        if (cancelled) return onClose();
        const errs = (res.json.errors ?? {}) as Record<string, string>;
        if (res.ok && Object.keys(errs).length === 0 && !res.json.error) return onClose();
        setErrors(errs);
        setError(String(res.json.error ?? res.json.message ?? (res.ok ? '' : `HTTP ${res.status}`)));
    };
    return e('div', {className: 'mm-backdrop'}, e('div', {role: 'dialog', 'aria-modal': true, 'aria-labelledby': 'mm-dialog-title', className: 'mm-dialog', onKeyDown: (ev: React.KeyboardEvent) => ev.key === 'Escape' && void submit(true)},
        e('h2', {id: 'mm-dialog-title'}, d.dialog.title),
        d.dialog.introduction_text && e('p', null, d.dialog.introduction_text),
        ...(d.dialog.elements ?? []).map((el, i) => e('div', {key: el.name, className: 'mm-field'},
            e('label', {htmlFor: `dlg-${el.name}`}, el.display_name, el.optional ? ' (optional)' : ''),
            el.type === 'select'
                ? e('select', {id: `dlg-${el.name}`, ref: i === 0 ? (n: HTMLElement | null) => (first.current = n) : undefined, value: values[el.name], onChange: (ev: React.ChangeEvent<HTMLSelectElement>) => setValues({...values, [el.name]: ev.target.value})}, e('option', {value: ''}, '—'), ...(el.options ?? []).map((o) => e('option', {key: o.value, value: o.value}, o.text)))
                : e(el.type === 'textarea' ? 'textarea' : 'input', {id: `dlg-${el.name}`, ref: i === 0 ? (n: HTMLElement | null) => (first.current = n) : undefined, value: values[el.name], 'aria-invalid': Boolean(errors[el.name]), 'aria-describedby': errors[el.name] ? `dlg-${el.name}-err` : undefined, onChange: (ev: React.ChangeEvent<HTMLInputElement>) => setValues({...values, [el.name]: ev.target.value})}),
            errors[el.name] && e('div', {id: `dlg-${el.name}-err`, className: 'mm-error'}, errors[el.name]),
        )),
        error && e('div', {role: 'alert', className: 'mm-error'}, error),
        e('div', {className: 'mm-dialog-buttons'}, e('button', {type: 'button', className: 'mm-btn', onClick: () => void submit(true)}, 'Cancel'), e('button', {type: 'button', className: 'mm-btn mm-btn-primary', onClick: () => void submit(false)}, d.dialog.submit_label || 'Submit')),
    ));
}

/** The playground's chat: posts of the open channel (polled), the plugin's events and dialogs (polled), a message box. */
function useChat(config: HostConfig, channelId: string, live: boolean) {
    const [posts, setPosts] = React.useState<Post[]>(config.posts as Post[]);
    const [usernames, setUsernames] = React.useState<Record<string, string>>({});
    const [dialogs, setDialogs] = React.useState<Dialog[]>([]);
    const cursor = React.useRef({events: -1, dialogs: -1});
    React.useEffect(() => {
        if (!live) return undefined;
        let stop = false;
        const tick = async () => {
            const p = await demoCall('GET', `/demo/channels/${channelId}/posts`).catch(() => null);
            if (!stop && p?.ok) {
                setPosts((p.json.posts ?? []) as Post[]);
                setUsernames((p.json.usernames ?? {}) as Record<string, string>);
            }
            const c = cursor.current;
            const f = await demoCall('GET', `/demo/feed?events=${Math.max(c.events, 0)}&dialogs=${Math.max(c.dialogs, 0)}`).catch(() => null);
            if (!stop && f?.ok) {
                // The first answer only sets the cursors: events from before the page opened are not replayed.
                if (c.events >= 0) for (const ev of f.json.events as Array<{event: string; data: unknown}>) emit(ev.event, ev.data);
                if (c.dialogs >= 0 && (f.json.dialogs as Dialog[]).length > 0) setDialogs((ds) => [...ds, ...(f.json.dialogs as Dialog[])]);
                cursor.current = {events: f.json.events_next as number, dialogs: f.json.dialogs_next as number};
            }
        };
        void tick();
        const timer = setInterval(() => void tick(), 600);
        return () => {
            stop = true;
            clearInterval(timer);
        };
    }, [channelId, live]);
    return {posts, usernames, dialogs, closeDialog: () => setDialogs((ds) => ds.slice(1))};
}

function MessageBox({channel}: {channel: HostConfig['channel']}) {
    const [text, setText] = React.useState('');
    const [error, setError] = React.useState('');
    const send = async () => {
        const message = text.trim();
        if (!message) return;
        const res = message.startsWith('/') ? await demoCall('POST', '/demo/commands', {channel_id: channel.id, command: message}) : await demoCall('POST', '/demo/posts', {channel_id: channel.id, message});
        if (res.ok) setText('');
        setError(res.ok ? '' : String(res.json.message ?? `HTTP ${res.status}`));
    };
    return e('div', {className: 'mm-compose'},
        e('label', {htmlFor: 'mm-message', className: 'mm-visually-hidden'}, `Write to ${channel.display_name}`),
        e('textarea', {id: 'mm-message', rows: 2, value: text, placeholder: `Write to ${channel.display_name} (try /tripwire help)`, 'aria-describedby': error ? 'mm-compose-error' : 'mm-compose-hint', onChange: (ev: React.ChangeEvent<HTMLTextAreaElement>) => setText(ev.target.value), onKeyDown: (ev: React.KeyboardEvent) => {
            if (ev.key === 'Enter' && !ev.shiftKey) {
                ev.preventDefault();
                void send();
            }
        }}),
        e('button', {type: 'button', className: 'mm-btn mm-btn-primary', onClick: () => void send()}, 'Send'),
        error ? e('div', {id: 'mm-compose-error', role: 'alert', className: 'mm-error'}, error) : e('div', {id: 'mm-compose-hint', className: 'mm-hint'}, 'Enter sends, Shift+Enter starts a new line; /tripwire runs the plugin\'s command.'),
    );
}

function Host({config, ctx}: {config: HostConfig; ctx: DemoContext}) {
    const [menuOpen, setMenuOpen] = React.useState(false);
    const [, force] = React.useReducer((x: number) => x + 1, 0);
    rerender = force;
    const [channel, setChannel] = React.useState(config.channel);
    const live = Boolean(ctx.channels?.length);
    const chat = useChat(config, channel.id, live);
    const dispatch = ReactRedux.useDispatch();
    const open = (ch: HostConfig['channel']) => {
        setChannel(ch);
        setMenuOpen(false);
        dispatch({type: 'demo/open_channel', channel: ch});
        const url = new URL(window.location.href);
        url.searchParams.set('channel', ch.name);
        window.history.replaceState(null, '', url);
    };
    const listEnd = React.useRef<HTMLDivElement | null>(null);
    React.useEffect(() => {
        // A block body: Chromium's scrollIntoView now returns a promise, which an effect must not return.
        listEnd.current?.scrollIntoView?.({block: 'end'});
    }, [chat.posts.length]);
    const admin = ctx.is_system_admin ?? !live;
    return e(
        'div',
        {className: 'mm-app'},
        e('nav', {className: 'mm-sidebar', 'aria-label': 'channels'},
            e('h2', null, 'Tripwire test team'),
            live && e('div', {className: 'mm-switcher'}, e('label', {htmlFor: 'mm-user'}, 'Acting as'), e('select', {id: 'mm-user', value: ctx.username, onChange: (ev: React.ChangeEvent<HTMLSelectElement>) => {
                document.cookie = `demo_user=${ev.target.value}; path=/; SameSite=Lax`;
                window.location.reload();
            }}, ...(ctx.switcher ?? []).map((u) => e('option', {key: u.username, value: u.username}, `@${u.username} (${u.role})`)))),
            e('ul', {className: 'mm-channels'}, ...(live ? ctx.channels! : [config.channel]).map((ch) => e('li', {key: ch.id}, e('a', {href: `?channel=${ch.name}`, className: ch.id === channel.id ? 'active' : '', 'aria-current': ch.id === channel.id ? 'page' : undefined, onClick: (ev: React.MouseEvent) => {
                ev.preventDefault();
                open(ch);
            }}, ch.type === 'P' ? e('svg', {'aria-hidden': true, width: 10, height: 12, viewBox: '0 0 10 12', style: {marginRight: 6}}, e('path', {fill: 'currentColor', d: 'M2 5V3.5a3 3 0 0 1 6 0V5h1v7H1V5zm1.5 0h3V3.5a1.5 1.5 0 0 0-3 0z'})) : e('span', {'aria-hidden': true, style: {marginRight: 6}}, '#'), ch.display_name)))),
            e('button', {type: 'button', className: 'mm-theme', 'aria-pressed': document.documentElement.dataset.theme === 'dark', onClick: () => {
                applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
                force();
            }}, 'Dark theme'),
        ),
        e(
            'main',
            {className: 'mm-center'},
            e(
                'header',
                {className: 'mm-header', style: {position: 'relative'}},
                e('h1', null, channel.display_name),
                ...of('registerChannelHeaderButtonAction').map((r, i) =>
                    // The dropdown text (a node, often a FormattedMessage) names the button, as Mattermost's tooltip does.
                    e('button', {key: `hb${i}`, type: 'button', 'data-testid': 'channel-header-plugin-button', onClick: () => (r.args[1] as (c: unknown) => void)(channel)}, r.args[0] as React.ReactNode, e('span', {className: 'mm-visually-hidden'}, (r.args[2] as React.ReactNode) ?? 'channel header plugin button')),
                ),
                e('button', {type: 'button', 'aria-label': 'channel menu', 'aria-expanded': menuOpen, 'data-testid': 'channel-menu', onClick: () => setMenuOpen(!menuOpen)}, '⋯'),
                menuOpen &&
                    e(
                        'div',
                        {className: 'mm-menu', role: 'menu'},
                        ...of('registerChannelHeaderMenuAction').map((r, i) =>
                            e('button', {key: `mi${i}`, type: 'button', role: 'menuitem', onClick: () => {
                                setMenuOpen(false);
                                (r.args[1] as (id: string) => void)(channel.id);
                            }}, r.args[0] as React.ReactNode),
                        ),
                    ),
            ),
            e(
                'section',
                {className: 'mm-posts', 'aria-label': `posts in ${channel.display_name}`, role: 'log', tabIndex: 0},
                ...chat.posts.map((post) => e(PostItem, {key: post.id, post, usernames: {...ctx.users_by_id, ...chat.usernames}})),
                e('div', {ref: listEnd}),
            ),
            live && e(MessageBox, {key: channel.id, channel}),
            ...(admin ? of('registerAdminConsoleCustomSetting') : []).map((r, i) =>
                e('section', {className: 'mm-admin', key: `admin${i}`, 'aria-label': 'admin console'}, e('h2', null, `System Console › Plugins › Tripwire › ${r.args[0] as string}`), e(r.args[1] as AnyComponent, {id: `PluginSettings.Plugins.tripwire.${r.args[0] as string}`, value: null, onChange: () => undefined, setSaveNeeded: () => undefined})),
            ),
        ),
        ...of('registerRootComponent').map((r, i) => e(r.args[0] as AnyComponent, {key: `root${i}`})),
        chat.dialogs[0] && e(DialogView, {key: chat.dialogs[0].dialog.state ?? 'dlg', d: chat.dialogs[0], channelId: channel.id, onClose: chat.closeDialog}),
    );
}

/**
 * Mattermost's theme, as the webapp applies it: CSS variables on the document (applyTheme in utils/utils.tsx). Light
 * is "Denim", dark is "Onyx" (webapp/channels/src/utils/constants.tsx THEMES).
 */
const THEMES: Record<string, Record<string, string>> = {
    light: {'center-channel-bg': '#ffffff', 'center-channel-color': '#3f4350', 'button-bg': '#1c58d9', 'button-color': '#ffffff', 'sidebar-bg': '#1e325c', 'sidebar-text': '#ffffff', 'error-text': '#d24b4e', 'online-indicator': '#06d6a0', 'away-indicator': '#ffbc1f', 'link-color': '#386fe5'},
    dark: {'center-channel-bg': '#191b1f', 'center-channel-color': '#e3e4e8', 'button-bg': '#4a7ebb', 'button-color': '#ffffff', 'sidebar-bg': '#202228', 'sidebar-text': '#ffffff', 'error-text': '#da6c6e', 'online-indicator': '#3db887', 'away-indicator': '#f5ab00', 'link-color': '#5d89ea'},
};
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ');

function applyTheme(name: string) {
    const theme = THEMES[name] ?? THEMES.light!;
    const root = document.documentElement;
    for (const [k, v] of Object.entries(theme)) {
        root.style.setProperty(`--${k}`, v);
        root.style.setProperty(`--${k === 'error-text' ? 'error-text-color' : k}-rgb`, rgb(v));
    }
    root.style.setProperty('--mm-primary-bg', readableOn(theme['button-bg']!, theme['button-color']!));
    root.dataset.theme = name in THEMES ? name : 'light';
    // Native controls follow, as Mattermost's form styles make them in a dark theme.
    root.style.colorScheme = root.dataset.theme;
}

const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
};

/**
 * The host page's own primary buttons: the theme's button colour, darkened just enough for its text to reach WCAG AA
 * (Onyx's #4a7ebb under white is 4.2:1). The plugin's components read the theme's variables unchanged.
 */
function readableOn(bg: string, fg: string): string {
    let color = bg;
    for (let k = 1; k > 0.4 && contrast(color, fg) < 4.5; k -= 0.02) {
        color = `#${[1, 3, 5].map((i) => Math.round(parseInt(bg.slice(i, i + 2), 16) * k).toString(16).padStart(2, '0')).join('')}`;
    }
    return color;
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
    username?: string;
    is_system_admin?: boolean;
    channels?: Array<HostConfig['channel']>;
    switcher?: Array<{username: string; role: string; id: string}>;
    users?: Record<string, {id: string; username: string}>;
    users_by_id?: Record<string, string>;
}

async function loadContext(): Promise<DemoContext> {
    try {
        const res = await fetch(`/demo/context.json${window.location.search}`, {credentials: 'include'});
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
    ctx.users_by_id = Object.fromEntries(Object.values(ctx.users ?? {}).map((u) => [u.id, u.username]));
    applyTheme(new URLSearchParams(window.location.search).get('theme') ?? 'light');
    const entities = {
        general: {config: {SiteURL: config.siteUrl}},
        users: {currentUserId: config.currentUserId, profiles: ctx.users ?? {}},
        channels: {currentChannelId: config.channel.id, channels: Object.fromEntries([config.channel, ...(ctx.channels ?? [])].map((c) => [c.id, c]))},
        teams: {currentTeamId: config.channel.team_id},
    };
    // Opening another channel changes the current channel, as the webapp's own channel switch does.
    const entitiesReducer = (s = entities, action: {type: string; channel?: HostConfig['channel']}) => (action.type === 'demo/open_channel' && action.channel ? {...s, channels: {...s.channels, currentChannelId: action.channel.id}} : s);
    const rootReducer = () => Redux.combineReducers({entities: entitiesReducer, ...reducers});
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
                <Host
                    config={config}
                    ctx={ctx}
                />
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

w.__tripwireHost = {start, emit, registrations, applyTheme};
