import {useId, useMemo} from 'react';
import {useIntl} from 'react-intl';

import {getRawHostChannels, pickableChannels} from '../../state/host_selectors';
import {useHostSelector} from '../common/hooks';

import {m} from './messages';

/**
 * The channels a rule listens in, picked by name from the channels the webapp has loaded (the team's), shown as
 * removable chips; ids the webapp does not know (another team's, or not loaded) stay listed by id.
 */
export function ChannelPicker({teamId, value, onChange, error, disabled, path}: {
    teamId: string;
    value: readonly string[];
    onChange(ids: string[]): void;
    error?: string | undefined;
    disabled: boolean;
    path: string;
}) {
    const f = useIntl().formatMessage;
    const id = useId();
    const raw = useHostSelector(getRawHostChannels);
    const options = useMemo(() => pickableChannels(raw, teamId), [raw, teamId]);
    const byId = useMemo(() => new Map(options.map((c) => [c.id, c])), [options]);
    const nameOf = (channelId: string) => {
        const c = byId.get(channelId) ?? (raw?.[channelId] && {displayName: raw[channelId]!.display_name || raw[channelId]!.name || channelId});
        return c ? c.displayName : channelId;
    };
    const remaining = options.filter((c) => !value.includes(c.id));
    return (
        <div
            className='tw-field'
            role='group'
            aria-labelledby={`${id}-label`}
        >
            <span
                className='tw-label'
                id={`${id}-label`}
            >
                {f(m.channels)}
            </span>
            <div className='tw-row tw-wrap'>
            {value.length > 0 && (
                <ul
                    className='tw-chips'
                    aria-label={f(m.channelsChosen)}
                >
                    {value.map((channelId) => (
                        <li
                            key={channelId}
                            className='tw-chip'
                        >
                            <span>{nameOf(channelId)}</span>
                            <button
                                type='button'
                                className='tw-chip-remove'
                                aria-label={f(m.channelRemove, {name: nameOf(channelId)})}
                                disabled={disabled}
                                onClick={() => onChange(value.filter((v) => v !== channelId))}
                            >
                                {'×'}
                            </button>
                        </li>
                    ))}
                </ul>
            )}
            <select
                className={`tw-select tw-grow${error ? ' tw-invalid' : ''}`}
                style={{minWidth: 140, width: 'auto'}}
                aria-label={f(m.channelAdd)}
                data-path={path}
                value=''
                disabled={disabled || remaining.length === 0}
                aria-invalid={Boolean(error)}
                aria-describedby={error ? `${id}-error ${id}-help` : `${id}-help`}
                title={f(m.channelsHelp)}
                onChange={(e) => e.target.value && onChange([...value, e.target.value])}
            >
                <option value=''>{remaining.length === 0 ? f(m.channelNoMore) : f(m.channelAdd)}</option>
                {remaining.map((c) => (
                    <option
                        key={c.id}
                        value={c.id}
                    >
                        {`${c.type === 'P' ? '🔒 ' : '~'}${c.displayName}`}
                    </option>
                ))}
            </select>
            </div>
            {error && (
                <div
                    className='tw-error'
                    id={`${id}-error`}
                    role='alert'
                >
                    {error}
                </div>
            )}
            <span
                className='tw-visually-hidden'
                id={`${id}-help`}
            >
                {f(m.channelsHelp)}
            </span>
        </div>
    );
}
