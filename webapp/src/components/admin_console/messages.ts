import {defineMessages} from 'react-intl';

export const am = defineMessages({
    intro: {id: 'tripwire.admin.intro', defaultMessage: 'Limits that apply to every Tripwire rule on this server. Channel admins manage their rules inside these bounds. Save with the Save button of this page.'},
    configAsCode: {id: 'tripwire.admin.config_as_code', defaultMessage: 'Managing config.json as code? These values are the object PluginSettings.Plugins.tripwire.guardrails; the README shows it.'},
    allowedHosts: {id: 'tripwire.admin.allowed_hosts', defaultMessage: 'Allowed internal destinations'},
    allowedHostsHelp: {id: 'tripwire.admin.allowed_hosts_help', defaultMessage: 'Host names, *.domain, IP addresses or CIDR ranges that rules may call even when they resolve to private or loopback addresses. One per line; empty allows only public destinations.'},
    maxRules: {id: 'tripwire.admin.max_rules', defaultMessage: 'Maximum rules per channel'},
    dmRules: {id: 'tripwire.admin.dm_rules', defaultMessage: 'Allow rules in direct and group messages (only where every member opted in)'},
    maxAttempts: {id: 'tripwire.admin.max_attempts', defaultMessage: 'Delivery attempts (default and most a rule may ask for)'},
    maxHops: {id: 'tripwire.admin.max_hops', defaultMessage: 'Maximum reply chain length'},
    rate: {id: 'tripwire.admin.rate', defaultMessage: 'Deliveries per rule per minute (default and most a rule or a user may get)'},
    maxTimeout: {id: 'tripwire.admin.max_timeout', defaultMessage: 'Longest endpoint timeout (ms)'},
    maxConcurrency: {id: 'tripwire.admin.max_concurrency', defaultMessage: 'Most requests at once per endpoint'},
    maxAge: {id: 'tripwire.admin.max_age', defaultMessage: 'Oldest delivery still sent (seconds)'},
    maxBackoff: {id: 'tripwire.admin.max_backoff', defaultMessage: 'Longest wait between attempts (ms)'},
    foreignActions: {id: 'tripwire.admin.foreign_actions', defaultMessage: 'Send button clicks and dialog submissions to URLs outside the rule’s endpoints (unsigned, as Mattermost does)'},
    ruleBots: {id: 'tripwire.admin.rule_bots', defaultMessage: 'Let rules post as a bot account of their own (name, display name, avatar), which Tripwire creates; off: every reply comes from the Tripwire bot'},
    rulesClamped: {id: 'tripwire.admin.rules_clamped', defaultMessage: 'Rules may ask for less than these limits, never more: saving a rule over one is refused, and deliveries already queued are held to a limit lowered later.'},
    notSaved: {id: 'tripwire.admin.not_saved', defaultMessage: 'Not saved: {fields}. Fix the highlighted fields and save again; they keep their previous values until then.'},
    ignored: {id: 'tripwire.admin.ignored', defaultMessage: 'The stored configuration has values Tripwire cannot use, so the form shows what applies instead ({values}). Save this page to store the values shown.'},
    setByEnv: {id: 'tripwire.admin.set_by_env', defaultMessage: 'The plugin settings are set by the environment variable MM_PLUGINSETTINGS_PLUGINS, so changes made here are not kept. Change that variable instead.'},
});
