import {useIntl} from 'react-intl';

import {CopyButton} from '../common/copy_button';
import {TextField} from '../common/fields';

import {m} from './messages';

/**
 * The native `token` compat and Slack payloads carry, which services check to trust a request. Write-only like
 * Mattermost's own: a stored token is never shown; a new one (typed or generated) is shown until saved, with Copy.
 */
export function TokenField({value, hasToken, disabled, error, onChange}: {
    value: string | undefined;
    hasToken: boolean;
    disabled: boolean;
    error?: string | undefined;
    onChange(token: string | undefined): void;
}) {
    const f = useIntl().formatMessage;
    const generate = () => {
        const bytes = crypto.getRandomValues(new Uint8Array(20));
        onChange([...bytes].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join(''));
    };
    return (
        <div className='tw-field'>
            <TextField
                label={f(m.token)}
                path='secrets.token'
                error={error}
                mono={true}
                value={value ?? ''}
                placeholder={hasToken ? f(m.tokenKeep) : ''}
                disabled={disabled}
                help={f(value !== undefined && value !== '' ? m.tokenPending : hasToken ? m.tokenSet : m.tokenNotSet)}
                onChange={(t) => onChange(t === '' ? undefined : t)}
            />
            <div className='tw-row'>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    disabled={disabled}
                    onClick={generate}
                >
                    {f(m.tokenGenerate)}
                </button>
                {value && (
                    <CopyButton
                        value={value}
                        label={f(m.token)}
                    />
                )}
            </div>
        </div>
    );
}
