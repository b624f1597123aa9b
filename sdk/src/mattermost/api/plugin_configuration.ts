import {type PluginApiClient} from '../../client';

/**
 * LoadPluginConfiguration, called as the layer always has: client_rpc.go shapes it by hand (its structs are
 * Z_LoadPluginConfigurationArgsArgs/Returns, the settings' JSON in A), so it goes through callWire.
 */
export async function loadPluginConfiguration(client: PluginApiClient, settingKeys: readonly string[]): Promise<Record<string, unknown>> {
    return parsePluginConfiguration((await client.callWire('LoadPluginConfiguration', {})).A, settingKeys);
}

/**
 * LoadPluginConfiguration's reply: the JSON of the plugin's settings with keys lower-cased by the server (Go plugins
 * never notice, json.Unmarshal matches case-insensitively). Keys that match a declared setting case-insensitively get
 * the declared case back; a reply that is not a JSON object reads as no settings.
 */
export function parsePluginConfiguration(raw: unknown, settingKeys: readonly string[]): Record<string, unknown> {
    let parsed: unknown = null;
    if (raw instanceof Uint8Array && raw.length > 0) {
        try {
            parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
        } catch {
            parsed = null;
        }
    }
    // The server's own json.Marshal of a map: checked for shape only (zod stays out of the start-up path).
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const declared = new Map(settingKeys.map((k) => [k.toLowerCase(), k]));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed)) {
        if (key === '__proto__') continue;
        out[declared.get(key.toLowerCase()) ?? key] = value;
    }
    return out;
}
