import {pluginId} from '../manifest';

/** `${pluginId}_<name>`: every action type of the slice, prefixed so it never collides with the host's. */
export const actionType = <N extends string>(name: N) => `${pluginId}_${name}` as const;

export const ActionTypes = {
    panelOpened: actionType('panel_opened'),
    panelClosed: actionType('panel_closed'),
    channelRulesRequested: actionType('channel_rules_requested'),
    channelRulesReceived: actionType('channel_rules_received'),
    channelRulesFailed: actionType('channel_rules_failed'),
    ruleReceived: actionType('rule_received'),
    ruleRemoved: actionType('rule_removed'),
    ruleHealthReceived: actionType('rule_health_received'),
    deliveryStatusReceived: actionType('delivery_status_received'),
    meReceived: actionType('me_received'),
} as const;
