import {as, CHANNELS, createWorld, ruleSpec, TEAM, USERS, type World} from '../http/testing/world';
import {ruleSpecSchema} from '@tripwire/common';
import request from 'supertest';

import {autocompleteData, commandDefinition, createCommandHandler, type CommandArgs} from './tripwire_command';

describe('/tripwire', () => {
    let w: World;
    let run: (command: string, user?: keyof typeof USERS, channelId?: string) => Promise<string>;

    beforeEach(async () => {
        w = await createWorld();
        const handler = createCommandHandler({...w.services, log: w.log});
        run = async (command, user = 'chanadmin', channelId = CHANNELS.pub) => {
            const args: CommandArgs = {userId: USERS[user], channelId, teamId: TEAM, rootId: '', command, triggerId: 't'};
            const res = await handler(args);
            expect(res.response_type).toBe('ephemeral');
            return res.text;
        };
    });
    afterEach(() => w.close());

    it('lists the channel’s rules', async () => {
        const rule = await w.addRule(ruleSpec({name: 'Deploy watcher'}));
        const text = await run('/tripwire list');
        expect(text).toContain('| Deploy watcher | on | first word is `deploy` | 1 |');
        expect(text).toContain(rule.id);
        expect(await run('/tripwire list', 'chanadmin', CHANNELS.priv)).toBe('No Tripwire rules watch this channel.');
    });

    it('tests a message and explains each rule', async () => {
        await w.addRule(ruleSpec({name: 'Deploys'}));
        await w.addRule(ruleSpec({name: 'Rollbacks', trigger: {mode: 'exact', words: ['rollback']}}));
        const text = await run('/tripwire test deploy  api now');
        expect(text).toContain('1 of 2 rules trip');
        expect(text).toContain('- **trips** **Deploys**');
        expect(text).toMatch(/- does not trip \*\*Rollbacks\*\*: .*rollback/);
    });

    it('enables and disables a rule by name, slug or id', async () => {
        const rule = await w.addRule(ruleSpec({name: 'Deploy watcher'}));
        expect(await run('/tripwire disable deploy-watcher')).toBe('Rule **Deploy watcher** is now disabled.');
        expect((await w.rules.get(rule.id))?.enabled).toBe(false);
        expect(await run('/tripwire enable "Deploy watcher"')).toBe('Rule **Deploy watcher** is now enabled.');
        expect(await run(`/tripwire disable ${rule.id}`)).toBe('Rule **Deploy watcher** is now disabled.');
        expect(await run('/tripwire enable nothing-like-it')).toContain('no rule "nothing-like-it" in this channel');
    });

    it('applies the API’s permission rules', async () => {
        const rule = await w.addRule(ruleSpec({name: 'Deploys', scope: {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.priv]}}));
        expect(await run('/tripwire list', 'member', CHANNELS.pub)).toBe('Cannot do that: only channel admins (and team or system admins) manage rules in this channel.');
        expect(await run('/tripwire list', 'outsider', CHANNELS.priv)).toBe('Cannot do that: channel not found.');
        expect(await run('/tripwire disable deploys', 'guest', CHANNELS.pub)).toBe('Cannot do that: guests cannot manage Tripwire rules.');
        expect((await w.rules.get(rule.id))?.enabled).toBe(true);
    });

    it('records the caller’s consent to rules in direct and group messages, and says where it stands', async () => {
        const status = 'Rules in your direct and group messages: **refused** in general. A rule runs in a conversation only when every member allows it there.';
        expect(await run('/tripwire consent', 'chanadmin', CHANNELS.dm)).toBe(status);
        expect(await run('/tripwire consent here', 'chanadmin', CHANNELS.dm)).toContain('**refused** in general; in this conversation **allowed**.');
        expect(await w.services.admin.optIn(USERS.chanadmin)).toEqual({all: false, channels: {[CHANNELS.dm]: true}});
        expect(await run('/tripwire consent Not-Here', 'chanadmin', CHANNELS.dm)).toContain('in this conversation **refused**.');
        expect(await run('/tripwire consent everywhere', 'chanadmin', CHANNELS.pub)).toContain('**allowed** in general.');
        expect(await w.services.admin.optIn(USERS.chanadmin)).toEqual({all: true, channels: {[CHANNELS.dm]: false}});
        expect(await run('/tripwire consent nowhere', 'member', CHANNELS.dm)).toContain('**refused** in general.');
        w.settings.current = {...w.settings.current, EnableDirectMessageRules: false};
        expect(await run('/tripwire consent status', 'member', CHANNELS.dm)).toBe(
            `${status} Your system admin has turned rules in direct and group messages off, so none run for now.`,
        );
    });

    it('refuses consent for channels that are not one’s own direct or group messages', async () => {
        const onlyThere = '`/tripwire consent here` and `not-here` work in direct and group messages only.';
        expect(await run('/tripwire consent here', 'chanadmin', CHANNELS.pub)).toBe(onlyThere);
        expect(await run('/tripwire consent here', 'outsider', CHANNELS.dm)).toBe(onlyThere);
        expect(await w.services.admin.optIn(USERS.outsider)).toEqual({all: false, channels: {}});
        expect(await run('/tripwire consent maybe', 'chanadmin', CHANNELS.dm)).toBe('Usage: `/tripwire consent [here|not-here|everywhere|nowhere]`');
    });

    it('shows a rule’s delivery log', async () => {
        await w.addRule(ruleSpec());
        expect(await run('/tripwire log deploys')).toBe('No deliveries of **Deploys** yet.');
    });

    it('explains itself for help, nothing and unknown subcommands', async () => {
        expect(await run('/tripwire')).toContain('/tripwire test <message>');
        expect(await run('/tripwire help')).toContain('/tripwire log <rule>');
        expect(await run('/tripwire frobnicate')).toContain('Unknown command `frobnicate`');
        expect(await run('/tripwire test')).toBe('Usage: `/tripwire test <message>`');
    });

    it('declares its autocomplete, with rule names suggested by the plugin', async () => {
        expect(commandDefinition).toMatchObject({trigger: 'tripwire', auto_complete: true});
        expect(autocompleteData.sub_commands.map((s) => s.trigger)).toEqual(['list', 'test', 'enable', 'disable', 'log', 'consent', 'help']);
        const consent = autocompleteData.sub_commands.find((s) => s.trigger === 'consent')!;
        expect(consent.sub_commands.map((s) => s.trigger)).toEqual(['here', 'not-here', 'everywhere', 'nowhere']);
        const enable = autocompleteData.sub_commands.find((s) => s.trigger === 'enable')!;
        const fetchUrl = enable.arguments[0]!.data.fetch_url as string;
        expect(fetchUrl).toBe('/plugins/tripwire/autocomplete/rules');

        await w.addRule(ruleSpec({name: 'Deploy watcher'}));
        // Mattermost's dynamic list calls the plugin with the command's context in the query.
        const path = `${fetchUrl.replace('/plugins/tripwire', '')}?user_input=enable%20&parsed=enable%20&channel_id=${CHANNELS.pub}&team_id=${TEAM}`;
        const res = await request(w.app).get(path).set(as('chanadmin')).expect(200);
        expect(res.body).toEqual([{item: 'deploy-watcher', hint: 'enabled', helptext: 'Deploy watcher'}]);
        expect((await request(w.app).get(path).set(as('member')).expect(200)).body).toEqual([]);
    });

    it('never answers with a secret header value, in any subcommand', async () => {
        const spec = ruleSpec({
            name: 'Secretive',
            endpoints: [{id: 'main', url: 'http://127.0.0.1:9/hook', secret_headers: ['X-Custom'], headers: {Authorization: 'Bearer cmd-marker-1', 'X-Custom': 'cmd-marker-2'}}],
        });
        await w.services.rules.create(USERS.chanadmin, ruleSpecSchema.parse(spec));
        const answers = await Promise.all(['/tripwire list', '/tripwire test deploy now', '/tripwire log secretive', '/tripwire disable secretive', '/tripwire enable secretive', '/tripwire help'].map((c) => run(c)));
        expect(answers[0]).toContain('Secretive');
        for (const text of answers) expect(text).not.toContain('cmd-marker');
    });
});
