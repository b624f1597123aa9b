import {GUARDRAILS_SETTING_KEY} from '@tripwire/common';
import {type ComponentType} from 'react';
import {FormattedMessage} from 'react-intl';
import {type Store} from 'redux';

import {ClientCore} from './client/client_core';
import {DELIVERY_CARD_POST_TYPE, DELIVERY_STATUS_EVENT, REPLY_POST_TYPE, RULES_CHANGED_EVENT} from './client/events';
import {TripwireClient} from './client/tripwire_client';
import {GuardrailsSetting} from './components/admin_console/guardrails_setting';
import {ChannelRulesModal} from './components/channel_rules/channel_rules_modal';
import {ClientContext} from './components/common/client_context';
import {commonMessages} from './components/common/messages';
import {TripwireIcon} from './components/common/tripwire_icon';
import {DeliveryCard, TriggerDeliveries} from './components/post_types/delivery_card';
import {ReplyPost} from './components/post_types/reply_post';
import {siteUrlFromLocation, type PluginEntry, type PluginRegistry} from './host/globals';
import {getTranslations} from './i18n';
import {openPanel} from './state/actions';
import {getSiteUrlSetting} from './state/host_selectors';
import {reducer} from './state/reducer';
import {deliveryStatusHandler, reconnectHandler, rulesChangedHandler} from './state/websocket';

/** Gives a registered component the plugin's client; the host supplies the redux store and react-intl. */
export function withClient<P extends object>(client: TripwireClient, Component: ComponentType<P>): ComponentType<P> {
    function WithClient(props: P) {
        return (
            <ClientContext.Provider value={client}>
                <Component {...props}/>
            </ClientContext.Provider>
        );
    }
    WithClient.displayName = `Tripwire(${Component.displayName ?? Component.name})`;
    return WithClient;
}

const panelLabel = <FormattedMessage {...commonMessages.panelLabel}/>;

export class TripwirePlugin implements PluginEntry {
    initialize(registry: PluginRegistry, store: Store): void {
        // The server's SiteURL when set, else what the browser is on (the webapp does the same).
        const client = new TripwireClient(new ClientCore({siteUrl: () => getSiteUrlSetting(store.getState()) || siteUrlFromLocation()}));
        const open = (channelId: string) => store.dispatch(openPanel(channelId));
        const wrap = <P extends object>(C: ComponentType<P>) => withClient(client, C);

        // Every registry call of the plugin, in one block.
        registry.registerReducer(reducer);
        registry.registerTranslations(getTranslations);
        registry.registerRootComponent(wrap(ChannelRulesModal));
        registry.registerChannelHeaderButtonAction(<TripwireIcon/>, (channel) => open(channel.id), panelLabel, panelLabel);
        registry.registerChannelHeaderMenuAction(panelLabel, open);
        registry.registerPostTypeComponent(DELIVERY_CARD_POST_TYPE, wrap(DeliveryCard));
        registry.registerPostTypeComponent(REPLY_POST_TYPE, wrap(ReplyPost));
        registry.registerPostMessageAttachmentComponent(wrap(TriggerDeliveries));
        // The plugin's only setting: every guardrail, saved by the page's own Save button; the delivery health summary
        // below it reads the plugin's API, so it gets the client like every other registered component.
        registry.registerAdminConsoleCustomSetting(GUARDRAILS_SETTING_KEY, wrap(GuardrailsSetting), {showTitle: true});
        registry.registerWebSocketEventHandler(DELIVERY_STATUS_EVENT, deliveryStatusHandler(store));
        registry.registerWebSocketEventHandler(RULES_CHANGED_EVENT, rulesChangedHandler(store, client));
        registry.registerReconnectHandler(reconnectHandler(store, client));
    }
}
