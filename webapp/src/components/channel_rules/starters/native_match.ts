import {type RuleSpec, type RuleView} from '@tripwire/common';

/**
 * Whether a rule already does what a native outgoing webhook would become (the spec a dry-run import answers): the same
 * scope, trigger and compat callback URLs. That is what "already converted" means in the panel: nothing is stored
 * about past imports, so a rule converted, then edited beyond recognition, no longer counts, and one written by hand
 * to the same effect does.
 */
export function convertedRule(spec: RuleSpec, rules: readonly RuleView[]): RuleView | undefined {
    const key = ruleKey(spec);
    return rules.find((r) => ruleKey(r) === key);
}

const sorted = (xs: readonly string[]) => [...xs].sort();

function ruleKey(spec: Pick<RuleSpec, 'scope' | 'trigger' | 'endpoints'>): string {
    const {scope, trigger} = spec;
    return JSON.stringify([
        scope.kind,
        'teamId' in scope ? scope.teamId : '',
        'channelIds' in scope ? sorted(scope.channelIds) : [],
        'channelTypes' in scope ? sorted(scope.channelTypes) : [],
        trigger.mode,
        'words' in trigger ? sorted(trigger.words) : [],
        'ignoreCase' in trigger ? trigger.ignoreCase : null,
        sorted(spec.endpoints.filter((e) => e.payload === 'compat').map((e) => `${e.content_type} ${e.url}`)),
    ]);
}
