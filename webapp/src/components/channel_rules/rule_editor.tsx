import {applyRuleTemplate, type RuleSpec, type RuleTemplate, type RuleView, type RuleWarning} from '@tripwire/common';
import {useEffect, useLayoutEffect, useMemo, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {ClientError} from '../../client/client_core';
import {ruleReceived} from '../../state/actions';
import {useClient} from '../common/client_context';
import {commonMessages} from '../common/messages';
import {useAppDispatch, usePluginSelector} from '../common/hooks';

import {BasicsSection} from './basics_section';
import {BotSection} from './bot_section';
import {ConditionsSection} from './conditions_section';
import {EndpointsSection} from './endpoints_section';
import {ErrorSummary, focusField} from './error_summary';
import {m, m2} from './messages';
import {DeliverySection, ResponseSection} from './response_delivery_sections';
import {checkDraft, draftFromRule, isVisible, newRuleDraft, type DraftChannel, type RuleDraft} from './rule_form_state';
import {SendTest} from './send_test';
import {TemplatePicker, withTemplateProblems} from './starters/template_picker';
import {TriggerFields} from './trigger_section';

/** What the person edits: the flags the server sets (a signing secret now stored) are no unsaved change. */
const editable = (d: RuleDraft) => ({...d, endpoints: d.endpoints.map(({has_secret: _s, secret_headers_set: _h, ...e}) => e)});

/**
 * JSON with object keys sorted: the server's view and an object the form rebuilt (`{...defaults, ...value}`) list the
 * same fields in another order, which is no change; absent and undefined fields are alike too.
 */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_key, v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    );
}

const pathOf = (target: EventTarget): string | null => (target instanceof HTMLElement ? target.closest('[data-path]')?.getAttribute('data-path') ?? null : null);

interface Props {
    channel: DraftChannel;
    /** null: a new rule. */
    rule: RuleView | null;
    /** "Back to rules" and Cancel: the panel asks about unsaved changes first. */
    onBack(): void;
    /** Told whenever the editor's unsaved state changes (and false when it closes). */
    onDirtyChange(dirty: boolean): void;
}

/**
 * Every field of the rule model, validated with the server's own schema. A problem shows once its field was left
 * after editing, or everywhere once a save was tried; then a summary lists them, each leading to its field. The
 * server's field errors and the save-time destination warnings land on the same fields.
 */
