/** Every KV key the http layer writes (prefix `ht_`; rules use `rl_`, deliveries `dx_`). */
export const httpKeys = {
    /** The cluster-wide key that signs action and dialog envelopes. */
    envelopeKey: 'ht_env_key',
    /** Inbound URL token (its SHA-256) → rule id. */
    inboundToken: (tokenHash: string) => `ht_in_${tokenHash}`,
    /** Rule id → its inbound token's hash, to revoke it. */
    inboundOfRule: (ruleId: string) => `ht_inr_${ruleId}`,
};
