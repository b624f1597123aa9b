import {w, type WireType} from '../types';
import {AutocompleteDynamicListArg, AutocompleteStaticListArg, AutocompleteTextArg} from './commands';
import {AppError, ErrorString} from './core';
import {MessageAttachment} from './posts';

/**
 * Mattermost's model structs as they cross the plugin RPC: Go field name, Go type, JSON tag (server/public/model).
 * gob matches fields by name and skips unknown ones, so a struct lists only the fields we use or pass on; fields that
 * newer servers add are simply not decoded. Keep the order of the Go source. Structs Go gives no JSON tags
 * (plugin.Context, PluginKVSetOptions, PluginClusterEvent*, AutocompleteData and its args) get snake_case names here,
 * like the rest of the JS API.
 */

export * from './core';
export * from './posts';
export * from './commands';
export * from './platform';

/**
 * Concrete types Mattermost registers for interface values (server/public/plugin/client_rpc.go init()). The names
 * are exact gob registration strings; an unknown one makes the server fail the whole call.
 */
export const interfaceTypes: ReadonlyArray<readonly [goName: string, type: WireType]> = [
    ['*model.AppError', w.ptr(AppError)],
    ['*plugin.ErrorString', w.ptr(ErrorString)],
    ['[]*model.SlackAttachment', w.slice(w.ptr(MessageAttachment))],
    ['*model.AutocompleteTextArg', w.ptr(AutocompleteTextArg)],
    ['*model.AutocompleteStaticListArg', w.ptr(AutocompleteStaticListArg)],
    ['*model.AutocompleteDynamicListArg', w.ptr(AutocompleteDynamicListArg)],
];
