import {createHmac, randomBytes} from 'node:crypto';

/*
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over `${id}.${timestamp}.${body}` with
 * the secret's decoded bytes, sent as `v1,<base64>`; during a secret rotation both secrets sign, space-separated.
 */

const PREFIX = 'whsec_';

/** A new secret, shown to the user once: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
    return PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a `whsec_...` secret, or null when it is not one (24 to 64 bytes of standard base64). */
export function secretKey(secret: string): Buffer | null {
    if (!secret.startsWith(PREFIX)) return null;
    const encoded = secret.slice(PREFIX.length);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
    const key = Buffer.from(encoded, 'base64');
    return key.length >= 24 && key.length <= 64 ? key : null;
}

export function signatureOf(key: Buffer, webhookId: string, timestampSeconds: number, body: Buffer): string {
    const mac = createHmac('sha256', key);
    mac.update(`${webhookId}.${timestampSeconds}.`);
    mac.update(body);
    return `v1,${mac.digest('base64')}`;
}

/**
 * The three Standard Webhooks headers for one attempt: the id stays the same on every retry, the timestamp is this
 * attempt's. With no secrets there is no signature header, but id and timestamp still go (the id is the idempotency key).
 */
export function webhookHeaders(webhookId: string, nowMs: number, body: Buffer, secrets: readonly string[]): Record<string, string> {
    const timestamp = Math.floor(nowMs / 1000);
    const headers: Record<string, string> = {'webhook-id': webhookId, 'webhook-timestamp': String(timestamp)};
    const signatures = secrets.flatMap((s) => {
        const key = secretKey(s);
        return key ? [signatureOf(key, webhookId, timestamp, body)] : [];
    });
    if (signatures.length > 0) headers['webhook-signature'] = signatures.join(' ');
    return headers;
}
