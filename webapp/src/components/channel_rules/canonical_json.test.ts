import {canonicalJson} from './rule_editor';

describe('canonicalJson (the editor\'s unsaved-changes check)', () => {
    it('sees no change when only the order of fields differs, or a field is undefined instead of absent', () => {
        const fromServer = {name: 'r', bot: {display_name: 'Ticket Bot', username: 'ticketbot', icon: 'data:image/png;base64,AA=='}};
        const rebuilt = {bot: {username: 'ticketbot', display_name: 'Ticket Bot', icon: 'data:image/png;base64,AA==', extra: undefined}, name: 'r'};
        expect(canonicalJson(rebuilt)).toBe(canonicalJson(fromServer));
    });

    it('sees a changed value, and keeps the order of lists', () => {
        expect(canonicalJson({bot: {username: 'a'}})).not.toBe(canonicalJson({bot: {username: 'b'}}));
        expect(canonicalJson({emoji: ['ticket', '+1']})).not.toBe(canonicalJson({emoji: ['+1', 'ticket']}));
    });
});
