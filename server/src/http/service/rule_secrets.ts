import {endpointOrigin, isSecretHeader, secretHeaderNames, type Endpoint, type Rule, type RuleSecretsInput, type RuleSpec} from '@tripwire/common';

import {type SecretEdit, type SecretsSummary} from '../../dispatch/secrets';

/*
 * How rule writes move secrets: secret header values go from the request into the SecretStore (never the rule record),
 * and an endpoint whose origin changes loses what was set for the old origin unless the same request gives it again.
 */

/** Secret header values a request carried, by endpoint id then header name. */
export type SuppliedHeaders = Record<string, Record<string, string>>;

/**
 * The spec as it is stored: each endpoint's `secret_headers` completed with the default-sensitive names it uses, its
 * secret header values taken out (returned apart), and the API-only fields reset.
 */
export function splitSecretHeaders(spec: RuleSpec): {spec: RuleSpec; supplied: SuppliedHeaders} {
    const supplied: SuppliedHeaders = {};
    const endpoints = spec.endpoints.map((e): Endpoint => {
        const secret_headers = secretHeaderNames(e);
        const declared = {secret_headers};
        const headers: Record<string, string> = {};
        const values: Record<string, string> = {};
        for (const [name, value] of Object.entries(e.headers)) {
            // An empty secret value is a field left blank: the stored value stays.
            if (isSecretHeader(declared, name)) {
                if (value !== '') values[name] = value;
            } else headers[name] = value;
        }
        if (Object.keys(values).length > 0) supplied[e.id] = values;
        return {...e, headers, secret_headers, has_secret: false, secret_headers_set: []};
    });
    return {spec: {...spec, endpoints}, supplied};
}

/**
 * Only what every reader may see of an endpoint: no secret header value, and which secrets are set. A rule saved
 * before header values moved to the secret store may still hold some inline: they count as set (and as secret).
 */
export function publicEndpoint(e: Endpoint, summary: SecretsSummary): Endpoint {
    const set = new Set(summary.headers_set[e.id] ?? []);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(e.headers)) {
        if (!isSecretHeader(e, name)) headers[name] = value;
        else if (value !== '') set.add(name.toLowerCase());
    }
    const names = secretHeaderNames(e);
    return {
        ...e,
        headers,
        secret_headers: names,
        has_secret: summary.endpoints_with_secret.includes(e.id),
        secret_headers_set: names.filter((n) => set.has(n.toLowerCase())),
    };
}

/** The secret edit that stores a new rule's header values. */
export function createEdit(supplied: SuppliedHeaders): SecretEdit {
    return {headers: Object.fromEntries(Object.entries(supplied).map(([id, set]) => [id, {keep: [], set}]))};
}

/** One endpoint moved to another origin, for the owner's notice. */
export interface OriginChange {
    endpointId: string;
    from: string;
    to: string;
    /** What was dropped and not given again: "signing secret", "secret header Authorization", "token". */
    dropped: string[];
}

export interface UpdatePlan {
    /** Written before the rule: secrets of the old origins must never meet the new URL, even for a moment. */
    before: SecretEdit;
    /** Written after the rule: what the request supplied, and the removal of what the rule no longer names. */
    after: SecretEdit;
    changes: OriginChange[];
}

/** What an update does to the rule's secrets. `next` is the split spec, `supplied` its header values. */
export function planUpdate(current: Rule, next: RuleSpec, supplied: SuppliedHeaders, input: RuleSecretsInput | undefined, summary: SecretsSummary): UpdatePlan {
    const old = new Map(current.endpoints.map((e) => [e.id, e]));
    const changes: OriginChange[] = [];
    const headers: NonNullable<SecretEdit['headers']> = {};
    for (const e of next.endpoints) {
        const before = old.get(e.id);
        const moved = before !== undefined && endpointOrigin(before.url) !== endpointOrigin(e.url);
        const set = supplied[e.id] ?? {};
        // A new endpoint reusing an old id, or one that moved, starts from nothing stored.
        headers[e.id] = {keep: before && !moved ? e.secret_headers : [], set};
        if (!moved) continue;
        const resupplied = new Set(Object.keys(set).map((n) => n.toLowerCase()));
        const droppedHeaders = (summary.headers_set[e.id] ?? []).filter((n) => !resupplied.has(n));
        changes.push({
            endpointId: e.id,
            from: endpointOrigin(before.url),
            to: endpointOrigin(e.url),
            dropped: [
                ...(summary.endpoints_with_secret.includes(e.id) && !input?.signing_secrets?.[e.id] ? ['signing secret'] : []),
                ...droppedHeaders.map((n) => `secret header ${n}`),
            ],
        });
    }
    const removed = current.endpoints.filter((e) => !next.endpoints.some((n) => n.id === e.id)).map((e) => e.id);
    const dropToken = changes.length > 0 && input?.token === undefined;
    if (dropToken && summary.has_token) for (const c of changes) c.dropped.push('token');
    return {
        before: {removeEndpoints: changes.map((c) => c.endpointId), ...(dropToken && {token: ''})},
        after: {
            removeEndpoints: removed,
            headers,
            ...(input?.signing_secrets && {signing: input.signing_secrets}),
            ...(input?.token !== undefined && {token: input.token}),
        },
        changes,
    };
}
