import {type RuleView} from '@tripwire/common';
import {act, screen, waitFor} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {openPanel} from '../../state/actions';
import {ruleView} from '../../../test/factories';
import {API, CHANNEL_ID, fakeServer, makeStore, renderWithProviders, type RecordedCall} from '../../../test/render';

import {ChannelRulesModal} from './channel_rules_modal';

type Routes = Parameters<typeof fakeServer>[0];

async function editor(allowRuleBots: boolean, rule: RuleView | null = null, routes: Routes = {}) {
    const user = userEvent.setup();
    const server = fakeServer({
        [`GET ${API}/me`]: {body: {user_id: 'u', is_system_admin: false, dm_rules_enabled: false, max_rules_per_channel: 25, allow_rule_bots: allowRuleBots}},
        [`GET ${API}/channels/${CHANNEL_ID}/rules`]: {body: {rules: rule ? [rule] : []}},
        ...(rule && {[`GET ${API}/rules/${rule.id}/deliveries`]: {status: 500, body: {}}}),
        ...routes,
    });
    const store = makeStore([]);
    store.dispatch(openPanel(CHANNEL_ID));
    renderWithProviders(<ChannelRulesModal/>, {client: server.client, store});
    await user.click(await screen.findByRole('button', {name: rule ? 'Edit' : 'Add rule'}));
    return {...server, user};
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 4, 5, 6]);
const dataUrl = (type: string, bytes: Uint8Array) => `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;

/** A FileReader whose reads finish when the test says, in the order it says (a large or slow avatar file). */
class HeldFileReader {
    static held: HeldFileReader[] = [];
    result: string | null = null;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    file: File | null = null;
    readAsDataURL(file: File) {
        this.file = file;
        HeldFileReader.held.push(this);
    }
    /** jsdom's File cannot hand its bytes back: the test's files are PNG or JPEG, each with its constant's bytes. */
    finish() {
        this.result = dataUrl(this.file!.type, this.file!.type === 'image/jpeg' ? JPEG : PNG);
        act(() => this.onload?.());
    }
}

function holdFileReads() {
    const real = globalThis.FileReader;
    HeldFileReader.held = [];
    globalThis.FileReader = HeldFileReader as unknown as typeof FileReader;
    return () => {
        globalThis.FileReader = real;
    };
}

jest.setTimeout(30_000);

describe('the rule editor’s "Post as" section', () => {
    it('is absent while the system admin does not allow rule bots', async () => {
        await editor(false);
        expect(screen.getByLabelText('Name')).toBeInTheDocument();
        expect(screen.queryByText('Post as')).not.toBeInTheDocument();
        expect(screen.queryByLabelText('Post replies as a bot of this rule’s own')).not.toBeInTheDocument();
    });

    it('sends the bot with its avatar as a data: URL, and shows the server’s verdict on the username', async () => {
        const {user, calls} = await editor(true, null, {
            [`POST ${API}/rules`]: {status: 409, body: {error: {code: 'conflict', message: '@alice is a user account', fields: {'bot.username': '@alice is a user account: choose another username'}}}},
        });
        await user.type(screen.getByLabelText('Name'), 'Deploys');
        await user.type(screen.getByLabelText('Trigger words'), 'deploy');
        await user.type(screen.getByLabelText('Callback URL'), 'https://hooks.example.com/x');
        await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
        await user.type(screen.getByLabelText('Bot username'), 'alice');
        await user.type(screen.getByLabelText('Display name'), 'Alice Bot');
        await user.upload(screen.getByLabelText('Avatar'), new File([PNG], 'a.png', {type: 'image/png'}));
        await screen.findByRole('button', {name: 'Remove avatar'});
        await user.click(screen.getByRole('button', {name: 'Save rule'}));
        await waitFor(() => expect(calls.some((c: RecordedCall) => c.method === 'POST')).toBe(true));
        const body = calls.find((c: RecordedCall) => c.method === 'POST')!.body as {bot: Record<string, string>};
        expect(body.bot).toEqual({username: 'alice', display_name: 'Alice Bot', icon: `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`});
        await waitFor(() => expect(screen.getByLabelText('Bot username')).toHaveAccessibleDescription(expect.stringContaining('@alice is a user account')));
    });

    describe('while the avatar file is still being read', () => {
        let restore: () => void;
        beforeEach(() => {
            restore = holdFileReads();
        });
        afterEach(() => restore());

        it('keeps what was typed meanwhile when the read finishes, and saves both', async () => {
            const {user, calls} = await editor(true, null, {[`POST ${API}/rules`]: {status: 500, body: {error: {code: 'internal', message: 'stop here'}}}});
            await user.type(screen.getByLabelText('Name'), 'Deploys');
            await user.type(screen.getByLabelText('Trigger words'), 'deploy');
            await user.type(screen.getByLabelText('Callback URL'), 'https://hooks.example.com/x');
            await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
            await user.type(screen.getByLabelText('Bot username'), 'alice');
            await user.upload(screen.getByLabelText('Avatar'), new File([PNG], 'a.png', {type: 'image/png'}));
            await user.type(screen.getByLabelText('Display name'), 'Alice Bot');
            HeldFileReader.held[0]!.finish();
            expect(screen.getByLabelText('Display name')).toHaveValue('Alice Bot');
            expect(screen.getByRole('button', {name: 'Remove avatar'})).toBeInTheDocument();
            await user.click(screen.getByRole('button', {name: 'Save rule'}));
            await waitFor(() => expect(calls.some((c: RecordedCall) => c.method === 'POST')).toBe(true));
            const body = calls.find((c: RecordedCall) => c.method === 'POST')!.body as {bot: Record<string, string>};
            expect(body.bot).toEqual({username: 'alice', display_name: 'Alice Bot', icon: dataUrl('image/png', PNG)});
        });

        it('takes the file picked last even when an earlier read finishes after it, and none once the avatar was removed or the bot turned off', async () => {
            const {user} = await editor(true);
            await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
            await user.upload(screen.getByLabelText('Avatar'), new File([PNG], 'first.png', {type: 'image/png'}));
            await user.upload(screen.getByLabelText('Avatar'), new File([JPEG], 'second.jpg', {type: 'image/jpeg'}));
            const [first, second] = HeldFileReader.held;
            second!.finish();
            first!.finish();
            const preview = () => document.querySelector<HTMLImageElement>('img[src^="data:"]')?.getAttribute('src');
            expect(preview()).toBe(dataUrl('image/jpeg', JPEG));

            // Removed while another file is read: it stays removed.
            await user.upload(screen.getByLabelText('Avatar'), new File([PNG], 'third.png', {type: 'image/png'}));
            await user.click(screen.getByRole('button', {name: 'Remove avatar'}));
            HeldFileReader.held[2]!.finish();
            expect(preview()).toBeUndefined();

            // The bot turned off while its avatar is read: it stays off.
            await user.upload(screen.getByLabelText('Avatar'), new File([PNG], 'fourth.png', {type: 'image/png'}));
            await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
            HeldFileReader.held[3]!.finish();
            expect(screen.queryByLabelText('Bot username')).not.toBeInTheDocument();

            // Turned off and on again while a file is read: the new bot does not get the old bot's avatar.
            await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
            await user.upload(screen.getByLabelText('Avatar'), new File([PNG], 'fifth.png', {type: 'image/png'}));
            await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
            await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
            HeldFileReader.held[4]!.finish();
            expect(screen.getByLabelText('Bot username')).toBeInTheDocument();
            expect(preview()).toBeUndefined();
        });
    });

    it('refuses a username Mattermost would refuse before anything is sent', async () => {
        const {user} = await editor(true);
        await user.click(screen.getByLabelText('Post replies as a bot of this rule’s own'));
        await user.type(screen.getByLabelText('Bot username'), 'Alice Bot');
        await user.tab();
        expect(screen.getByLabelText('Bot username')).toHaveAttribute('aria-invalid', 'true');
    });

    it('keeps a stored bot when the admin turned rule bots off, and offers to remove it', async () => {
        const {user} = await editor(false, ruleView({bot: {username: 'deploy-bot', display_name: ''}}));
        expect(screen.getByText(/no longer lets rules post as their own bot/)).toBeInTheDocument();
        expect(screen.getByLabelText('Bot username')).toBeDisabled();
        await user.click(screen.getByRole('button', {name: 'Remove the bot'}));
        expect(screen.queryByLabelText('Bot username')).not.toBeInTheDocument();
    });
});
