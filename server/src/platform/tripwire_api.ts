import type {MattermostApi} from '@tripwire/sdk/mattermost';
import type {BotAccounts, PluginAPI} from '../ports';

/** The SDK's Mattermost client as the domain sees it (the ports), plus the calls beyond them main.ts makes. */
export type TripwireApi = PluginAPI & BotAccounts & Pick<MattermostApi, 'ensureBotUser' | 'registerCommand' | 'savePluginConfig'>;

type PortMethod = keyof PluginAPI | keyof BotAccounts;
/** Compile-time guard: a port method the SDK client lacks fails the build here, not at run time. */
const everyPortMethodExists: [Exclude<PortMethod, keyof MattermostApi>] extends [never] ? true : Exclude<PortMethod, keyof MattermostApi> = true;
void everyPortMethodExists;

/**
 * The same object, seen through the ports. The SDK types results as encoding/json writes them (a channel's `type`
 * any string, omitempty fields optional); the ports use @mattermost/types' narrower unions, which Mattermost's values
 * satisfy. AppErrors need no mapping: PluginApiError recognises the SDK's AppError by its registered brand.
 */
export function tripwireApi(api: MattermostApi): TripwireApi {
    return api as unknown as TripwireApi;
}
