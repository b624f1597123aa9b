import {parseSettings} from './settings';
import {manifest} from '../manifest';

describe('parseSettings', () => {
    it('gives the plugin.json defaults for an empty configuration', () => {
        // The custom Guardrails setting has no value of its own: it edits the settings below it.
        const defaults = Object.fromEntries(manifest.settings_schema.settings.flatMap((s) => ('default' in s ? [[s.key, s.default]] : [])));
        const parsed = parseSettings({});
        expect(parsed.MaxRulesPerChannel).toBe(defaults.MaxRulesPerChannel);
        expect(parsed.MaxAttempts).toBe(defaults.MaxAttempts);
        expect(parsed.MaxHops).toBe(defaults.MaxHops);
        expect(parsed.RateLimitPerMinute).toBe(defaults.RateLimitPerMinute);
        expect(parsed.EnableDirectMessageRules).toBe(defaults.EnableDirectMessageRules);
        expect(parsed.AllowedHosts).toEqual([]);
    });

    it('coerces console strings and splits the host list', () => {
        const parsed = parseSettings({MaxRulesPerChannel: '40', AllowedHosts: 'hooks.internal 10.0.0.0/8, ci.local'});
        expect(parsed.MaxRulesPerChannel).toBe(40);
        expect(parsed.AllowedHosts).toEqual(['hooks.internal', '10.0.0.0/8', 'ci.local']);
    });

    it('falls back to defaults for out-of-range numbers and freezes the snapshot', () => {
        const parsed = parseSettings({MaxHops: -5, MaxAttempts: 'lots', EnableDirectMessageRules: 'false'});
        expect(parsed.MaxHops).toBe(3);
        expect(parsed.MaxAttempts).toBe(8);
        expect(parsed.EnableDirectMessageRules).toBe(false);
        expect(Object.isFrozen(parsed)).toBe(true);
    });

    it('defaults the guardrails plugin.json does not declare to the rule schema maxima', () => {
        const parsed = parseSettings({});
        expect(parsed).toMatchObject({MaxEndpointTimeoutMs: 30_000, MaxEndpointConcurrency: 64, MaxDeliveryAgeSeconds: 604_800, MaxBackoffMs: 86_400_000, AllowForeignActionUrls: true});
    });

    it('reads the undeclared guardrails under the lower-cased keys Mattermost returns them with', () => {
        const parsed = parseSettings({maxendpointtimeoutms: '2000', maxendpointconcurrency: 4, maxdeliveryageseconds: 600, maxbackoffms: 120_000, allowforeignactionurls: 'false', MaxAttempts: 5});
        expect(parsed).toMatchObject({MaxEndpointTimeoutMs: 2000, MaxEndpointConcurrency: 4, MaxDeliveryAgeSeconds: 600, MaxBackoffMs: 120_000, AllowForeignActionUrls: false, MaxAttempts: 5});
    });

    it('falls back for guardrails outside their range', () => {
        const parsed = parseSettings({MaxEndpointTimeoutMs: 100, MaxBackoffMs: 1000, MaxEndpointConcurrency: 65});
        expect(parsed).toMatchObject({MaxEndpointTimeoutMs: 30_000, MaxBackoffMs: 86_400_000, MaxEndpointConcurrency: 64});
    });
});
