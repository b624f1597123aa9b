import {parseAllowEntry, parseIp, reservedReason} from './ranges';

const reason = (ip: string) => reservedReason(parseIp(ip)!);

describe('reserved ranges', () => {
    it.each([
        '127.0.0.1',
        '127.255.255.254',
        '10.1.2.3',
        '172.16.0.1',
        '172.31.255.255',
        '192.168.1.1',
        '169.254.169.254',
        '100.100.100.200',
        '0.0.0.0',
        '224.0.0.1',
        '255.255.255.255',
        '240.0.0.1',
        '198.18.0.1',
        '::1',
        '::',
        'fe80::1',
        'fc00::1',
        'fd00:ec2::254',
        'ff02::1',
        '::ffff:127.0.0.1',
        '::ffff:10.0.0.1',
        '::ffff:a9fe:a9fe',
        '::127.0.0.1',
        '64:ff9b::7f00:1',
        '2002:7f00:1::',
        '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    ])('refuses %s', (ip) => {
        expect(reason(ip)).not.toBeNull();
    });

    it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (ip) => {
        expect(reason(ip)).toBeNull();
    });

    it('judges a v4-mapped IPv6 address as its IPv4 address', () => {
        expect(parseIp('[::ffff:7f00:1]')!.toString()).toBe('127.0.0.1');
    });
});

describe('parseAllowEntry', () => {
    it.each([
        ['10.0.0.0/8', 'cidr'],
        ['127.0.0.1', 'cidr'],
        ['fd00::/8', 'cidr'],
        ['*.corp.example.com', 'suffix'],
        ['jenkins.local', 'host'],
    ])('reads %s as a %s', (entry, kind) => {
        expect(parseAllowEntry(entry)?.kind).toBe(kind);
    });

    it('ignores blanks and broken CIDRs', () => {
        expect(parseAllowEntry('  ')).toBeNull();
        expect(parseAllowEntry('10.0.0.0/99')).toBeNull();
    });
});
