import type {Draft, model} from '@tripwire/sdk/mattermost';

/** An autocomplete tree in the snake_case keys of Mattermost's REST API (model.AutocompleteData as the webapp gets it). */
export interface AutocompleteDefinition {
    trigger: string;
    hint: string;
    help_text: string;
    role_id: string;
    arguments: ReadonlyArray<{name: string; help_text: string; type: string; required: boolean; data: Readonly<Record<string, unknown>>}>;
    sub_commands: readonly AutocompleteDefinition[];
}

/** A slash command registration in REST keys (model.Command has json tags; its autocomplete tree has none). */
export interface CommandDefinition extends Omit<Draft<model.Command>, 'autocomplete_data'> {
    autocomplete_data?: AutocompleteDefinition;
}

/** The argument data's REST keys → Go's field names (AutocompleteTextArg, …StaticListArg, …DynamicListArg). */
const DATA_KEYS: Readonly<Record<string, string>> = {hint: 'Hint', pattern: 'Pattern', fetch_url: 'FetchURL', possible_arguments: 'PossibleArguments'};
const LIST_ITEM_KEYS: Readonly<Record<string, string>> = {item: 'Item', hint: 'Hint', helptext: 'HelpText'};

/** The registration as the SDK's RegisterCommand takes it: the autocomplete tree in Go's field names. */
export function commandOf({autocomplete_data: data, ...command}: CommandDefinition): Draft<model.Command> {
    return data ? {...command, autocomplete_data: autocompleteOf(data)} : command;
}

function autocompleteOf(data: AutocompleteDefinition): Draft<model.AutocompleteData> {
    return {
        Trigger: data.trigger,
        Hint: data.hint,
        HelpText: data.help_text,
        RoleID: data.role_id,
        Arguments: data.arguments.map((a) => ({Name: a.name, HelpText: a.help_text, Type: a.type, Required: a.required, Data: renamed(a.data, DATA_KEYS)})),
        SubCommands: data.sub_commands.map(autocompleteOf),
    };
}

function renamed(data: Readonly<Record<string, unknown>>, keys: Readonly<Record<string, string>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(data)) {
        out[keys[key] ?? key] = key === 'possible_arguments' && Array.isArray(value) ? value.map((item: Record<string, unknown>) => renamed(item, LIST_ITEM_KEYS)) : value;
    }
    return out;
}
