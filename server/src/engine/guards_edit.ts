import {type KVStore} from '../ports';
import {ruleKeys} from '../rules/rule_kv';

/**
 * "Never twice for one post": the (rule, post) pairs that fired, on the KV store with an expiry, claimed with an
 * atomic set-if-absent so that exactly one claim wins across the cluster. Only rules that listen to edits need it:
 * a post is posted once, but may be edited many times (and edited back and forth).
 */
export class FiredRegistry {
    constructor(
        private readonly kv: KVStore,
        /** How long a post stays "already fired"; edits later than this could fire again. @defaultValue 30 days */
        private readonly ttlSeconds = 30 * 86_400,
    ) {}

    /** True the first time for this (rule, post), false ever after (until the expiry). */
    claim(ruleId: string, postId: string): Promise<boolean> {
        return this.kv.setWithOptions(ruleKeys.fired(ruleId, postId), new Uint8Array([1]), {
            atomic: true,
            oldValue: null,
            expireInSeconds: this.ttlSeconds,
        });
    }
}
