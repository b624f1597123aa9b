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
});
