import {type Condition, type RuleSpec} from '@tripwire/common';
import {useState} from 'react';
import {useIntl} from 'react-intl';

import {commonMessages} from '../common/messages';
import {Checkbox, LinesField, NumberField, SelectField, TextField} from '../common/fields';

import {m} from './messages';
import {compact, errorAt, errorCountUnder} from './rule_form_state';
import {Section} from './section';

type Leaf = Exclude<Condition, {type: 'all'} | {type: 'any'} | {type: 'not'}>;
type LeafType = Leaf['type'];
type RowKind = LeafType | 'json';

const leafMessages: Record<LeafType, (typeof m)[keyof typeof m]> = {
    user: m.condUser,
    group: m.condGroup,
    bot: m.condBot,
    integration: m.condIntegration,
    has_files: m.condFiles,
    mentions_bot: m.condMentions,
    length: m.condLength,
};

function isLeaf(c: Condition): c is Leaf {
    return c.type !== 'all' && c.type !== 'any' && c.type !== 'not';
}

/** A row shows a leaf, or `not` of a leaf as a "not" tick; anything deeper is edited as JSON. */
function rowOf(c: Condition): {kind: RowKind; negated: boolean; leaf: Leaf | null} {
    if (isLeaf(c)) return {kind: c.type, negated: false, leaf: c};
    if (c.type === 'not' && isLeaf(c.of)) return {kind: c.of.type, negated: true, leaf: c.of};
    return {kind: 'json', negated: false, leaf: null};
}

function emptyLeaf(type: LeafType): Leaf {
    switch (type) {
        case 'user':
            return {type, userIds: []};
        case 'group':
            return {type, groupIds: []};
        case 'has_files':
            return {type, mimeTypes: []};
        case 'length':
            return {type, min: 1};
        default:
            return {type};
    }
}

type Props = {
    draft: Pick<RuleSpec, 'conditions' | 'sources' | 'cooldown'>;
    update(patch: Partial<Pick<RuleSpec, 'conditions' | 'sources' | 'cooldown'>>): void;
    errors: Record<string, string>;
    disabled: boolean;
};

export function ConditionsSection({draft, update, errors, disabled}: Props) {
    const intl = useIntl();
    const f = intl.formatMessage;
    const set = (i: number, c: Condition) => update({conditions: draft.conditions.map((x, j) => (j === i ? c : x))});
    return (
        <Section
            title={f(m.sectionConditions)}
            errors={errorCountUnder(errors, ['conditions', 'sources', 'cooldown'])}
            open={draft.conditions.length > 0 || draft.sources.bots || draft.sources.integrations}
        >
            <div className='tw-help'>{f(m.conditionsHelp)}</div>
            {errors.conditions && <div className='tw-error'>{errors.conditions}</div>}
            {draft.conditions.map((c, i) => (
                <ConditionRow
                    key={i}
                    index={i}
                    condition={c}
                    errors={errors}
                    disabled={disabled}
                    onChange={(next) => set(i, next)}
                    onRemove={() => update({conditions: draft.conditions.filter((_, j) => j !== i)})}
                />
            ))}
            <div>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    disabled={disabled}
                    // A new condition must not stop the rule firing: "at least 1 character" holds for every message.
                    onClick={() => update({conditions: [...draft.conditions, {type: 'length', min: 1}]})}
                >
                    {'+ '}
                    {f(m.addCondition)}
                </button>
            </div>
            <div className='tw-row tw-wrap'>
                <Checkbox
                    label={f(m.sourcesBots)}
                    path='sources.bots'
                    checked={draft.sources.bots}
                    disabled={disabled}
                    onChange={(bots) => update({sources: {...draft.sources, bots}})}
                />
                <Checkbox
                    label={f(m.sourcesIntegrations)}
                    checked={draft.sources.integrations}
                    disabled={disabled}
                    onChange={(integrations) => update({sources: {...draft.sources, integrations}})}
                />
            </div>
            <div className='tw-grid-2'>
                <NumberField
                    label={f(m.cooldownChannel)}
                    path='cooldown.channelSeconds'
                    value={draft.cooldown.channelSeconds}
                    disabled={disabled}
                    error={errorAt(errors, 'cooldown.channelSeconds')}
                    onChange={(v) => update({cooldown: {...draft.cooldown, channelSeconds: v ?? NaN}})}
                />
                <NumberField
                    label={f(m.cooldownUser)}
                    path='cooldown.userSeconds'
                    value={draft.cooldown.userSeconds}
                    disabled={disabled}
                    error={errorAt(errors, 'cooldown.userSeconds')}
                    onChange={(v) => update({cooldown: {...draft.cooldown, userSeconds: v ?? NaN}})}
                />
            </div>
        </Section>
    );
}

