import {integrationRoutes, PLUGIN_ROUTE, type DeliveryLogEntry, type RuleOutcome, type RuleView, type Trigger} from '@tripwire/common';

import {ApiError} from '../http/errors';
import {type AdminService} from '../http/service/admin_service';
import {type BenchService} from '../http/service/bench_service';
import {type DeliveryService} from '../http/service/delivery_service';
import {ruleSlug as slug, type RuleService} from '../http/service/rule_service';
import {type Logger} from '../ports';

export const TRIGGER = 'tripwire';

/** What Mattermost's ExecuteCommand hook passes (model.CommandArgs, the fields used). */
export interface CommandArgs {
    userId: string;
    channelId: string;
    teamId: string;
    rootId: string;
    /** The whole line, e.g. `/tripwire test deploy api`. */
    command: string;
    triggerId: string;
}

/** model.CommandResponse, the fields used: every answer is ephemeral, like the API's errors are private. */
export interface CommandResponse {
    response_type: 'ephemeral';
    text: string;
}

/** model.AutocompleteData. */
export interface AutocompleteData {
    trigger: string;
    hint: string;
    help_text: string;
    role_id: string;
    arguments: Array<{name: string; help_text: string; type: 'TextInput' | 'DynamicList'; required: boolean; data: Record<string, unknown>}>;
    sub_commands: AutocompleteData[];
}

const ruleArgument = {
    name: '',
    help_text: 'A rule of this channel: its name (spaces as -) or id',
    type: 'DynamicList' as const,
    required: true,
    data: {fetch_url: `${PLUGIN_ROUTE}${integrationRoutes.ruleSuggestions.path}`},
};

const sub = (trigger: string, hint: string, help: string, args: AutocompleteData['arguments'] = []): AutocompleteData => ({
    trigger,
    hint,
    help_text: help,
    role_id: '',
    arguments: args,
    sub_commands: [],
});

const CONSENT_CHOICES: readonly [string, string][] = [
    ['here', 'Allow rules in this direct or group message'],
    ['not-here', 'Refuse rules in this direct or group message, whatever your general answer'],
    ['everywhere', 'Allow rules in all your direct and group messages'],
    ['nowhere', 'Refuse rules in your direct and group messages (answers per conversation still count)'],
];

export const autocompleteData: AutocompleteData = {
    trigger: TRIGGER,
    hint: '[list|test|enable|disable|log|consent|help]',
    help_text: 'Tripwire rules of this channel',
    role_id: '',
    arguments: [],
    sub_commands: [
        sub('list', '', "List this channel's rules"),
        sub('test', '<message>', 'Show which rules a message would trip, and why', [
            {name: '', help_text: 'The message to try', type: 'TextInput', required: true, data: {hint: 'message', pattern: '.+'}},
        ]),
        sub('enable', '<rule>', 'Turn a rule on', [ruleArgument]),
        sub('disable', '<rule>', 'Turn a rule off', [ruleArgument]),
        sub('log', '<rule>', "A rule's latest deliveries", [ruleArgument]),
        {
            ...sub('consent', '[here|not-here|everywhere|nowhere]', 'Whether Tripwire rules may read your direct and group messages'),
            sub_commands: CONSENT_CHOICES.map(([choice, help]) => sub(choice, '', help)),
        },
        sub('help', '', 'How to use /tripwire'),
    ],
};

/** The registration the composition root hands to Mattermost's RegisterCommand. */
export const commandDefinition = {
    trigger: TRIGGER,
    display_name: 'Tripwire',
    description: 'Tripwire rules: list, test, enable, disable, delivery log, consent',
    auto_complete: true,
    auto_complete_desc: 'Tripwire rules of this channel: list, test, enable, disable, log, consent, help',
    auto_complete_hint: autocompleteData.hint,
    autocomplete_data: autocompleteData,
};