export function RuleEditor({channel, rule: initialRule, onBack, onDirtyChange}: Props) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const dispatch = useAppDispatch();
    const me = usePluginSelector((s) => s.me);
    const [rule, setRule] = useState<RuleView | null>(initialRule);
    const [initial, setInitial] = useState<RuleDraft>(() => (initialRule ? draftFromRule(initialRule) : newRuleDraft(channel)));
    const [draft, setDraft] = useState<RuleDraft>(initial);
    const [token, setToken] = useState<string | undefined>(undefined);
    const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
    // A stored rule's problems are there already, not half-typed: they show at once.
    const [showAll, setShowAll] = useState(initialRule !== null);
    const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
    const [warnings, setWarnings] = useState<RuleWarning[]>([]);
    const [banner, setBanner] = useState<{tone: 'error' | 'info' | 'warning'; text: string} | null>(null);
    const [saving, setSaving] = useState(false);
    const [summaryFocus, setSummaryFocus] = useState(0);
    const form = useRef<HTMLFormElement>(null);
    const summary = useRef<HTMLDivElement>(null);
    const edited = useRef(new Set<string>());
    const notice = useRef<HTMLDivElement>(null);
    const readOnly = rule !== null && !rule.can_manage;
    // A new rule started from a service template: what it still needs (the token, the URL's placeholders) blocks saving.
    const [template, setTemplate] = useState<RuleTemplate | null>(null);
    const tokenKnown = (token !== undefined && token !== '') || (rule?.has_token ?? false);

    const check = useMemo(
        () => withTemplateProblems(checkDraft(draft, {dmRulesEnabled: me?.dm_rules_enabled ?? null}), draft, template, tokenKnown),
        [draft, me, template, tokenKnown],
    );
    const dirty = token !== undefined || canonicalJson(editable(draft)) !== canonicalJson(editable(initial));
    // A layout effect: the panel's Escape and Back handlers must see "saved" in the same commit that shows "Saved.",
    // not one passive-effect flush later (a quick Escape right after saving was asked to discard nothing).
    useLayoutEffect(() => onDirtyChange(dirty && !readOnly), [dirty, readOnly, onDirtyChange]);
    useEffect(() => () => onDirtyChange(false), [onDirtyChange]);
    // After a failed save, focus goes to what says why: the summary, or the notice when no field is to blame (a conflict).
    useEffect(() => {
        if (summaryFocus > 0) (summary.current ?? notice.current)?.focus();
    }, [summaryFocus]);

    const visible: Record<string, string> = {};
    for (const [path, msg] of Object.entries(check.errors)) if (isVisible(path, touched, showAll)) visible[path] = msg;
    Object.assign(visible, serverErrors);
    for (const w of warnings) visible[w.field] ??= w.message;
    const blocking = {...check.errors, ...serverErrors};

    const update = (patch: Partial<RuleDraft>) => {
        setDraft((d) => ({...d, ...patch}));
        setBanner(null);
        const cleared = {...serverErrors};
        for (const key of Object.keys(patch)) for (const p of Object.keys(cleared)) if (p === key || p.startsWith(`${key}.`)) delete cleared[p];
        setServerErrors(cleared);
        if ('endpoints' in patch) setWarnings([]);
    };

    const failed = (text: string) => {
        setBanner({tone: 'error', text});
        setSummaryFocus((n) => n + 1);
    };

    const save = async () => {
        setShowAll(true);
        if (!check.spec) {
            failed(f(m.fixErrors, {count: Object.keys(check.errors).length}));
            return;
        }
        setSaving(true);
        try {
            const spec: RuleSpec = check.spec;
            let saved = rule
                ? await client.updateRule(rule.id, {revision: rule.revision, rule: spec, ...(token !== undefined && {secrets: {token}})})
                : await client.createRule(spec);
            if (!rule && token !== undefined) {
                await client.call('setToken', {params: {ruleId: saved.id}, body: {token}});
                saved = {...saved, has_token: token !== ''};
            }
            dispatch(ruleReceived(saved, channel.id));
            const next = draftFromRule(saved);
            setRule(saved);
            setInitial(next);
            setDraft(next);
            setToken(undefined);
            setServerErrors({});
            setTouched(new Set());
            edited.current.clear();
            setWarnings(saved.warnings ?? []);
            setBanner(saved.warnings?.length ? {tone: 'warning', text: f(m2.savedOff)} : {tone: 'info', text: f(m2.saved)});
        } catch (e) {
            if (e instanceof ClientError) setServerErrors(Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k.replace(/^rule\./, ''), v])));
            if (e instanceof ClientError && e.code === 'conflict') failed(f(m.conflict));
            else failed(f(m.saveFailed, {message: e instanceof Error ? e.message : String(e)}));
        } finally {
            setSaving(false);
        }
    };

    const title = rule === null ? f(m.newRule) : readOnly ? f(m.viewRule, {name: rule.name}) : f(m.editRule, {name: rule.name});
    const summaryErrors = Object.fromEntries(Object.entries(visible).filter(([p]) => p in blocking));
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
            {rule === null && !readOnly && (
                <TemplatePicker
                    dirty={dirty}
                    onApply={(t) => {
                        setTemplate(t);
                        update(applyRuleTemplate(draft, t));
                    }}
                />
            )}
            {showAll && banner?.tone === 'error' && Object.keys(summaryErrors).length > 0 && (
                <ErrorSummary
                    ref={summary}
                    errors={summaryErrors}
                    form={form.current}
                />
            )}
            <form
                ref={form}
                className='tw-stack'
                aria-label={title}
                noValidate={true}
                // A field counts as touched once it was changed and then left: nothing is red before you have typed.
                onChange={(e) => {
                    const path = pathOf(e.target);
                    if (path) edited.current.add(path);
                }}
                onBlur={(e) => {
                    const path = pathOf(e.target);
                    if (path && edited.current.has(path) && !touched.has(path)) setTouched(new Set([...touched, path]));
                }}
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
                >
                    <TriggerFields
                        value={draft.trigger}
                        onChange={(trigger) => update({trigger})}
                        errors={visible}
                        disabled={readOnly}
                    />
                </BasicsSection>
                <EndpointsSection
                    endpoints={draft.endpoints}
                    onChange={(endpoints) => update({endpoints})}
                    errors={visible}
                    disabled={readOnly}
                    ruleId={rule?.id ?? null}
                    token={token}
                    hasToken={rule?.has_token ?? false}
                    onTokenChange={(t) => {
                        setToken(t);
                        setBanner(null);
                    }}
                />
                <ResponseSection
                    value={draft.response}
                    onChange={(response) => update({response})}
                    errors={visible}
                    disabled={readOnly}
                />
                <BotSection
                    value={draft.bot}
                    onChange={(bot) => update({bot})}
                    errors={visible}
                    disabled={readOnly}
                    allowed={me?.allow_rule_bots ?? false}
                />
                <ConditionsSection
                    draft={draft}
                    update={update}
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
                        ref={notice}
                        tabIndex={-1}
                        className={`tw-notice${banner.tone === 'error' ? ' tw-notice-error' : banner.tone === 'warning' ? ' tw-notice-warning' : ''}`}
                        role={banner.tone === 'info' ? 'status' : 'alert'}
                    >
                        <span className='tw-grow'>{banner.text}</span>
                        {banner.tone === 'warning' && warnings[0] && (
                            <button
                                type='button'
                                className='tw-link'
                                onClick={() => focusField(form.current, warnings[0]!.field)}
                            >
                                {f(m2.showWarning)}
                            </button>
                        )}
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
                draft={dirty || !rule ? check.spec : null}
                dirty={dirty}
                token={token}
            />
        </div>
    );
}
