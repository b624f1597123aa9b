import {type PluginAPI, type WebSocketBroadcast} from '../ports';
import {type RuleChange} from './rule_store';

/** The websocket event open webapps reload their rule lists on (`custom_<plugin id>_rules_changed`). */
export const RULES_CHANGED_WS_EVENT = 'rules_changed';

/**
 * Publishes a rule change to the people who may see it: members of the channels it names, of the team a team rule
 * covers, and the owner of a personal rule. The payload names channels only, never rule contents.
 */
export function ruleChangeAnnouncer(api: Pick<PluginAPI, 'publishWebSocketEvent'>): (change: RuleChange) => Promise<void> {
    return async (change) => {
        const payload = {channel_ids: change.channels};
        const audiences: WebSocketBroadcast[] = [
            ...change.channels.map((channel_id) => ({channel_id})),
            ...change.teams.map((team_id) => ({team_id})),
            ...change.owners.map((user_id) => ({user_id})),
        ];
        for (const broadcast of audiences) await api.publishWebSocketEvent(RULES_CHANGED_WS_EVENT, payload, broadcast);
    };
}