const HELP = [
    '#### /tripwire',
    '- `/tripwire list` — the rules watching this channel',
    '- `/tripwire test <message>` — which rules the message would trip, and why each would or would not',
    '- `/tripwire enable <rule>` / `/tripwire disable <rule>` — turn a rule on or off (channel admins)',
    '- `/tripwire log <rule>` — its latest deliveries',
    '- `/tripwire consent [here|not-here|everywhere|nowhere]` — whether rules may read your direct and group messages (every member must agree)',
    '',
    '`<rule>` is a rule name (spaces as `-`, or in quotes) or its id. Rules are edited in the channel menu → **Tripwire rules**.',
].join('\n');

export interface CommandDeps {
    admin: AdminService;
    rules: RuleService;
    bench: BenchService;
    deliveries: DeliveryService;
    log: Logger;
}

/**
 * `/tripwire`: the same operations and permission checks as the REST API (it calls the same services), answered
 * as ephemeral Markdown.
 */
export function createCommandHandler(deps: CommandDeps): (args: CommandArgs) => Promise<CommandResponse> {
    const reply = (text: string): CommandResponse => ({response_type: 'ephemeral', text});
    return async (args) => {
        const rest = args.command.replace(/^\s*\/\S+\s*/, '');
        const sub = rest.split(/\s+/)[0] ?? '';
        const argText = rest.slice(sub.length).trim();
        try {
            switch (sub.toLowerCase()) {
                case 'list':
                    return reply(listText(await deps.rules.listChannel(args.userId, args.channelId)));
                case 'test': {
                    if (!argText) return reply('Usage: `/tripwire test <message>`');
                    const result = await deps.bench.explain(args.userId, args.channelId, {message: argText, is_reply: args.rootId !== '', event: 'posted', files: []});
                    return reply(testText(argText, result.firstWord, result.outcomes));
                }
                case 'enable':
                case 'disable': {
                    const rule = await resolveRule(deps.rules, args, argText);
                    const updated = await deps.rules.setEnabled(args.userId, rule.id, sub.toLowerCase() === 'enable');
                    return reply(`Rule **${updated.name}** is now ${updated.enabled ? 'enabled' : 'disabled'}.`);
                }
                case 'log': {
                    const rule = await resolveRule(deps.rules, args, argText);
                    const page = await deps.deliveries.page(args.userId, rule.id, {page: 0, per_page: 10});
                    return reply(logText(rule, page.entries, page.stats.success_rate));
                }
                case 'consent':
                    return reply(await consent(deps.admin, args, argText.toLowerCase()));
                case '':
                case 'help':
                    return reply(HELP);
                default:
                    return reply(`Unknown command \`${sub}\`.\n\n${HELP}`);
            }
        } catch (err) {
            if (err instanceof ApiError) return reply(`Cannot do that: ${err.message}.`);
            deps.log.error('Tripwire command failed', {command: sub, error: err instanceof Error ? err.message : String(err)});
            return reply('Something went wrong; the server log has the details.');
        }
    };
}

/** `/tripwire consent …`: changes the caller's consent if asked, then says where it stands. */
async function consent(admin: AdminService, args: CommandArgs, choice: string): Promise<string> {
    if (choice === 'here' || choice === 'not-here') {
        try {
            await admin.setOptIn(args.userId, {channel: {id: args.channelId, opted_in: choice === 'here'}});
        } catch (err) {
            // The service answers "not found" for channels that are not one's own direct or group messages.
            if (err instanceof ApiError && err.code === 'not_found') return '`/tripwire consent here` and `not-here` work in direct and group messages only.';
            throw err;
        }
    } else if (choice === 'everywhere' || choice === 'nowhere') {
        await admin.setOptIn(args.userId, {all: choice === 'everywhere'});
    } else if (choice !== '' && choice !== 'status') {
        return `Usage: \`/tripwire consent [here|not-here|everywhere|nowhere]\``;
    }
    const [me, optIn] = await Promise.all([admin.me(args.userId), admin.optIn(args.userId)]);
    const here = optIn.channels[args.channelId];
    return [
        `Rules in your direct and group messages: **${optIn.all ? 'allowed' : 'refused'}** in general` +
            (here === undefined ? '.' : `; in this conversation **${here ? 'allowed' : 'refused'}**.`),
        'A rule runs in a conversation only when every member allows it there.',
        me.dm_rules_enabled ? '' : 'Your system admin has turned rules in direct and group messages off, so none run for now.',
    ]
        .filter(Boolean)
        .join(' ');
}

