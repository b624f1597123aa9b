import {isMessageEvent, isReactionEvent, ruleEvents, type RuleEvent, type RuleScope} from '@tripwire/common';
import {useState, type ReactNode} from 'react';
import {useIntl} from 'react-intl';

import {Checkbox, SelectField, TextField} from '../common/fields';

import {ChannelPicker} from './channel_picker';
import {m} from './messages';
import {errorAt, errorCountUnder, type RuleDraft} from './rule_form_state';
import {Section} from './section';

type Props = {
    draft: RuleDraft;
    update(patch: Partial<RuleDraft>): void;
    errors: Record<string, string>;
    disabled: boolean;
    channelTeamId: string;
    /** The trigger's fields, shown in this section so a simple rule fits on one screen. */
    children?: ReactNode;
};

export const basicsPaths = ['name', 'description', 'enabled', 'scope', 'threads', 'events', 'emoji'] as const;

/** The label of each event, for the rule editor and the tester. */
export const eventLabels = {
    posted: m.eventPosted,
    edited: m.eventEdited,
    reaction_added: m.eventReactionAdded,
    reaction_removed: m.eventReactionRemoved,
    user_joined: m.eventUserJoined,
    user_left: m.eventUserLeft,
} satisfies Record<RuleEvent, unknown>;

/**
 * New events, and the fields they bring along: choosing a reaction, join or leave sets the `any` trigger (they have no
 * text for words to match), and dropping the last reaction event drops the emoji filter (the server refuses one
 * without a reaction event).
 */
function eventsPatch(draft: RuleDraft, events: RuleEvent[]): Partial<RuleDraft> {
    const textless = events.some((e) => !isMessageEvent(e));
    return {
        events,
        ...(textless && draft.trigger.mode !== 'any' && {trigger: {mode: 'any'}}),
        ...(!events.some(isReactionEvent) && draft.emoji.length > 0 && {emoji: []}),
    };
}

/** Emoji names typed as text (`:ticket: +1`); colons are optional. */
function EmojiField({value, onChange, error, disabled}: {value: readonly string[]; onChange(emoji: string[]): void; error: string | undefined; disabled: boolean}) {
    const f = useIntl().formatMessage;
    // The typed text is kept as typed (a trailing space or comma stays while typing); the list is what is saved.
    const [text, setText] = useState(value.join(' '));
    return (
        <TextField
            label={f(m.emoji)}
            path='emoji'
            help={f(m.emojiHelp)}
            value={text}
            disabled={disabled}
            error={error}
            mono={true}
            onChange={(typed) => {
                setText(typed);
                // Colons around a name go, as the server drops them: the saved rule then equals what was typed.
                onChange(typed.split(/[\s,]+/).filter(Boolean).map((name) => name.replace(/^:(.+):$/, '$1')));
            }}
        />
    );
}