function ConditionRow({index, condition, errors, disabled, onChange, onRemove}: {
    index: number;
    condition: Condition;
    errors: Record<string, string>;
    disabled: boolean;
    onChange(c: Condition): void;
    onRemove(): void;
}) {
    const intl = useIntl();
    const f = intl.formatMessage;
    const row = rowOf(condition);
    const base = `conditions.${index}${row.negated ? '.of' : ''}`;
    const wrap = (leaf: Leaf): Condition => (row.negated ? {type: 'not', of: leaf} : leaf);
    const options = [
        ...(Object.keys(leafMessages) as LeafType[]).map((t) => ({value: t as RowKind, label: f(leafMessages[t])})),
        {value: 'json' as RowKind, label: f(m.condNested)},
    ];
    return (
        <div
            className='tw-section'
            data-label-prefix={f(m.conditionN, {n: index + 1})}
        >
            <div className='tw-row'>
                <div className='tw-grow'>
                    <SelectField
                        label={f(m.conditionType)}
                        path={`conditions.${index}.type`}
                        error={errorAt(errors, `conditions.${index}.type`)}
                        value={row.kind}
                        options={options}
                        disabled={disabled}
                        onChange={(kind) => onChange(kind === 'json' ? {type: 'all', of: [condition]} : wrap(emptyLeaf(kind)))}
                    />
                </div>
                {row.kind !== 'json' && (
                    <Checkbox
                        label={f(m.condNot)}
                        checked={row.negated}
                        disabled={disabled}
                        onChange={(on) => row.leaf && onChange(on ? {type: 'not', of: row.leaf} : row.leaf)}
                    />
                )}
                <button
                    type='button'
                    className='tw-btn tw-btn-danger'
                    disabled={disabled}
                    onClick={onRemove}
                >
                    {f(commonMessages.remove)}
                </button>
            </div>
            {row.leaf?.type === 'user' && (
                <LinesField
                    label={f(m.userIds)}
                    mono={true}
                    values={row.leaf.userIds}
                    error={errorAt(errors, `${base}.userIds`)}
                    onChange={(userIds) => onChange(wrap({type: 'user', userIds}))}
                />
            )}
            {row.leaf?.type === 'group' && (
                <LinesField
                    label={f(m.groupIds)}
                    mono={true}
                    values={row.leaf.groupIds}
                    error={errorAt(errors, `${base}.groupIds`)}
                    onChange={(groupIds) => onChange(wrap({type: 'group', groupIds}))}
                />
            )}
            {row.leaf?.type === 'has_files' && (
                <LinesField
                    label={f(m.mimeTypes)}
                    mono={true}
                    values={row.leaf.mimeTypes}
                    placeholder='image/*'
                    error={errorAt(errors, `${base}.mimeTypes`)}
                    onChange={(mimeTypes) => onChange(wrap({type: 'has_files', mimeTypes}))}
                />
            )}
            {row.leaf?.type === 'length' && (
                <LengthFields
                    leaf={row.leaf}
                    error={errors[base]}
                    errors={errors}
                    base={base}
                    disabled={disabled}
                    onChange={(leaf) => onChange(wrap(leaf))}
                />
            )}
            {row.kind === 'json' && (
                <JsonCondition
                    condition={condition}
                    error={errorAt(errors, `conditions.${index}`)}
                    disabled={disabled}
                    onChange={onChange}
                />
            )}
        </div>
    );
}

function LengthFields({leaf, error, errors, base, disabled, onChange}: {
    leaf: Extract<Condition, {type: 'length'}>;
    error: string | undefined;
    errors: Record<string, string>;
    base: string;
    disabled: boolean;
    onChange(leaf: Extract<Condition, {type: 'length'}>): void;
}) {
    const f = useIntl().formatMessage;
    return (
        <>
            <div className='tw-grid-2'>
                <NumberField
                    label={f(m.min)}
                    value={leaf.min}
                    disabled={disabled}
                    error={errors[`${base}.min`]}
                    onChange={(min) => onChange(compact({...leaf, min}))}
                />
                <NumberField
                    label={f(m.max)}
                    value={leaf.max}
                    disabled={disabled}
                    error={errors[`${base}.max`]}
                    onChange={(max) => onChange(compact({...leaf, max}))}
                />
            </div>
            {error && <div className='tw-error'>{error}</div>}
        </>
    );
}

/** all/any/not trees: JSON text, parsed on every change; the schema reports problems inside it. */
function JsonCondition({condition, error, disabled, onChange}: {condition: Condition; error: string | undefined; disabled: boolean; onChange(c: Condition): void}) {
    const f = useIntl().formatMessage;
    const [text, setText] = useState(() => JSON.stringify(condition, null, 2));
    const [parseError, setParseError] = useState<string | undefined>();
    return (
        <TextField
            label={f(m.json)}
            mono={true}
            multiline={true}
            rows={6}
            value={text}
            disabled={disabled}
            error={parseError ?? error}
            onChange={(t) => {
                setText(t);
                try {
                    onChange(JSON.parse(t) as Condition);
                    setParseError(undefined);
                } catch (e) {
                    setParseError(f(m.invalidJson, {message: e instanceof Error ? e.message : String(e)}));
                }
            }}
        />
    );
}
