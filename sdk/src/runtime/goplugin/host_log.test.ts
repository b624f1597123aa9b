import {createHostLog, formatHostLogLine, hclogTimestamp} from './host_log';

describe('hostLog', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 15, 4, 5, 123));

    it("writes hclog JSON lines with the timestamp layout go-plugin's parser requires", () => {
        const line = formatHostLogLine('info', 'activated', {rules: 3, err: new Error('boom'), big: 2n ** 60n}, at);
        expect(line.endsWith('\n')).toBe(true);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        expect(JSON.parse(line)).toEqual({
            '@level': 'info',
            '@message': 'activated',
            '@timestamp': '2026-01-02T15:04:05.123000Z',
            rules: 3,
            err: 'boom',
            big: '1152921504606846976',
        });
        // Go layout "2006-01-02T15:04:05.000000Z07:00": six fractional digits exactly.
        expect(hclogTimestamp(at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    });

    it('keeps multi-line messages on one line and never lets key/values override the reserved keys', () => {
        const line = formatHostLogLine('error', 'a\nb', {'@level': 'trace', '@message': 42}, at);
        expect(line.split('\n')).toHaveLength(2);
        expect(JSON.parse(line)).toMatchObject({'@level': 'error', '@message': 'a\nb'});
    });

    it('truncates huge messages below the 64 KiB line limit of the host', () => {
        expect(formatHostLogLine('warn', 'x'.repeat(200_000), undefined, at).length).toBeLessThan(64 * 1024);
    });

    it('still logs the message when key/values cannot be serialised', () => {
        const lines: string[] = [];
        const log = createHostLog((l) => lines.push(l), () => at);
        const circular: Record<string, unknown> = {};
        circular['self'] = circular;
        log.warn('careful', {circular});
        expect(JSON.parse(lines[0] as string)).toMatchObject({'@level': 'warn', '@message': 'careful'});
    });
});
