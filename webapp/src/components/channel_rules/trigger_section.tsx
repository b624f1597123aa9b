import {type Trigger, type TriggerMode} from '@tripwire/common';
import {useRef} from 'react';
import {useIntl} from 'react-intl';

import {Checkbox, LinesField, SelectField, TextField} from '../common/fields';

import {m} from './messages';
import {errorAt} from './rule_form_state';
import {type SectionProps} from './section';

export const triggerModeMessages = {
    exact: m.triggerExact,
    starts_with: m.triggerStartsWith,
    contains: m.triggerContains,
    whole_word: m.triggerWholeWord,
    regex: m.triggerRegex,
    any: m.triggerAny,
} as const;

/** Switching modes keeps what still makes sense (the words, the case setting) and uses the schema's defaults. */
export function triggerForMode(mode: TriggerMode, prev: Trigger): Trigger {
    const words = 'words' in prev ? prev.words : [];
    const ignoreCase = 'ignoreCase' in prev ? prev.ignoreCase : undefined;
    switch (mode) {
        case 'exact':
        case 'starts_with':
            return {mode, words, ignoreCase: ignoreCase ?? false};
        case 'contains':
        case 'whole_word':
            return {mode, words, ignoreCase: ignoreCase ?? true};
        case 'regex':
            return {mode, pattern: prev.mode === 'regex' ? prev.pattern : '', ignoreCase: ignoreCase ?? false, multiline: false, dotAll: false};
        case 'any':
            return {mode};
    }
}

/**
 * What each trigger type held while the editor is open: switching to "regular expression" and back gives the words
 * back, and the pattern comes back too.
 */
export function useTriggerDrafts(value: Trigger, onChange: (t: Trigger) => void): (mode: TriggerMode) => void {
    const drafts = useRef<Partial<Record<TriggerMode, Trigger>>>({});
    return (mode) => {
        if (mode === value.mode) return;
        drafts.current[value.mode] = value;
        const kept = drafts.current[mode];
        if (!kept) onChange(triggerForMode(mode, value));
        // Words typed under one word mode carry over to the others; a mode's own settings (the pattern, flags) come back.
        else onChange('words' in kept && 'words' in value ? {...kept, words: value.words} : kept);
    };
}

/** The trigger's fields (the Rule section shows them): type, words or pattern, and the matching options. */
export function TriggerFields({value, onChange, errors, disabled}: SectionProps<Trigger>) {
    const intl = useIntl();
    const f = intl.formatMessage;
    const setMode = useTriggerDrafts(value, onChange);
    return (
        <div className='tw-grid-3'>
            <SelectField
                label={f(m.triggerMode)}
                path='trigger.mode'
                value={value.mode}
                disabled={disabled}
                error={errorAt(errors, 'trigger.mode')}
                options={(Object.keys(triggerModeMessages) as TriggerMode[]).map((mode) => ({value: mode, label: f(triggerModeMessages[mode])}))}
                onChange={setMode}
            />
            {'words' in value && (
                <LinesField
                    label={f(m.words)}
                    path='trigger.words'
                    help={f(m.wordsHelp)}
                    values={value.words}
                    disabled={disabled}
                    error={errorAt(errors, 'trigger.words')}
                    onChange={(words) => onChange({...value, words})}
                />
            )}
            {value.mode === 'regex' && (
                <TextField
                    label={f(m.pattern)}
                    path='trigger.pattern'
                    help={f(m.patternHelp)}
                    mono={true}
                    value={value.pattern}
                    disabled={disabled}
                    error={errorAt(errors, 'trigger.pattern')}
                    onChange={(pattern) => onChange({...value, pattern})}
                />
            )}
            {value.mode !== 'any' && (
                <div
                    className='tw-field'
                    style={{paddingTop: 24}}
                >
                    <Checkbox
                        label={f(m.ignoreCase)}
                        checked={value.ignoreCase}
                        disabled={disabled}
                        onChange={(ignoreCase) => onChange({...value, ignoreCase})}
                    />
                    {value.mode === 'regex' && (
                        <>
                            <Checkbox
                                label={f(m.multiline)}
                                checked={value.multiline}
                                disabled={disabled}
                                onChange={(multiline) => onChange({...value, multiline})}
                            />
                            <Checkbox
                                label={f(m.dotAll)}
                                checked={value.dotAll}
                                disabled={disabled}
                                onChange={(dotAll) => onChange({...value, dotAll})}
                            />
                        </>
                    )}
                </div>
            )}
        </div>
    );
}
