/** Every KV key the rules module writes, in one place (prefix `rl_`; the delivery machinery uses `dx_`). */
export const ruleKeys = {
    rule: (ruleId: string) => `rl_r_${ruleId}`,
    /** Ids of the 'channels'-scoped rules naming a channel. */
    channel: (channelId: string) => `rl_ch_${channelId}`,
    /** Ids of a team's 'team'-scoped rules. */
    team: (teamId: string) => `rl_tm_${teamId}`,
    /** Ids of a user's 'direct'-scoped rules. */
    direct: (ownerId: string) => `rl_dm_${ownerId}`,
    /** Ids of every rule, for listing and recovery. */
    all: 'rl_all',
    /** A user's consent to rules in direct and group conversations. */
    optIn: (userId: string) => `rl_optin_${userId}`,
    /** A (rule, post) pair that already fired; written with an expiry by the engine's edit guard. */
    fired: (ruleId: string, postId: string) => `rl_fired_${ruleId}_${postId}`,
};

/** A JSON list of ids; anything else reads as empty (a corrupt index must not take a channel down). */
export function parseIdList(raw: unknown): string[] {
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
}

/** Rule indexes take bursts of concurrent edits (one key per channel): more compare-and-set attempts than the default. */
export const RULE_KV_WRITE = {attempts: 10} as const;
