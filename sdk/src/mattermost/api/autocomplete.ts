import type * as m from '../../generated/model';
import {GoValue, goTypeOf} from '../../runtime/gob';
import {asInterface} from '../../json';
import {type Draft} from '../model';

/** The Go type of AutocompleteArg.Data for each argument Type (model.AutocompleteArgType*). */
const DATA_TYPES: Readonly<Record<string, string>> = {
    TextInput: '*model.AutocompleteTextArg',
    StaticList: '*model.AutocompleteStaticListArg',
    DynamicList: '*model.AutocompleteDynamicListArg',
};

type Data = Draft<m.AutocompleteData>;

/**
 * AutocompleteArg.Data is an interface{}: over gob it must hold the registered type its Type names, or the server
 * drops the command's autocomplete (a plain JSON object would arrive as a map). Data given as plain JSON
 * ({Hint, Pattern}, {PossibleArguments}, {FetchURL}) is tagged with that type here; tagged values pass as they are.
 */
export function withAutocompleteTypes(command: Draft<m.Command>): Draft<m.Command> {
    const data = command.autocomplete_data;
    return data ? {...command, autocomplete_data: typed(data)} : command;
}

function typed(data: Data): Data {
    return {
        ...data,
        ...(data.Arguments ? {Arguments: data.Arguments.map((arg) => (arg ? {...arg, Data: typedData(arg.Type, arg.Data)} : arg))} : {}),
        ...(data.SubCommands ? {SubCommands: data.SubCommands.map((sub) => (sub ? typed(sub) : sub))} : {}),
    };
}

function typedData(type: string | null | undefined, data: unknown): unknown {
    const goName = DATA_TYPES[type ?? ''];
    if (!goName || data === null || typeof data !== 'object' || data instanceof GoValue || goTypeOf(data) !== undefined) return data;
    return asInterface(goName, data as Record<string, unknown>);
}
