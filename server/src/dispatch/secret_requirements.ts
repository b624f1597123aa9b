import {isSecretHeader, type Endpoint} from '@tripwire/common';

import type {SecretStore} from './secrets';

/** What an endpoint needed when its delivery was accepted; a delivery missing any of it at send time fails closed. */
export interface SecretRequirement {
    signed: boolean;
    /** Lower-case secret header names. */
    headers: string[];
}

/**
 * Endpoints as an outbox record keeps them: without secret header values (those are read from the secret store at
 * send time), plus what each one required then. A rule saved before header values moved to the store still holds them
 * inline: they are moved there first, so its deliveries keep their headers.
 */
export async function sealEndpoints(
    secrets: SecretStore,
    ruleId: string,
    endpoints: readonly Endpoint[],
): Promise<{endpoints: Endpoint[]; required: Record<string, SecretRequirement>}> {
    const required: Record<string, SecretRequirement> = {};
    const sealed: Endpoint[] = [];
    for (const e of endpoints) {
        const inline = Object.entries(e.headers).filter(([name]) => isSecretHeader(e, name));
        let stored = await secrets.headers(ruleId, e.id);
        const missing = inline.filter(([name]) => stored[name.toLowerCase()] === undefined);
        if (missing.length > 0) {
            await secrets.edit(ruleId, {headers: {[e.id]: {keep: Object.keys(stored), set: Object.fromEntries(missing)}}});
            stored = await secrets.headers(ruleId, e.id);
        }
        required[e.id] = {signed: (await secrets.signingSecrets(ruleId, e.id)).length > 0, headers: Object.keys(stored).sort()};
        sealed.push(inline.length > 0 ? {...e, headers: Object.fromEntries(Object.entries(e.headers).filter(([name]) => !isSecretHeader(e, name)))} : e);
    }
    return {endpoints: sealed, required};
}

/** The first secret a requirement names that is no longer there, described for the delivery log; undefined when all are. */
export function missingSecret(required: SecretRequirement | undefined, signing: readonly string[], headers: Readonly<Record<string, string>>): string | undefined {
    if (!required) return undefined;
    if (required.signed && signing.length === 0) return 'the endpoint was signed when this delivery was accepted and its signing secret is gone: not sent unsigned';
    const gone = required.headers.filter((n) => headers[n] === undefined);
    if (gone.length > 0) return `the secret header ${gone.join(', ')} the endpoint had when this delivery was accepted is gone: not sent without it`;
    return undefined;
}
