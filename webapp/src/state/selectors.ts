import {type RuleView} from '@tripwire/common';

import {type DeliveryStatusEvent} from '../client/events';
import {pluginId} from '../manifest';

import {initialState} from './reducer';
import {type ChannelRules, type PluginState, type RuleHealth} from './types';

/** Where Mattermost mounts a plugin's reducer. */
export const pluginStateKey = `plugins-${pluginId}`;

type WithPlugin = Partial<Record<string, unknown>>;

export function getPluginState(state: unknown): PluginState {
    return ((state as WithPlugin)[pluginStateKey] as PluginState | undefined) ?? initialState;
}

export const getOpenChannelId = (state: unknown): string | null => getPluginState(state).openChannelId;

export const getChannelRules = (state: unknown, channelId: string): ChannelRules | undefined => getPluginState(state).channels[channelId];

/** The rules of a channel, sorted by name (stable identity per call is not needed: lists are small). */
export function getRulesOfChannel(state: Pick<PluginState, 'channels' | 'rules'>, channelId: string): RuleView[] {
    const ids = state.channels[channelId]?.ruleIds ?? [];
    return ids.flatMap((id) => (state.rules[id] ? [state.rules[id]] : [])).sort((a, b) => a.name.localeCompare(b.name));
}

export const getRule = (state: unknown, ruleId: string): RuleView | undefined => getPluginState(state).rules[ruleId];
export const getRuleHealth = (state: unknown, ruleId: string): RuleHealth | undefined => getPluginState(state).health[ruleId];
export const getDeliveryStatus = (state: unknown, deliveryId: string): DeliveryStatusEvent | undefined => getPluginState(state).deliveries[deliveryId];
