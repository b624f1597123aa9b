import {type Store} from 'redux';

/** The only code that touches the Mattermost webapp's window globals. */

export interface PluginRegistry {
    registerReducer(reducer: unknown): void;
    [method: `register${string}`]: ((...args: never[]) => unknown) | undefined;
}

export interface PluginEntry {
    initialize(registry: PluginRegistry, store: Store): void | Promise<void>;
    uninitialize?(): void;
}

interface HostWindow {
    registerPlugin(id: string, plugin: PluginEntry): void;
}

export function registerPlugin(id: string, plugin: PluginEntry): void {
    (window as unknown as HostWindow).registerPlugin(id, plugin);
}
