import {type RuleSpec, type RuleWarning} from '@tripwire/common';

import {type GuardResult} from '../../dispatch/ssrf/guard';

/** How long a save waits for DNS before it stops asking (the guard checks again at every delivery anyway). */
const CHECK_TIMEOUT_MS = 2000;

/**
 * Asks the deliveries' SSRF guard about each endpoint's host at save time, so a private or metadata address is found
 * when the rule is written rather than at its first delivery. Only a refused address is reported: a name that does not
 * resolve now may resolve later, and every delivery checks again.
 */
export async function destinationWarnings(spec: Pick<RuleSpec, 'endpoints'>, check: (url: URL) => Promise<GuardResult>): Promise<RuleWarning[]> {
    const found = await Promise.all(
        spec.endpoints.map(async (endpoint, i): Promise<RuleWarning | null> => {
            const url = urlOf(endpoint.url);
            if (!url) return null;
            const verdict = await withTimeout(check(url));
            if (!verdict || verdict.ok || verdict.errorClass !== 'ssrf_blocked') return null;
            return {field: `endpoints.${i}.url`, code: 'destination_blocked', message: blockedMessage(url.hostname, verdict.reason)};
        }),
    );
    return found.filter((w): w is RuleWarning => w !== null);
}

/** A plain sentence for a channel admin: what is wrong, that the rule is off, and which setting to ask the admin for. */
export function blockedMessage(host: string, reason: string): string {
    // The guard's reason ends with its own hint for admins ("; an admin can allow it in ..."): said better below.
    const what = reason.split(';')[0]!.trim();
    return (
        `Tripwire may not call ${host}: ${what}. The rule was saved turned off. If this service is meant to be reached, ` +
        `ask your system admin to add ${host} to Mattermost's "Allow untrusted internal connections to" ` +
        `(AllowedUntrustedInternalConnections) or to Tripwire's "Allowed destination hosts" (AllowedHosts), then turn the rule on.`
    );
}

/** Placeholders sit only in the path and query (the schema says so), so the host is known before any delivery. */
function urlOf(templated: string): URL | null {
    try {
        return new URL(templated.replace(/\{\{[^}]*\}\}/g, 'x'));
    } catch {
        return null;
    }
}

async function withTimeout<T>(promise: Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), CHECK_TIMEOUT_MS);
        timer.unref?.();
    });
    try {
        return await Promise.race([promise.catch(() => null), timeout]);
    } finally {
        clearTimeout(timer);
    }
}
