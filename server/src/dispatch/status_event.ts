import {type DeliveryLogEntry, type DeliveryStatus} from '@tripwire/common';

import {type AttemptContext} from './types';

/**
 * A live `delivery_status` websocket event. It goes to every member of the trigger's channel, while the delivery log
 * needs the rule's view permission, so it carries only what any member may see: which delivery of which rule (under
 * which post), how far it got and when. No error text, HTTP status, endpoint, request or response: those stay in the
 * log.
 */
export type DeliveryStatusEvent = {
    delivery_id: string;
    rule_id: string;
    /** The trigger post, in the channel the event goes to: the webapp shows the status under it. */
    post_id: string;
    status: DeliveryStatus;
    attempt: number;
    max_attempts: number;
    at: number;
    next_attempt_at?: number;
};

export function deliveryStatusEvent(entry: DeliveryLogEntry, context: AttemptContext): DeliveryStatusEvent {
    return {
        delivery_id: entry.delivery_id,
        rule_id: entry.rule_id,
        post_id: entry.post_id,
        status: entry.status,
        attempt: entry.attempt,
        max_attempts: context.max_attempts,
        at: entry.at,
        ...(entry.next_attempt_at !== undefined && {next_attempt_at: entry.next_attempt_at}),
    };
}
