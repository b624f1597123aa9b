import {type ComponentType} from 'react';

import {type PluginRegistry} from './host/registry';
import {TripwirePlugin} from './plugin';
import {makeStore} from '../test/render';

/** A registry that records every call, as the browser test's host page does. */
function recordingRegistry() {
    const calls: Array<{method: string; args: unknown[]}> = [];
    const registry = new Proxy({} as PluginRegistry, {
        get: (_t, method: string) => (...args: unknown[]) => {
            calls.push({method, args});
            return `id-${calls.length}`;
        },
    });
    return {registry, calls};
}

describe('TripwirePlugin.initialize', () => {
    it('registers the panel, header button and menu, post types, admin setting, websocket handlers and translations', () => {
        const {registry, calls} = recordingRegistry();
        const store = makeStore();
        new TripwirePlugin().initialize(registry, store);
        const by = (m: string) => calls.filter((c) => c.method === m);
        expect(calls.map((c) => c.method).sort()).toEqual(
            [
                'registerAdminConsoleCustomSetting',
                'registerChannelHeaderButtonAction',
                'registerChannelHeaderMenuAction',
                'registerPostMessageAttachmentComponent',
                'registerPostTypeComponent',
                'registerPostTypeComponent',
                'registerReconnectHandler',
                'registerReducer',
                'registerRootComponent',
                'registerTranslations',
                'registerWebSocketEventHandler',
                'registerWebSocketEventHandler',
            ].sort(),
        );
        expect(by('registerPostTypeComponent').map((c) => c.args[0])).toEqual(['custom_tripwire_delivery', 'custom_tripwire_reply']);
        expect(by('registerWebSocketEventHandler').map((c) => c.args[0])).toEqual(['custom_tripwire_delivery_status', 'custom_tripwire_rules_changed']);
        expect(by('registerAdminConsoleCustomSetting')[0]!.args[0]).toBe('Guardrails');
        expect((by('registerTranslations')[0]!.args[0] as (l: string) => Record<string, string>)('en')['tripwire.panel.title']).toBe('Tripwire rules');

        // Both entry points open the panel for their channel through the slice.
        const headerAction = by('registerChannelHeaderButtonAction')[0]!.args[1] as (c: {id: string}) => void;
        headerAction({id: 'c1'});
        expect((store.getState() as Record<string, {openChannelId: string}>)['plugins-tripwire']!.openChannelId).toBe('c1');
        const menuAction = by('registerChannelHeaderMenuAction')[0]!.args[1] as (id: string) => void;
        menuAction('c2');
        expect((store.getState() as Record<string, {openChannelId: string}>)['plugins-tripwire']!.openChannelId).toBe('c2');
        expect(typeof (by('registerRootComponent')[0]!.args[0] as ComponentType)).toBe('function');
    });
});
