/** Every KV key the delivery machinery writes, in one place so their shapes cannot drift apart. */
export const keys = {
    /** A delivery's record, all its life: pending, then finished (with an expiry that ends it). */
    pending: (deliveryId: string) => `dx_p_${deliveryId}`,
    /**
     * Where 0.1.0 kept a finished delivery. Now a delivery keeps its pending key for life, finished
     * in place with an expiry; these are still read until they expire.
     */
    finished: (deliveryId: string) => `dx_f_${deliveryId}`,
    pendingPrefix: 'dx_p_',
    /** One of the 32 shards listing pending delivery ids (what a sweep reads instead of listing every key). */
    pendingIndex: (shard: number) => `dx_pi_${shard}`,
    /** Written once every pending delivery of the store is in the pending index (the one-time upgrade scan is done). */
    indexComplete: 'dx_pi_complete',
    /** A rule's secrets (signing secrets per endpoint, the compat token): never part of the rule itself. */
    secrets: (ruleId: string) => `dx_sec_${ruleId}`,
    /** A rule's delivery log ring. */
    log: (ruleId: string) => `dx_log_${ruleId}`,
    /** The cluster-wide key that signs response_url tokens. */
    responseUrlKey: 'dx_rurl_key',
    /** How many times a delivery's response_url was used. */
    responseUrlUses: (deliveryId: string) => `dx_rurl_n_${deliveryId}`,
    /** A rule's failed deliveries (id, created_at), newest kept: what recover pages through. */
    failedOfRule: (ruleId: string) => `dx_rf_${ruleId}`,
    /** Written when a rule is deleted, with an expiry: writers that were under way then must not re-create its keys. */
    ruleGone: (ruleId: string) => `dx_gone_${ruleId}`,
    /** A Mattermost node's live plugin process and its last heartbeat (dispatch/node_registry). */
    node: (nodeKey: string) => `dx_node_${nodeKey}`,
    /** The node keys that have registered (what deaths() looks through). */
    nodes: 'dx_nodes',
};
