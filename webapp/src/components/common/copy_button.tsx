import {useState} from 'react';
import {useIntl} from 'react-intl';

import {commonMessages} from './messages';

/** Copies a value shown once (a signing secret, a token) to the clipboard, and says whether it worked. */
export function CopyButton({value, label}: {value: string; label?: string}) {
    const f = useIntl().formatMessage;
    const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
    const copy = async () => {
        try {
            await navigator.clipboard.writeText(value);
            setState('copied');
        } catch {
            setState('failed');
        }
    };
    return (
        <>
            <button
                type='button'
                className='tw-btn tw-btn-secondary'
                aria-label={label ? `${f(commonMessages.copy)} ${label}` : undefined}
                onClick={() => void copy()}
            >
                {f(state === 'copied' ? commonMessages.copied : commonMessages.copy)}
            </button>
            {state === 'failed' && (
                <span
                    className='tw-small tw-error'
                    role='status'
                >
                    {f(commonMessages.copyFailed)}
                </span>
            )}
            {state === 'copied' && (
                <span
                    className='tw-visually-hidden'
                    role='status'
                >
                    {f(commonMessages.copied)}
                </span>
            )}
        </>
    );
}
