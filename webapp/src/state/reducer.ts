import {type DeliveryLogEntry, type DeliveryStats, type Me, type RuleView} from '@tripwire/common';
import {type UnknownAction} from 'redux';

import {type DeliveryStatusEvent} from '../client/events';

import {ActionTypes} from './action_types';
import {type LoadError, type PluginState} from './types';

export type PluginAction =
    | {type: typeof ActionTypes.panelOpened; channelId: string}
    | {type: typeof ActionTypes.panelClosed}
    | {type: typeof ActionTypes.channelRulesRequested; channelId: string}
    | {type: typeof ActionTypes.channelRulesReceived; channelId: string; rules: RuleView[]}
    | {type: typeof ActionTypes.channelRulesFailed; channelId: string; error: LoadError}
    | {type: typeof ActionTypes.ruleReceived; rule: RuleView; channelId?: string}
    | {type: typeof ActionTypes.ruleRemoved; ruleId: string}
    | {type: typeof ActionTypes.ruleHealthReceived; ruleId: string; stats: DeliveryStats; last?: DeliveryLogEntry | undefined}
    | {type: typeof ActionTypes.deliveryStatusReceived; event: DeliveryStatusEvent}
    | {type: typeof ActionTypes.meReceived; me: Me};

export const initialState: PluginState = {openChannelId: null, me: null, rules: {}, channels: {}, health: {}, deliveries: {}};

const known = new Set<string>(Object.values(ActionTypes));

function isPluginAction(action: UnknownAction): action is UnknownAction & PluginAction {
    return known.has(action.type);
}

/** The plugin's slice, registered with registry.registerReducer: it lives at state[`plugins-${pluginId}`]. */
export function reducer(state: PluginState = initialState, action: UnknownAction): PluginState {
    if (!isPluginAction(action)) return state;
    switch (action.type) {
        case ActionTypes.panelOpened:
            return {...state, openChannelId: action.channelId};
        case ActionTypes.panelClosed:
            return {...state, openChannelId: null};
        case ActionTypes.channelRulesRequested: {
            const prev = state.channels[action.channelId];
            return {...state, channels: {...state.channels, [action.channelId]: {status: 'loading', ruleIds: prev?.ruleIds ?? []}}};
        }
        case ActionTypes.channelRulesReceived: {
            const rules = {...state.rules};
            for (const r of action.rules) rules[r.id] = r;
            return {...state, rules, channels: {...state.channels, [action.channelId]: {status: 'loaded', ruleIds: action.rules.map((r) => r.id)}}};
        }
        case ActionTypes.channelRulesFailed:
            return {...state, channels: {...state.channels, [action.channelId]: {status: 'error', ruleIds: [], error: action.error}}};
        case ActionTypes.ruleReceived: {
            const channels = {...state.channels};
            const entry = action.channelId === undefined ? undefined : channels[action.channelId];
            if (action.channelId !== undefined && entry && !entry.ruleIds.includes(action.rule.id)) {
                channels[action.channelId] = {...entry, ruleIds: [...entry.ruleIds, action.rule.id]};
            }
            return {...state, rules: {...state.rules, [action.rule.id]: action.rule}, channels};
        }
        case ActionTypes.ruleRemoved: {
            const {[action.ruleId]: _gone, ...rules} = state.rules;
            const channels: PluginState['channels'] = {};
            for (const [id, c] of Object.entries(state.channels)) channels[id] = {...c, ruleIds: c.ruleIds.filter((r) => r !== action.ruleId)};
            return {...state, rules, channels};
        }
        case ActionTypes.ruleHealthReceived:
            return {...state, health: {...state.health, [action.ruleId]: {stats: action.stats, ...(action.last && {last: action.last})}}};
        case ActionTypes.deliveryStatusReceived: {
            const prev = state.deliveries[action.event.delivery_id];
            // Events can arrive out of order (cluster nodes, reconnects): keep the newest attempt.
            if (prev && (prev.attempt > action.event.attempt || (prev.attempt === action.event.attempt && prev.at > action.event.at))) return state;
            return {...state, deliveries: {...state.deliveries, [action.event.delivery_id]: action.event}};
        }
        case ActionTypes.meReceived:
            return {...state, me: action.me};
        default:
            return state;
    }
}
