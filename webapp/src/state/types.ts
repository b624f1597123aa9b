import {type DeliveryLogEntry, type DeliveryStats, type Me, type RuleView} from '@tripwire/common';

import {type DeliveryStatusEvent} from '../client/events';

/** A failed request as the slice keeps it (ClientError without the class, so the state stays plain data). */
export interface LoadError {
    status: number;
    code: string;
    message: string;
}

export interface ChannelRules {
    status: 'loading' | 'loaded' | 'error';
    ruleIds: string[];
    error?: LoadError;
}

/** The badges of a rule: its log's stats and its newest entry. */
export interface RuleHealth {
    stats: DeliveryStats;
    last?: DeliveryLogEntry;
}

export interface PluginState {
    /** The channel whose rules panel is open (Jira-style root modal), or null. */
    openChannelId: string | null;
    me: Me | null;
    rules: Record<string, RuleView>;
    channels: Record<string, ChannelRules>;
    health: Record<string, RuleHealth>;
    /** The newest status event per delivery, for the live delivery cards. */
    deliveries: Record<string, DeliveryStatusEvent>;
}
