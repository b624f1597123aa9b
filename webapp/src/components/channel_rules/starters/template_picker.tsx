import {ruleTemplate, ruleTemplates, templateProblems, TOKEN_PLACEHOLDER, type RuleSpec, type RuleTemplate} from '@tripwire/common';
import {useState} from 'react';
import {useIntl} from 'react-intl';

import {InlineConfirm} from '../../common/confirm';
import {SelectField} from '../../common/fields';
import {commonMessages} from '../../common/messages';

import {sm} from './messages';

interface Props {
    /** Whether the form holds typed changes: replacing them is asked first. */
    dirty: boolean;
    disabled?: boolean;
    onApply(template: RuleTemplate): void;
}

/**
 * "Start from a template" in the new-rule flow: a service's documented request fills the endpoint, the trigger and
 * the reply settings. Nothing secret is filled: the Token field stays empty and saving is refused until it is given.
 */
export function TemplatePicker({dirty, disabled = false, onApply}: Props) {
    const f = useIntl().formatMessage;
    const [choice, setChoice] = useState('');
    const [asking, setAsking] = useState(false);
    const [applied, setApplied] = useState<RuleTemplate | null>(null);
    const chosen = ruleTemplate(choice);
    const apply = () => {
        if (!chosen) return;
        setAsking(false);
        setApplied(chosen);
        onApply(chosen);
    };
    return (
        // Closed until asked for: a rule written by hand tabs past it in one step.
        <details
            className='tw-section'
            data-testid='tripwire-template-picker'
        >
            <summary>{f(sm.templateTitle)}</summary>
            <div className='tw-stack'>
                <div className='tw-row tw-wrap'>
                    <div className='tw-grow'>
                        <SelectField
                            label={f(sm.templateLabel)}
                            value={choice}
                            disabled={disabled}
                            help={f(sm.templateHelp)}
                            options={[{value: '', label: f(sm.templateNone)}, ...ruleTemplates.map((t) => ({value: t.id, label: t.service}))]}
                            onChange={setChoice}
                        />
                    </div>
                    <button
                        type='button'
                        className='tw-btn tw-btn-secondary'
                        disabled={disabled || !chosen}
                        onClick={() => (dirty ? setAsking(true) : apply())}
                    >
                        {f(sm.templateApply)}
                    </button>
                </div>
                {chosen && (
                    <a
                        className='tw-small'
                        href={chosen.docs}
                        target='_blank'
                        rel='noopener noreferrer'
                    >
                        {f(sm.templateDocs)}
                    </a>
                )}
                {asking && (
                    <InlineConfirm
                        message={f(sm.templateReplace)}
                        cancelLabel={f(commonMessages.cancel)}
                        confirmLabel={f(sm.templateApply)}
                        onCancel={() => setAsking(false)}
                        onConfirm={apply}
                    />
                )}
                {applied && (
                    <div
                        className='tw-notice'
                        role='status'
                    >
                        {f(sm.templateApplied, {service: applied.service, fill: applied.fill.length ? applied.fill.join(', ') : 'none', placeholder: TOKEN_PLACEHOLDER})}
                    </div>
                )}
            </div>
        </details>
    );
}

/**
 * The editor's check with what a template still asks of the admin (placeholders in the URL, the token): a rule from a
 * template is not saved, nor test-sent, before those are done.
 */
export function withTemplateProblems<C extends {spec: RuleSpec | null; errors: Record<string, string>}>(check: C, draft: RuleSpec, template: RuleTemplate | null, tokenKnown: boolean): C {
    if (!template) return check;
    const problems = templateProblems(draft, template, tokenKnown);
    if (Object.keys(problems).length === 0) return check;
    return {...check, spec: null, errors: {...problems, ...check.errors}};
}
