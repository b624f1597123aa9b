import {ruleChangeAnnouncer, RULES_CHANGED_WS_EVENT} from './rule_announcements';
import {ids} from './testing/factories';

describe('ruleChangeAnnouncer', () => {
    it('reaches the channels, teams and owners a change touched, naming only channels', async () => {
        const sent: unknown[] = [];
        const announce = ruleChangeAnnouncer({publishWebSocketEvent: async (event, payload, broadcast) => void sent.push({event, payload, broadcast})});
        await announce({ruleId: 'r', channels: [ids.town, ids.priv], teams: [ids.team], owners: [ids.alice]});
        const payload = {channel_ids: [ids.town, ids.priv]};
        expect(sent).toEqual([
            {event: RULES_CHANGED_WS_EVENT, payload, broadcast: {channel_id: ids.town}},
            {event: RULES_CHANGED_WS_EVENT, payload, broadcast: {channel_id: ids.priv}},
            {event: RULES_CHANGED_WS_EVENT, payload, broadcast: {team_id: ids.team}},
            {event: RULES_CHANGED_WS_EVENT, payload, broadcast: {user_id: ids.alice}},
        ]);
    });
});
