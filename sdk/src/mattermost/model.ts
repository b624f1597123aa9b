/**
 * The JSON shapes the Mattermost layer takes and gives: the generated model (sdk/src/generated/model.ts), keyed as
 * encoding/json keys each struct: json tags, Go names where a struct has none (plugin.Context, model.Config,
 * PluginKVSetOptions, PluginClusterEvent, AutocompleteData…). Nil maps are null, nil slices empty arrays.
 */
export type * as model from '../generated/model';

/** The input form of a JSON shape: every field optional, recursively (absent or null = Go's zero value). */
export type Draft<T> = T extends Uint8Array ? T : T extends Array<infer E> ? Array<Draft<E>> : T extends object ? {[K in keyof T]?: Draft<T[K]> | null} : T;
