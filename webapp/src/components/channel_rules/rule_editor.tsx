import {type RuleSpec, type RuleView} from '@tripwire/common';
import {useMemo, useState} from 'react';
import {useIntl} from 'react-intl';

import {ClientError} from '../../client/client_core';
import {ruleReceived} from '../../state/actions';
import {useClient} from '../common/client_context';
import {commonMessages} from '../common/messages';
import {useAppDispatch} from '../common/hooks';

import {BasicsSection} from './basics_section';
import {ConditionsSection} from './conditions_section';
import {EndpointsSection} from './endpoints_section';
import {m, m2} from './messages';
import {DeliverySection, ResponseSection} from './response_delivery_sections';
import {checkDraft, draftFromRule, newRuleDraft, type DraftChannel, type RuleDraft} from './rule_form_state';
import {SendTest} from './send_test';
import {TriggerSection} from './trigger_section';

interface Props {
    channel: DraftChannel;
    /** null: a new rule. */
    rule: RuleView | null;
    onBack(): void;
}

/**
 * Every field of the rule model, validated as you type with the server's own schema. Problems show for the parts you
 * changed, and everywhere once you try to save; the server's field errors land on the same fields.
 */
export function RuleEditor({channel, rule: initialRule, onBack}: Props) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const dispatch = useAppDispatch();
    const [rule, setRule] = useState<RuleView | null>(initialRule);
    const initial = useMemo(() => (initialRule ? draftFromRule(initialRule) : newRuleDraft(channel)), [initialRule, channel]);
    const [draft, setDraft] = useState<RuleDraft>(initial);
    const [showAll, setShowAll] = useState(false);
    const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
    const [banner, setBanner] = useState<{tone: 'error' | 'info'; text: string} | null>(null);
    const [saving, setSaving] = useState(false);
    const readOnly = rule !== null && !rule.can_manage;

    const check = useMemo(() => checkDraft(draft), [draft]);
    const touched = (path: string) => {
        const key = path.split('.')[0] as keyof RuleDraft;
        return JSON.stringify(draft[key]) !== JSON.stringify(initial[key]);
    };
    const visible: Record<string, string> = {...serverErrors};
    for (const [path, msg] of Object.entries(check.errors)) if (showAll || touched(path)) visible[path] = msg;

    const update = (patch: Partial<RuleDraft>) => {
        setDraft((d) => ({...d, ...patch}));
        setBanner(null);
        const cleared = {...serverErrors};
        for (const key of Object.keys(patch)) for (const p of Object.keys(cleared)) if (p === key || p.startsWith(`${key}.`)) delete cleared[p];
        setServerErrors(cleared);
    };

    const save = async () => {
        setShowAll(true);
        if (!check.spec) {
            setBanner({tone: 'error', text: f(m.fixErrors, {count: Object.keys(check.errors).length})});
            return;
        }
        setSaving(true);
        try {
            const spec: RuleSpec = check.spec;
            const saved = rule ? await client.updateRule(rule.id, {revision: rule.revision, rule: spec}) : await client.createRule(spec);
            dispatch(ruleReceived(saved, channel.id));
            setRule(saved);
            setDraft(draftFromRule(saved));
            setServerErrors({});
            setBanner({tone: 'info', text: f(m2.saved)});
        } catch (e) {
            if (e instanceof ClientError && e.code === 'conflict') setBanner({tone: 'error', text: f(m.conflict)});
            else setBanner({tone: 'error', text: f(m.saveFailed, {message: e instanceof Error ? e.message : String(e)})});
            if (e instanceof ClientError) setServerErrors(Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k.replace(/^rule\./, ''), v])));
        } finally {
            setSaving(false);
        }
    };

    const title = rule === null ? f(m.newRule) : readOnly ? f(m.viewRule, {name: rule.name}) : f(m.editRule, {name: rule.name});
    return (
        <div className='tw-stack'>
            <div className='tw-row'>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    onClick={onBack}
                >
                    {'← '}
                    {f(m.back)}
                </button>
                <h2
                    className='tw-section-title tw-grow'
                    style={{margin: 0}}
                >
                    {title}
                </h2>
            </div>
            <form
                className='tw-stack'
                aria-label={title}
                onSubmit={(e) => {
                    e.preventDefault();
                    void save();
                }}
            >
                <BasicsSection
                    draft={draft}
                    update={update}
                    errors={visible}
                    disabled={readOnly}
                    channelTeamId={channel.teamId}
                />
                <TriggerSection
                    value={draft.trigger}
                    onChange={(trigger) => update({trigger})}
                    errors={visible}
                    disabled={readOnly}
                />
                <ConditionsSection
                    draft={draft}
                    update={update}
                    errors={visible}
                    disabled={readOnly}
                />
                <EndpointsSection
                    endpoints={draft.endpoints}
                    onChange={(endpoints) => update({endpoints})}
                    errors={visible}
                    disabled={readOnly}
                    ruleId={rule?.id ?? null}
                />
                <ResponseSection
                    value={draft.response}
                    onChange={(response) => update({response})}
                    errors={visible}
                    disabled={readOnly}
                />
                <DeliverySection
                    value={draft.delivery}
                    onChange={(delivery) => update({delivery})}
                    errors={visible}
                    disabled={readOnly}
                />
                {banner && (
                    <div
                        className={`tw-notice${banner.tone === 'error' ? ' tw-notice-error' : ''}`}
                        role={banner.tone === 'error' ? 'alert' : 'status'}
                    >
                        {banner.text}
                    </div>
                )}
                {!readOnly && (
                    <div className='tw-row'>
                        <span className='tw-grow'/>
                        <button
                            type='button'
                            className='tw-btn tw-btn-tertiary tw-btn-lg'
                            onClick={onBack}
                        >
                            {f(commonMessages.cancel)}
                        </button>
                        <button
                            type='submit'
                            className='tw-btn tw-btn-primary tw-btn-lg'
                            disabled={saving}
                        >
                            {f(saving ? m.saving : m.saveRule)}
                        </button>
                    </div>
                )}
            </form>
            <SendTest
                rule={rule}
                channelId={channel.id}
            />
        </div>
    );
}
