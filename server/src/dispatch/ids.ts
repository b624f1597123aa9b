import {createHash, randomBytes} from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array, chars: number): string {
    let out = '';
    let bits = 0;
    let value = 0;
    for (const byte of bytes) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5 && out.length < chars) {
            out += CROCKFORD[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
        value &= (1 << bits) - 1;
    }
    return out;
}

/**
 * A delivery's id, derived from the rule, the endpoint(s) and the event: the same event always gets the same id, so a
 * repeated hook or a double submit lands on the same outbox key and the same `webhook-id` (receivers dedupe on it).
 * 26 lowercase base32 characters: no `.`, as Standard Webhooks requires of ids.
 */
export function deliveryIdFor(ruleId: string, endpointKey: string, eventId: string): string {
    const digest = createHash('sha256').update(`${ruleId}\u0000${endpointKey}\u0000${eventId}`).digest();
    return base32(digest, 26);
}

/** A random id of the same shape, for node ids and replay copies. */
export function randomId(): string {
    return base32(randomBytes(17), 26);
}

export const webhookIdOf = (deliveryId: string): string => `msg_${deliveryId}`;
