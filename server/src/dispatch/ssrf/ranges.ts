import {isIP} from 'node:net';

import ipaddr from 'ipaddr.js';

/*
 * Address ranges a delivery may not reach unless an admin allows them: Mattermost's reserved list
 * (httpservice.reservedIPRanges) plus the other special-purpose blocks of the IANA registries, so a webhook cannot
 * be aimed at the server itself, the private network, a cloud metadata service or an address that only means
 * something locally.
 */

type Range = readonly [string, string]; // CIDR, why it is refused

const V4: readonly Range[] = [
    ['0.0.0.0/8', 'this network'],
    ['10.0.0.0/8', 'private'],
    ['100.64.0.0/10', 'carrier-grade NAT (also Alibaba Cloud metadata)'],
    ['127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', 'link-local (cloud metadata)'],
    ['172.16.0.0/12', 'private'],
    ['192.0.0.0/24', 'IETF protocol assignments'],
    ['192.0.2.0/24', 'documentation'],
    ['192.88.99.0/24', '6to4 relay'],
    ['192.168.0.0/16', 'private'],
    ['198.18.0.0/15', 'benchmarking'],
    ['198.51.100.0/24', 'documentation'],
    ['203.0.113.0/24', 'documentation'],
    ['224.0.0.0/4', 'multicast'],
    ['240.0.0.0/4', 'reserved'],
];

const V6: readonly Range[] = [
    ['::/128', 'unspecified'],
    ['::1/128', 'loopback'],
    ['::/96', 'IPv4-compatible (deprecated)'],
    ['64:ff9b::/96', 'NAT64'],
    ['64:ff9b:1::/48', 'local NAT64'],
    ['100::/64', 'discard-only'],
    ['2001::/23', 'IETF protocol assignments (incl. Teredo)'],
    ['2001:db8::/32', 'documentation'],
    ['2002::/16', '6to4'],
    ['fc00::/7', 'unique local (incl. AWS metadata fd00:ec2::254)'],
    ['fe80::/10', 'link-local'],
    ['fec0::/10', 'site-local (deprecated)'],
    ['ff00::/8', 'multicast'],
];

const v4 = V4.map(([cidr, why]) => [ipaddr.IPv4.parseCIDR(cidr), why] as const);
const v6 = V6.map(([cidr, why]) => [ipaddr.IPv6.parseCIDR(cidr), why] as const);

/** Parses an IP literal in any form Node or a URL could connect to; null when it is not an IP. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
    let bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
    const family = isIP(bare);
    if (family === 0) return null;
    // ipaddr.js 1.x cannot read IPv6 with an embedded dotted quad other than ::ffff:a.b.c.d; the URL parser can.
    if (family === 6 && !ipaddr.isValid(bare)) bare = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    const ip = ipaddr.parse(bare);
    // A v4-mapped IPv6 address (::ffff:a.b.c.d) connects to the IPv4 address: judge it as that.
    return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

/** Why an address is refused, or null when it is an ordinary public unicast address. */
export function reservedReason(ip: ipaddr.IPv4 | ipaddr.IPv6): string | null {
    if (ip.kind() === 'ipv4') {
        const addr = ip as ipaddr.IPv4;
        if (addr.toString() === '255.255.255.255') return 'broadcast';
        for (const [range, why] of v4) if (addr.match(range)) return why;
        return null;
    }
    const addr = ip as ipaddr.IPv6;
    for (const [range, why] of v6) if (addr.match(range)) return why;
    return null;
}

/** An admin's allowlist entry: a CIDR, a single IP, or a host name (`*.example.com` for its subdomains). */
export type AllowEntry =
    | {kind: 'cidr'; range: [ipaddr.IPv4 | ipaddr.IPv6, number]}
    | {kind: 'host'; name: string}
    | {kind: 'suffix'; suffix: string};

export function parseAllowEntry(entry: string): AllowEntry | null {
    const text = entry.trim().toLowerCase();
    if (!text) return null;
    if (text.includes('/')) {
        try {
            const [ip, bits] = ipaddr.parseCIDR(text);
            return {kind: 'cidr', range: [normalise(ip), ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? bits - 96 : bits]};
        } catch {
            return null;
        }
    }
    const ip = parseIp(text);
    if (ip) return {kind: 'cidr', range: [ip, ip.kind() === 'ipv4' ? 32 : 128]};
    if (text.startsWith('*.')) return {kind: 'suffix', suffix: text.slice(1)};
    return {kind: 'host', name: text.replace(/\.$/, '')};
}

function normalise(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
    return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

export function inRange(ip: ipaddr.IPv4 | ipaddr.IPv6, [net, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
    return ip.kind() === net.kind() && (ip as ipaddr.IPv4).match(net as ipaddr.IPv4, bits);
}
