import {useIntl} from 'react-intl';

import {commonMessages} from '../common/messages';

import {m} from './messages';

/** Ordered name/value rows over a plain record (headers, query, form fields); empty names are kept while typing. */
export function KeyValueEditor({label, value, onChange, error, disabled}: {
    label: string;
    value: Record<string, string>;
    onChange(value: Record<string, string>): void;
    error?: string | undefined;
    disabled: boolean;
}) {
    const f = useIntl().formatMessage;
    const rows = Object.entries(value);
    const write = (next: Array<[string, string]>) => onChange(Object.fromEntries(next));
    return (
        <div
            className='tw-field'
            role='group'
            aria-label={label}
        >
            <span className='tw-label'>{label}</span>
            {rows.map(([k, v], i) => (
                <div
                    className='tw-row'
                    key={i}
                >
                    <input
                        className='tw-input tw-mono'
                        style={{flex: '0 0 35%'}}
                        aria-label={`${label} ${f(m.keyValueKey)} ${i + 1}`}
                        value={k}
                        disabled={disabled}
                        onChange={(e) => write(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
                    />
                    <input
                        className='tw-input tw-mono tw-grow'
                        aria-label={`${label} ${f(m.keyValueValue)} ${i + 1}`}
                        value={v}
                        disabled={disabled}
                        onChange={(e) => write(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
                    />
                    <button
                        type='button'
                        className='tw-btn tw-btn-danger'
                        disabled={disabled}
                        onClick={() => write(rows.filter((_, j) => j !== i))}
                    >
                        {f(commonMessages.remove)}
                    </button>
                </div>
            ))}
            {error && <div className='tw-error'>{error}</div>}
            <div>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    disabled={disabled || Object.prototype.hasOwnProperty.call(value, '')}
                    onClick={() => write([...rows, ['', '']])}
                >
                    {'+ '}
                    {f(m.keyValueAdd)}
                </button>
            </div>
        </div>
    );
}
