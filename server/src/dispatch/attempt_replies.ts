import type {ReplyOutcome, ReplyTarget, ServiceReply} from '@tripwire/common';

import type {Versioned} from '../ports/kv_json';

import type {Call} from './endpoint_call';
import type {OutboxRecord} from './outbox';
import {replyTemplateVariables} from './payload/variables';
import {ReplyPosting, type ReplyPostingDeps} from './reply_posting';
import type {RetryDecision} from './retry_policy';
import type {PreparedReply} from './types';

/** Where a delivery's replies go: the trigger's channel and thread, as the rule's bot when it has one. */
export function replyTargetOf(r: OutboxRecord): ReplyTarget {
    const {post, channel, user} = r.facts;
    return {
        rule_id: r.rule.id,
        rule_name: r.rule.name,
        delivery_id: r.id,
        channel_id: channel.id,
        trigger_post_id: post.id,
        thread_root_id: post.root_id || post.id,
        trigger_in_thread: post.root_id !== '',
        user_id: user.id,
        triggered_at: r.created_at,
        hops: r.facts.hops,
        response: r.response,
        ...(r.rule.bot_user_id && {bot_user_id: r.rule.bot_user_id}),
    };
}

/**
 * The reply a finished attempt's answer makes: prepared by the ReplyPoster, stored with the attempt's outcome, then
 * posted part by part (reply_posting.ts).
 */
export class AttemptReplies {
    private readonly posting: ReplyPosting;

    constructor(private readonly deps: ReplyPostingDeps) {
        this.posting = new ReplyPosting(deps);
    }

    /**
     * Writes a finished attempt's record (compare-and-set on `claimed`) and posts its reply, if it makes one. `ok`:
     * the write took; `reply`: what became of the reply (undefined when there is none, or it is left for later).
     */
    async finish(claimed: Versioned<OutboxRecord>, finished: OutboxRecord, calls: readonly Call[], decision: RetryDecision, now: number): Promise<{ok: boolean; reply: ReplyOutcome | undefined}> {
        const {store} = this.deps;
        const prepared = await this.prepare(claimed.value, calls, decision);
        const opened = prepared?.kind === 'parts' ? this.posting.open(finished, prepared, now) : prepared?.outcome;
        if (opened && 'state' in opened) {
            // The outcome and the reply to post are written together: from here on a crash cannot lose the reply.
            const held = await store.replace(claimed.bytes, opened);
            return {ok: Boolean(held), reply: held ? await this.posting.post(held, true) : undefined};
        }
        const ok = await store.finish(claimed.bytes, {...finished, finished_at: now});
        return {ok, reply: ok ? opened : undefined};
    }

    /** Goes on posting a stored reply (see ReplyPosting.resume). */
    resume(current: Versioned<OutboxRecord>): Promise<ReplyOutcome | undefined> {
        return this.posting.resume(current);
    }

    /** The reply an attempt's answer makes, ready to store; undefined when the rule wants none or there was no answer. */
    private async prepare(r: OutboxRecord, calls: readonly Call[], decision: RetryDecision): Promise<PreparedReply | undefined> {
        if (!r.response.enabled || decision.action === 'retry') return undefined;
        const answered = [...calls].reverse().find((c) => c.result.kind === 'response');
        if (!answered || answered.result.kind !== 'response') return undefined;
        if (decision.action !== 'succeed' && !r.response.accept_any_status) return undefined;
        const res = answered.result;
        const serviceReply: ServiceReply = {status: res.status, contentType: res.headers['content-type'] ?? '', headers: res.headers, body: res.body, truncated: res.truncated, source: 'response'};
        const trigger = r.response.reply_template === undefined ? undefined : replyTemplateVariables({facts: r.facts, rule: {id: r.rule.id, name: r.rule.name}, deliveryId: r.id, webhookId: r.webhook_id});
        try {
            return await this.deps.poster.prepare(replyTargetOf(r), serviceReply, trigger);
        } catch (err) {
            return {kind: 'outcome', outcome: {kind: 'error', reason: (err as Error).message}};
        }
    }
}