function toggled<T>(list: readonly T[], item: T, on: boolean): T[] {
    return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

export function BasicsSection({draft, update, errors, disabled, channelTeamId, children}: Props) {
    const intl = useIntl();
    const f = intl.formatMessage;
    const scope = draft.scope;
    const setScopeKind = (kind: RuleScope['kind']) => {
        if (kind === scope.kind) return;
        if (kind === 'channels') update({scope: {kind, teamId: channelTeamId, channelIds: []}});
        if (kind === 'team') update({scope: {kind, teamId: channelTeamId, channelTypes: ['O']}});
        if (kind === 'direct') update({scope: {kind, channelTypes: ['D', 'G']}});
    };
    return (
        <Section
            title={f(m.sectionBasics)}
            errors={errorCountUnder(errors, [...basicsPaths, 'trigger'])}
        >
            <div className='tw-grid-3'>
                <TextField
                    label={f(m.name)}
                    path='name'
                    value={draft.name}
                    disabled={disabled}
                    error={errorAt(errors, 'name')}
                    onChange={(name) => update({name})}
                />
                <SelectField
                    label={f(m.scope)}
                    path='scope.kind'
                    value={scope.kind}
                    disabled={disabled}
                    error={errorAt(errors, 'scope.kind')}
                    options={[
                        {value: 'channels', label: f(m.scopeChannels)},
                        {value: 'team', label: f(m.scopeTeam)},
                        {value: 'direct', label: f(m.scopeDirect)},
                    ]}
                    onChange={setScopeKind}
                />
            {scope.kind === 'channels' && (
                <ChannelPicker
                    teamId={scope.teamId || channelTeamId}
                    path='scope.channelIds'
                    value={scope.channelIds}
                    disabled={disabled}
                    error={errorAt(errors, 'scope.channelIds') ?? errorAt(errors, 'scope.teamId')}
                    onChange={(channelIds) => update({scope: {...scope, channelIds}})}
                />
            )}
            {scope.kind === 'team' && (
                <div className='tw-row tw-wrap'>
                    <Checkbox
                        label={f(m.publicChannels)}
                        checked={scope.channelTypes.includes('O')}
                        disabled={disabled}
                        onChange={(on) => update({scope: {...scope, channelTypes: toggled(scope.channelTypes, 'O', on)}})}
                    />
                    <Checkbox
                        label={f(m.privateChannels)}
                        checked={scope.channelTypes.includes('P')}
                        disabled={disabled}
                        onChange={(on) => update({scope: {...scope, channelTypes: toggled(scope.channelTypes, 'P', on)}})}
                    />
                    {errorAt(errors, 'scope.channelTypes') && <div className='tw-error'>{errorAt(errors, 'scope.channelTypes')}</div>}
                </div>
            )}
            {scope.kind === 'direct' && (
                <div className='tw-row tw-wrap'>
                    <Checkbox
                        label={f(m.directMessages)}
                        checked={scope.channelTypes.includes('D')}
                        disabled={disabled}
                        onChange={(on) => update({scope: {...scope, channelTypes: toggled(scope.channelTypes, 'D', on)}})}
                    />
                    <Checkbox
                        label={f(m.groupMessages)}
                        checked={scope.channelTypes.includes('G')}
                        disabled={disabled}
                        onChange={(on) => update({scope: {...scope, channelTypes: toggled(scope.channelTypes, 'G', on)}})}
                    />
                    {errorAt(errors, 'scope.channelTypes') && <div className='tw-error'>{errorAt(errors, 'scope.channelTypes')}</div>}
                </div>
            )}
            </div>
            {children}
            <details className='tw-more'>
                <summary>{f(m.moreRuleOptions)}</summary>
                <div className='tw-stack'>
                    <TextField
                        label={f(m.description)}
                        path='description'
                        value={draft.description}
                        disabled={disabled}
                        multiline={true}
                        rows={2}
                        error={errorAt(errors, 'description')}
                        onChange={(description) => update({description})}
                    />
                    <div className='tw-grid-2'>
                        <SelectField
                            label={f(m.threads)}
                            path='threads'
                            value={draft.threads}
                            disabled={disabled}
                            options={[
                                {value: 'all', label: f(m.threadsAll)},
                                {value: 'roots', label: f(m.threadsRoots)},
                                {value: 'replies', label: f(m.threadsReplies)},
                            ]}
                            onChange={(threads) => update({threads})}
                        />
                        <div className='tw-field'>
                            <span className='tw-label'>{f(m.events)}</span>
                            {ruleEvents.map((ev) => (
                                <Checkbox
                                    key={ev}
                                    path='events'
                                    label={f(eventLabels[ev])}
                                    checked={draft.events.includes(ev)}
                                    disabled={disabled}
                                    onChange={(on) => update(eventsPatch(draft, toggled(draft.events, ev, on)))}
                                />
                            ))}
                            <div className='tw-help'>{f(m.eventsHelp)}</div>
                            {errorAt(errors, 'events') && <div className='tw-error'>{errorAt(errors, 'events')}</div>}
                        </div>
                    </div>
                    {draft.events.some(isReactionEvent) && (
                        <EmojiField
                            value={draft.emoji}
                            disabled={disabled}
                            error={errorAt(errors, 'emoji')}
                            onChange={(emoji) => update({emoji})}
                        />
                    )}
                    <Checkbox
                        label={f(m.enabled)}
                        path='enabled'
                        help={f(m.enabledHelp)}
                        checked={draft.enabled}
                        disabled={disabled}
                        onChange={(enabled) => update({enabled})}
                    />
                </div>
            </details>
        </Section>
    );
}
