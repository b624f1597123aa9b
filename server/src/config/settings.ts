import {z} from 'zod';

/**
 * The plugin's System Console settings (plugin.json settings_schema). Mattermost sends numbers typed in the console
 * as strings or numbers depending on version, so numbers are coerced; out-of-range values fall back to the defaults
 * rather than disabling the plugin.
 */
const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).catch(fallback);

export const settingsSchema = z.object({
    AllowedHosts: z
        .string()
        .catch('')
        .transform((s) => s.split(/[\s,]+/).filter(Boolean)),
    MaxRulesPerChannel: count(25, 1000),
    EnableDirectMessageRules: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).catch(false),
    MaxAttempts: count(8, 50),
    MaxHops: count(3, 20),
    RateLimitPerMinute: count(120, 100_000),
});

export type Settings = Readonly<z.output<typeof settingsSchema>>;

export function parseSettings(raw: unknown): Settings {
    return Object.freeze(settingsSchema.parse(raw ?? {}));
}
