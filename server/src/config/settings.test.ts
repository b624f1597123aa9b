import {guardrailDefaults} from '@tripwire/common';

import {guardrailsOf, parseSettings, parseSettingsReport} from './settings';
import {manifest} from '../manifest';

describe('parseSettings', () => {
    it('gives the defaults for an empty configuration, and plugin.json declares only the one Guardrails setting', () => {
        expect(manifest.settings_schema.settings.map((s) => [s.key, s.type])).toEqual([['Guardrails', 'custom']]);
        const parsed = parseSettings({});
        expect(guardrailsOf(parsed)).toEqual(guardrailDefaults);
        expect(parsed).toMatchObject({MaxRulesPerChannel: 25, MaxAttempts: 8, MaxHops: 3, RateLimitPerMinute: 120, EnableDirectMessageRules: false, AllowedHosts: []});
        expect(parsed).toMatchObject({MaxEndpointTimeoutMs: 30_000, MaxEndpointConcurrency: 64, MaxDeliveryAgeSeconds: 604_800, MaxBackoffMs: 86_400_000, AllowForeignActionUrls: true});
        expect(Object.isFrozen(parsed)).toBe(true);
    });

    it('reads the System Console object under the lower-cased key Mattermost stores it with', () => {
        const parsed = parseSettings({guardrails: {allowed_hosts: ['hooks.internal', '10.0.0.0/8'], max_rules_per_channel: 40, dm_rules_enabled: true, max_attempts: 5, max_hops: 2, rate_limit_per_minute: 60, max_endpoint_timeout_ms: 2000, max_endpoint_concurrency: 4, max_delivery_age_seconds: 600, max_backoff_ms: 120_000, allow_foreign_action_urls: false, allow_rule_bots: true}});
        expect(parsed).toEqual({AllowedHosts: ['hooks.internal', '10.0.0.0/8'], MaxRulesPerChannel: 40, EnableDirectMessageRules: true, MaxAttempts: 5, MaxHops: 2, RateLimitPerMinute: 60, MaxEndpointTimeoutMs: 2000, MaxEndpointConcurrency: 4, MaxDeliveryAgeSeconds: 600, MaxBackoffMs: 120_000, AllowForeignActionUrls: false, AllowRuleBots: true});
    });

    it('keeps reading the keys 0.1.0 stored, lower-cased, with its console strings and host text', () => {
        const parsed = parseSettings({allowedhosts: 'hooks.internal 10.0.0.0/8, ci.local', maxrulesperchannel: '40', enabledirectmessagerules: 'true', maxattempts: 5, maxendpointtimeoutms: '2000', allowforeignactionurls: 'false'});
        expect(parsed).toMatchObject({AllowedHosts: ['hooks.internal', '10.0.0.0/8', 'ci.local'], MaxRulesPerChannel: 40, EnableDirectMessageRules: true, MaxAttempts: 5, MaxEndpointTimeoutMs: 2000, AllowForeignActionUrls: false, MaxHops: 3});
    });

    it('takes each guardrail from the object first, then from its 0.1.0 key, then the default', () => {
        const parsed = parseSettings({Guardrails: {max_attempts: 4}, MaxAttempts: 9, MaxHops: 7});
        expect(parsed).toMatchObject({MaxAttempts: 4, MaxHops: 7, RateLimitPerMinute: 120});
    });

    it('accepts numbers and flags written as strings in a hand-made object, and any key case', () => {
        const parsed = parseSettings({GUARDRAILS: {Max_Attempts: '6', dm_rules_enabled: 'true', allowed_hosts: 'a.internal b.internal'}});
        expect(parsed).toMatchObject({MaxAttempts: 6, EnableDirectMessageRules: true, AllowedHosts: ['a.internal', 'b.internal']});
    });

    it('lets a bad value fall back on its own, without resetting the rest', () => {
        const parsed = parseSettings({guardrails: {max_hops: -5, max_attempts: 'lots', max_endpoint_timeout_ms: 100, max_backoff_ms: 1000, max_endpoint_concurrency: 65, dm_rules_enabled: 1, rate_limit_per_minute: 30}, maxhops: 9});
        expect(parsed).toMatchObject({MaxHops: 9, MaxAttempts: 8, MaxEndpointTimeoutMs: 30_000, MaxBackoffMs: 86_400_000, MaxEndpointConcurrency: 64, EnableDirectMessageRules: false, RateLimitPerMinute: 30});
    });

    it('treats a guardrails value that is not an object as absent', () => {
        expect(parseSettings({guardrails: 'max_attempts=3', maxattempts: 2}).MaxAttempts).toBe(2);
        expect(parseSettings({guardrails: null}).MaxAttempts).toBe(8);
    });

    it('names each stored value it could not use, so the plugin can log why a limit did not take', () => {
        const {settings, ignored} = parseSettingsReport({guardrails: {max_attempts: 500, max_hops: 4}, maxattempts: 'lots', maxhops: 9});
        expect(settings).toMatchObject({MaxAttempts: 8, MaxHops: 4});
        expect(ignored).toEqual(['guardrails.max_attempts: Too big: expected number to be <=50', 'MaxAttempts: Invalid input']);
        expect(parseSettingsReport({guardrails: [1]}).ignored).toEqual(['guardrails: expected an object']);
        expect(parseSettingsReport({guardrails: {max_hops: 4}}).ignored).toEqual([]);
    });
});