async function resolveRule(rules: RuleService, args: CommandArgs, text: string): Promise<RuleView> {
    const wanted = text.replace(/^["'](.*)["']$/, '$1').trim();
    if (!wanted) throw new ApiError('invalid_input', 'name a rule: `/tripwire list` shows them');
    const list = await rules.listChannel(args.userId, args.channelId);
    const found = list.filter((r) => r.id === wanted || r.name.toLowerCase() === wanted.toLowerCase() || slug(r.name) === slug(wanted));
    if (found.length === 1) return found[0]!;
    if (found.length === 0) throw new ApiError('not_found', `no rule "${wanted}" in this channel (\`/tripwire list\` shows them)`);
    throw new ApiError('invalid_input', `several rules are called "${wanted}": use an id (${found.map((r) => r.id).join(', ')})`);
}

/** Markdown table cells must not break the table. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function describeTrigger(t: Trigger): string {
    switch (t.mode) {
        case 'any':
            return 'every message';
        case 'regex':
            return `matches \`${t.pattern}\``;
        case 'exact':
            return `first word is ${t.words.map((w) => `\`${w}\``).join(', ')}`;
        case 'starts_with':
            return `first word starts with ${t.words.map((w) => `\`${w}\``).join(', ')}`;
        case 'contains':
            return `contains ${t.words.map((w) => `\`${w}\``).join(', ')}`;
        case 'whole_word':
            return `has the word ${t.words.map((w) => `\`${w}\``).join(', ')}`;
    }
}

function listText(rules: readonly RuleView[]): string {
    if (rules.length === 0) return 'No Tripwire rules watch this channel.';
    const rows = rules.map(
        (r) => `| ${cell(r.name)} | ${r.enabled ? 'on' : 'off'} | ${cell(describeTrigger(r.trigger))} | ${r.endpoints.length} | \`${r.id}\` |`,
    );
    return [`#### Tripwire rules in this channel (${rules.length})`, '| Rule | State | Trigger | Endpoints | Id |', '|---|---|---|---|---|', ...rows].join('\n');
}

function testText(message: string, firstWord: string, outcomes: readonly RuleOutcome[]): string {
    if (outcomes.length === 0) return 'No Tripwire rules watch this channel.';
    const matched = outcomes.filter((o) => o.matched).length;
    const lines = outcomes.map((o) => `- ${o.matched ? '**trips**' : 'does not trip'} **${o.ruleName}**: ${o.detail}`);
    return [`#### Testing \`${cell(message.slice(0, 80))}\` (first word \`${firstWord}\`): ${matched} of ${outcomes.length} rules trip`, ...lines].join('\n');
}

function logText(rule: RuleView, entries: readonly DeliveryLogEntry[], successRate: number | null): string {
    if (entries.length === 0) return `No deliveries of **${rule.name}** yet.`;
    const rate = successRate === null ? '' : ` — ${Math.round(successRate * 100)} % succeeded`;
    const rows = entries.map(
        (e) =>
            `| ${new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)} | ${e.status} | ${e.http_status ?? ''} | ${e.latency_ms === undefined ? '' : `${Math.round(e.latency_ms)} ms`} | ${cell(e.error ?? '')} |`,
    );
    return [`#### Latest deliveries of ${rule.name}${rate}`, '| When (UTC) | Status | HTTP | Latency | Error |', '|---|---|---|---|---|', ...rows].join('\n');
}
