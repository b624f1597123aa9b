import {networkInterfaces} from 'node:os';

import {inRange, parseAllowEntry, parseIp, reservedReason, type AllowEntry} from './ranges';

export interface ResolvedAddress {
    address: string;
    family: 4 | 6;
}

/** Resolves a host name to every address it has; injectable so tests can play DNS tricks. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

// node:dns/promises is loaded with the first delivery, not at start-up (the idle plugin's RSS).
export const systemResolver: Resolver = async (host) =>
    (await (await import('node:dns/promises')).lookup(host, {all: true, verbatim: true})).map((a) => ({address: a.address, family: a.family === 6 ? 6 : 4}));

/** The one address a request may connect to, or why it may not be sent at all. */
export type GuardResult =
    | {ok: true; address: string; family: 4 | 6}
    | {ok: false; errorClass: 'ssrf_blocked' | 'dns'; reason: string};

export interface SsrfGuardOptions {
    /**
     * What admins allowed beyond public addresses: Mattermost's AllowedUntrustedInternalConnections plus Tripwire's
     * own AllowedHosts. Host names (exact, or `*.example.com`) are trusted whatever they resolve to, as in Mattermost;
     * IPs and CIDRs open just those addresses. Read on every check, so a config change applies at once; it is parsed
     * again only when a different array comes back (config snapshots are immutable).
     */
    allowlist: () => readonly string[];
    resolve?: Resolver;
    /** The server's own addresses, refused like Mattermost's IsOwnIP (defaults to this host's interfaces). */
    ownAddresses?: () => readonly string[];
}

/**
 * Decides whether a URL may be called and which address to connect to. The host is resolved once here and the
 * caller connects to exactly the address returned, so a second DNS answer (rebinding) never gets a say. When a name
 * resolves to several addresses, one refused address refuses the name: a mixed answer is a red flag.
 */
export class SsrfGuard {
    private readonly resolve: Resolver;
    private readonly own: () => readonly string[];
    private parsed: {list: readonly string[]; source: string; entries: AllowEntry[]} = {list: [], source: '', entries: []};

    constructor(private readonly options: SsrfGuardOptions) {
        this.resolve = options.resolve ?? systemResolver;
        this.own = options.ownAddresses ?? memo(interfaceAddresses);
    }

    async check(url: URL): Promise<GuardResult> {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse(`scheme ${url.protocol} is not allowed`);
        const host = url.hostname.toLowerCase();
        const entries = this.allowEntries();
        const literal = parseIp(host);
        if (literal) {
            const why = this.refusal(literal, entries);
            return why ? refuse(`${host} is ${why}`) : {ok: true, address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6};
        }

        const name = host.replace(/\.$/, '');
        let addresses: ResolvedAddress[];
        try {
            addresses = await this.resolve(name);
        } catch (err) {
            return {ok: false, errorClass: 'dns', reason: `cannot resolve ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`};
        }
        if (addresses.length === 0) return {ok: false, errorClass: 'dns', reason: `${name} has no addresses`};
        const trustedName = entries.some((e) => (e.kind === 'host' && e.name === name) || (e.kind === 'suffix' && name.endsWith(e.suffix)));
        if (!trustedName) {
            for (const a of addresses) {
                const ip = parseIp(a.address);
                const why = ip ? this.refusal(ip, entries) : 'not an IP address';
                if (why) return refuse(`${name} resolves to ${a.address}, which is ${why}`);
            }
        }
        const first = addresses[0]!;
        const ip = parseIp(first.address)!;
        return {ok: true, address: ip.toString(), family: ip.kind() === 'ipv4' ? 4 : 6};
    }

    private refusal(ip: NonNullable<ReturnType<typeof parseIp>>, entries: readonly AllowEntry[]): string | null {
        if (entries.some((e) => e.kind === 'cidr' && inRange(ip, e.range))) return null;
        const reserved = reservedReason(ip);
        if (reserved) return `a ${reserved} address`;
        const text = ip.toString();
        if (this.own().some((a) => parseIp(a)?.toString() === text)) return "this server's own address";
        return null;
    }

    private allowEntries(): AllowEntry[] {
        const list = this.options.allowlist();
        if (list === this.parsed.list) return this.parsed.entries;
        const source = list.join('\n');
        if (source !== this.parsed.source) this.parsed.entries = list.flatMap((e) => parseAllowEntry(e) ?? []);
        this.parsed.list = list;
        this.parsed.source = source;
        return this.parsed.entries;
    }
}

const refuse = (reason: string): GuardResult => ({
    ok: false,
    errorClass: 'ssrf_blocked',
    reason: `${reason}; an admin can allow it in AllowedUntrustedInternalConnections or Tripwire's allowed hosts`,
});

function interfaceAddresses(): string[] {
    return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

function memo<T>(fn: () => T): () => T {
    let value: T | undefined;
    let at = 0;
    return () => {
        // Interfaces rarely change; a minute-old view is fine and keeps the syscall off the hot path.
        if (value === undefined || Date.now() - at > 60_000) {
            value = fn();
            at = Date.now();
        }
        return value;
    };
}
