import {deliveryErrorClasses, deliveryStatuses} from '@tripwire/common';
import * as z from 'zod';

import {pluginId} from '../manifest';

/*
 * What the webapp expects from the server over the websocket and in post props. Neither common/src/api.ts nor
 * server/src/dispatch names these yet; this file is the webapp's side of the contract (see the report of issue 7):
 *
 * - The server forwards every logged attempt to the trigger's channel as `publishWebSocketEvent('delivery_status',
 *   event, {channel_id})` (server/src/dispatch/status_event.ts), which reaches the webapp as
 *   `custom_tripwire_delivery_status`. Every member of the channel gets it, so it carries only the delivery and rule
 *   ids, post_id, status, attempt, max_attempts and times: no error text or HTTP details (those are in the log).
 * - A rule change publishes `rules_changed` with `{channel_ids: string[]}` (`custom_tripwire_rules_changed`).
 * - The live status shows under the triggering post (registerPostMessageAttachmentComponent, keyed by the event's
 *   post_id) for people who may manage the rule. A server may also post a card of its own, type
 *   `custom_tripwire_delivery` with the props of `deliveryCardPropsSchema` (the server does not do so yet).
 * - Reply posts may use type `custom_tripwire_reply`; they render like a normal post with attachments.
 */

export const wsEvent = (name: string) => `custom_${pluginId}_${name}`;
export const DELIVERY_STATUS_EVENT = wsEvent('delivery_status');
export const RULES_CHANGED_EVENT = wsEvent('rules_changed');

export const DELIVERY_CARD_POST_TYPE = `custom_${pluginId}_delivery`;
export const REPLY_POST_TYPE = `custom_${pluginId}_reply`;

/** The parts of a delivery status event the card uses; the rest of the log entry is ignored. */
export const deliveryStatusEventSchema = z.object({
    delivery_id: z.string(),
    rule_id: z.string(),
    endpoint_id: z.string().default(''),
    /** The post that triggered the delivery: the live status shows under it. */
    post_id: z.string().default(''),
    at: z.number(),
    attempt: z.number().int(),
    max_attempts: z.number().int().optional(),
    status: z.enum(deliveryStatuses),
    http_status: z.number().int().optional(),
    error_class: z.enum(deliveryErrorClasses).optional(),
    error: z.string().optional(),
    next_attempt_at: z.number().optional(),
});
export type DeliveryStatusEvent = z.output<typeof deliveryStatusEventSchema>;

export const rulesChangedEventSchema = z.object({channel_ids: z.array(z.string()).default([])});

/** A status card's props as the server posts them; `tripwire_status` 'pending' until the first attempt is logged. */
export const deliveryCardPropsSchema = z.object({
    tripwire_delivery_id: z.string(),
    tripwire_rule_id: z.string(),
    tripwire_rule_name: z.string().default(''),
    tripwire_status: z.enum(['pending', ...deliveryStatuses]).default('pending'),
    tripwire_attempt: z.number().int().default(0),
    tripwire_max_attempts: z.number().int().optional(),
    tripwire_error: z.string().optional(),
});
export type DeliveryCardProps = z.output<typeof deliveryCardPropsSchema>;
