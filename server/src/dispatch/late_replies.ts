import type {DeliveryLogEntry} from '@tripwire/common';

import type {Settings} from '../config/settings';
import type {ChannelState, Clock} from '../ports';

import {attemptContextOf} from './attempt_log';
import {replyTargetOf} from './attempt_replies';
import {entryBase, type DeliveryLog} from './delivery_log';
import type {OutboxStore} from './outbox';
import type {ResponseUrls} from './response_urls';
import type {RuleTombstones} from './rule_tombstones';
import type {AsyncReplyResult, AttemptListener, ReplySink} from './types';

export interface LateRepliesDeps {
    clock: Clock;
    settings: () => Settings;
    store: OutboxStore;
    log: DeliveryLog;
    responseUrls: ResponseUrls;
    tombstones: RuleTombstones;
    onReply: ReplySink;
    onAttempt?: AttemptListener;
    channelState?: (channelId: string) => Promise<ChannelState>;
}

/** Replies a service sends later, through the response_url its delivery carried. */
export class LateReplies {
    constructor(private readonly deps: LateRepliesDeps) {}

    /**
     * A late reply through a delivery's response_url (the http layer's `POST /r/:token`): checks the token's signature,
     * lifetime and uses, then posts to the delivery's own channel and thread and logs it.
     */
    async handle(token: string, contentType: string, body: Uint8Array): Promise<AsyncReplyResult> {
        const now = this.deps.clock.now();
        const claims = this.deps.responseUrls.verify(token, now);
        if (typeof claims === 'string') return {ok: false, error: claims};
        const record = (await this.deps.store.load(claims.deliveryId)) ?? (await this.deps.store.loadFinished(claims.deliveryId));
        if (!record) return {ok: false, error: 'not_found'};
        const r = record.value;
        if (await this.deps.tombstones.isGone(r.rule.id)) return {ok: false, error: 'not_found'};
        // Checked before a use is counted: an archived channel's rules rest, and the URL works again once it is back.
        // When Mattermost cannot say, the post is tried and its failure logged as the reply's outcome.
        const channel = (await this.deps.channelState?.(r.facts.channel.id).catch(() => 'open' as const)) ?? 'open';
        if (channel === 'gone') return {ok: false, error: 'not_found'};
        if (channel === 'archived') return {ok: false, error: 'channel_archived'};
        if (!(await this.deps.responseUrls.use(claims, r.response.response_url_uses, now))) return {ok: false, error: 'used_up'};
        const outcome = await this.deps.onReply(replyTargetOf(r), {status: 200, contentType, body, truncated: false, source: 'response_url'}).catch(
            (err: unknown) => ({kind: 'error', reason: (err as Error).message}) as const,
        );
        const entry: DeliveryLogEntry = {...entryBase(r, now), status: 'succeeded', reply: outcome, async_reply: true};
        this.deps.log.append(entry);
        this.deps.onAttempt?.(entry, attemptContextOf(r, this.deps.settings()));
        return {ok: true, outcome};
    }
}
