import {type RuleView} from '@tripwire/common';
import {type Dispatch} from 'redux';

import {ClientError} from '../client/client_core';
import {type DeliveryStatusEvent} from '../client/events';
import {type TripwireClient} from '../client/tripwire_client';

import {ActionTypes} from './action_types';
import {type PluginAction} from './reducer';
import {type LoadError} from './types';

/**
 * Plain action creators and thunks. Mattermost's store runs redux-thunk, so a thunk is dispatched like any action;
 * each takes the TripwireClient explicitly, which keeps them testable with a fake client and no module state.
 */

export type Thunk<R = void> = (dispatch: Dispatch<PluginAction>, getState: () => unknown) => Promise<R>;

export const openPanel = (channelId: string): PluginAction => ({type: ActionTypes.panelOpened, channelId});
export const closePanel = (): PluginAction => ({type: ActionTypes.panelClosed});
export const deliveryStatusReceived = (event: DeliveryStatusEvent): PluginAction => ({type: ActionTypes.deliveryStatusReceived, event});
export const ruleReceived = (rule: RuleView, channelId?: string): PluginAction => ({type: ActionTypes.ruleReceived, rule, ...(channelId !== undefined && {channelId})});
export const ruleRemoved = (ruleId: string): PluginAction => ({type: ActionTypes.ruleRemoved, ruleId});

export function loadErrorOf(e: unknown): LoadError {
    if (e instanceof ClientError) return {status: e.status, code: e.code, message: e.message};
    return {status: 0, code: 'internal', message: e instanceof Error ? e.message : String(e)};
}

/** Loads a channel's rules, then each rule's health badges (stats and newest log entry) in the background. */
export function fetchChannelRules(client: TripwireClient, channelId: string): Thunk {
    return async (dispatch) => {
        dispatch({type: ActionTypes.channelRulesRequested, channelId});
        let rules: RuleView[];
        try {
            rules = (await client.listChannelRules(channelId)).rules;
        } catch (e) {
            dispatch({type: ActionTypes.channelRulesFailed, channelId, error: loadErrorOf(e)});
            return;
        }
        dispatch({type: ActionTypes.channelRulesReceived, channelId, rules});
        await Promise.all(rules.map((r) => dispatch(fetchRuleHealth(client, r.id) as unknown as PluginAction)));
    };
}

/** The badges of one rule; a failure only leaves the badges out. */
export function fetchRuleHealth(client: TripwireClient, ruleId: string): Thunk {
    return async (dispatch) => {
        try {
            const page = await client.listDeliveries(ruleId, {per_page: 1});
            dispatch({type: ActionTypes.ruleHealthReceived, ruleId, stats: page.stats, last: page.entries[0]});
        } catch {
            // Health is decoration: the list stays usable without it.
        }
    };
}

export function fetchMe(client: TripwireClient): Thunk {
    return async (dispatch) => {
        try {
            dispatch({type: ActionTypes.meReceived, me: await client.getMe()});
        } catch {
            // The panel asks again when it opens; the limits it shows are optional.
        }
    };
}

/** @throws ClientError so the caller can show it next to the control that failed. */
export function setRuleEnabled(client: TripwireClient, rule: RuleView, enabled: boolean): Thunk<RuleView> {
    return async (dispatch) => {
        const updated = await client.setRuleEnabled(rule.id, enabled, rule.revision);
        dispatch(ruleReceived(updated));
        return updated;
    };
}

/** @throws ClientError */
export function deleteRule(client: TripwireClient, rule: RuleView): Thunk {
    return async (dispatch) => {
        await client.deleteRule(rule.id, rule.revision);
        dispatch(ruleRemoved(rule.id));
    };
}
