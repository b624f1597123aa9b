import {type RuleBot} from '@tripwire/common';
import {useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {Checkbox, TextField} from '../common/fields';

import {m2} from './messages';
import {errorAt, errorCountUnder} from './rule_form_state';
import {Section, type SectionProps} from './section';

interface Props extends SectionProps<RuleBot | undefined> {
    /** The system admin's allow_rule_bots (from /me). */
    allowed: boolean;
}

/**
 * "Post as": the rule's own bot account (username, display name, avatar). Shown only while the system admin allows
 * rule bots, or when the rule has one already (then it says the admin turned them off, and offers to remove it).
 * The avatar is read in the browser as a data: URL; the shared schema checks its type and size, the server again.
 */
export function BotSection({value, onChange, errors, disabled, allowed}: Props) {
    const f = useIntl().formatMessage;
    const [unreadable, setUnreadable] = useState(false);
    // The avatar is read asynchronously: its result lands on the bot as it is by then (a name typed meanwhile stays),
    // only the file picked last counts, and none lands once the avatar was removed or the bot turned off.
    const latest = useRef({value, onChange});
    latest.current = {value, onChange};
    const reads = useRef(0);
    if (!allowed && value === undefined) return null;
    const set = (patch: Partial<RuleBot>) => onChange({username: '', display_name: '', ...value, ...patch});
    const pick = (file: File | undefined) => {
        setUnreadable(false);
        const read = ++reads.current;
        if (!file) return;
        const reader = new FileReader();
        reader.onload = () => {
            const now = latest.current;
            if (read === reads.current && now.value !== undefined) now.onChange({...now.value, icon: String(reader.result)});
        };
        reader.onerror = () => {
            if (read === reads.current) setUnreadable(true);
        };
        reader.readAsDataURL(file);
    };
    const iconError = errorAt(errors, 'bot.icon') ?? (unreadable ? f(m2.botIconUnreadable) : undefined);
    return (
        <Section
            title={f(m2.sectionPostAs)}
            errors={errorCountUnder(errors, ['bot'])}
            open={value !== undefined}
        >
            {!allowed && (
                <div className='tw-notice tw-notice-warning'>
                    <span className='tw-grow'>{f(m2.botNotAllowed)}</span>
                    {!disabled && (
                        <button
                            type='button'
                            className='tw-link'
                            onClick={() => onChange(undefined)}
                        >
                            {f(m2.botRemove)}
                        </button>
                    )}
                </div>
            )}
            {allowed && (
                <Checkbox
                    label={f(m2.ownBot)}
                    path='bot'
                    help={f(m2.ownBotHelp)}
                    checked={value !== undefined}
                    disabled={disabled}
                    onChange={(on) => {
                        reads.current++; // a file picked for the bot turned off is not its next bot's avatar
                        onChange(on ? {username: '', display_name: ''} : undefined);
                    }}
                />
            )}
            {value !== undefined && (
                <fieldset
                    className='tw-fieldset'
                    disabled={disabled || !allowed}
                >
                    <div className='tw-grid-2'>
                        <TextField
                            label={f(m2.botUsername)}
                            path='bot.username'
                            mono={true}
                            value={value.username}
                            help={f(m2.botUsernameHelp)}
                            error={errorAt(errors, 'bot.username')}
                            onChange={(username) => set({username})}
                        />
                        <TextField
                            label={f(m2.botDisplayName)}
                            path='bot.display_name'
                            value={value.display_name}
                            error={errorAt(errors, 'bot.display_name')}
                            onChange={(display_name) => set({display_name})}
                        />
                    </div>
                    <div className='tw-field'>
                        <label className='tw-label'>
                            {f(m2.botIcon)}
                            <input
                                type='file'
                                accept='image/png,image/jpeg'
                                style={{display: 'block', marginTop: 4}}
                                data-path='bot.icon'
                                aria-invalid={Boolean(iconError)}
                                onChange={(e) => pick(e.target.files?.[0])}
                            />
                        </label>
                        {value.icon && (
                            <div className='tw-row'>
                                <img
                                    src={value.icon}
                                    alt=''
                                    width={48}
                                    height={48}
                                    style={{borderRadius: '50%', objectFit: 'cover'}}
                                />
                                <button
                                    type='button'
                                    className='tw-link'
                                    onClick={() => {
                                        reads.current++; // a file still being read does not bring the avatar back
                                        const {icon: _icon, ...rest} = value;
                                        onChange(rest);
                                    }}
                                >
                                    {f(m2.botIconRemove)}
                                </button>
                            </div>
                        )}
                        <div className='tw-help'>{f(m2.botIconHelp)}</div>
                        {iconError && <div className='tw-error'>{iconError}</div>}
                    </div>
                </fieldset>
            )}
        </Section>
    );
}
