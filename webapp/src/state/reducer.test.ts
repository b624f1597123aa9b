import {deliveryStatusReceived, openPanel, ruleReceived, ruleRemoved} from './actions';
import {ActionTypes} from './action_types';
import {initialState, reducer} from './reducer';
import {getRulesOfChannel} from './selectors';
import {ruleView} from '../../test/factories';

const event = (attempt: number, status: 'retrying' | 'failed' | 'succeeded', at = attempt) => ({delivery_id: 'd1', rule_id: 'r1', endpoint_id: 'ep1', post_id: 'p1', at, attempt, status});

describe('plugin reducer', () => {
    it('prefixes action types with the plugin id', () => {
        expect(ActionTypes.panelOpened).toBe('tripwire_panel_opened');
    });

    it('opens and closes the panel for a channel', () => {
        const opened = reducer(initialState, openPanel('c1'));
        expect(opened.openChannelId).toBe('c1');
        expect(reducer(opened, {type: ActionTypes.panelClosed}).openChannelId).toBeNull();
    });

    it('keeps received rules per channel, sorted by name, and forgets removed ones', () => {
        const a = ruleView({name: 'b rule'});
        const b = ruleView({name: 'a rule'});
        let s = reducer(initialState, {type: ActionTypes.channelRulesReceived, channelId: 'c1', rules: [a, b]});
        expect(getRulesOfChannel(s, 'c1').map((r) => r.name)).toEqual(['a rule', 'b rule']);
        const c = ruleView({name: 'c rule'});
        s = reducer(s, ruleReceived(c, 'c1'));
        expect(s.channels.c1!.ruleIds).toEqual([a.id, b.id, c.id]);
        s = reducer(s, ruleRemoved(a.id));
        expect(getRulesOfChannel(s, 'c1').map((r) => r.name)).toEqual(['a rule', 'c rule']);
        expect(s.rules[a.id]).toBeUndefined();
    });

    it('records a failed load with its error code', () => {
        const s = reducer(initialState, {type: ActionTypes.channelRulesFailed, channelId: 'c1', error: {status: 403, code: 'forbidden', message: 'no'}});
        expect(s.channels.c1).toEqual({status: 'error', ruleIds: [], error: {status: 403, code: 'forbidden', message: 'no'}});
    });

    it('keeps the newest delivery status when events arrive out of order', () => {
        let s = reducer(initialState, deliveryStatusReceived(event(2, 'retrying')));
        s = reducer(s, deliveryStatusReceived(event(1, 'retrying')));
        expect(s.deliveries.d1!.attempt).toBe(2);
        s = reducer(s, deliveryStatusReceived(event(3, 'failed')));
        expect(s.deliveries.d1!.status).toBe('failed');
    });

    it('ignores actions that are not its own', () => {
        expect(reducer(initialState, {type: 'RECEIVED_POSTS'})).toBe(initialState);
    });
});
