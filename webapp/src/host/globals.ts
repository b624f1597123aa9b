import {type ReactElement} from 'react';

import {type PluginEntry} from './registry';

export type {PluginEntry, PluginRegistry} from './registry';

/**
 * The only code that touches the Mattermost webapp's window globals (webapp/channels/src/plugins/export.ts). Each
 * accessor degrades to a safe fallback when the host does not provide the global, so components never crash on an
 * older or stripped-down host (such as the browser test's host page).
 */

interface PostUtils {
    formatText(text: string, options?: Record<string, unknown>): string;
    messageHtmlToComponent(html: string, options?: Record<string, unknown>): ReactElement;
}

interface HostWindow {
    registerPlugin(id: string, plugin: PluginEntry): void;
    basename?: string;
    PostUtils?: PostUtils;
    openInteractiveDialog?(dialog: unknown): unknown;
}

function host(): HostWindow {
    return window as unknown as HostWindow;
}

export function registerPlugin(id: string, plugin: PluginEntry): void {
    host().registerPlugin(id, plugin);
}

/** The site URL as the webapp itself computes it when the server's SiteURL is unset: origin plus sub-path. */
export function siteUrlFromLocation(): string {
    const basename = host().basename ?? '';
    return `${window.location.origin}${basename}`.replace(/\/+$/, '');
}

/** Mattermost's own markdown renderer, or null when the host has none. */
export function hostMarkdown(): PostUtils | null {
    const utils = host().PostUtils;
    return utils && typeof utils.formatText === 'function' && typeof utils.messageHtmlToComponent === 'function' ? utils : null;
}

/** Opens an interactive dialog through the webapp's global helper; false when the host has none. */
export function openHostDialog(dialog: unknown): boolean {
    const open = host().openInteractiveDialog;
    if (typeof open !== 'function') return false;
    open(dialog);
    return true;
}

/** Opens a link in a new tab, without giving the page a handle on ours. */
export function openExternal(url: string): void {
    window.open(url, '_blank', 'noopener,noreferrer');
}
