import {useIntl} from 'react-intl';

import {commonMessages} from '../common/messages';

import {m} from './messages';

/**
 * Ordered name/value rows over a plain record (headers, query, form fields); empty names are kept while typing. A
 * problem with one entry (a bad header name, a value too long) shows under its row.
 */
export function KeyValueEditor({label, path, value, onChange, error, rowErrors, disabled}: {
    label: string;
    /** The record's rule path (`endpoints.0.headers`); each row's name field is `<path>.<name>`. */
    path?: string | undefined;
    value: Record<string, string>;
    onChange(value: Record<string, string>): void;
    error?: string | undefined;
    rowErrors?: Record<string, string> | undefined;
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
            {rows.map(([k, v], i) => {
                const problem = rowErrors?.[k];
                return (
                <div key={i}>
                <div className='tw-row'>
                    <input
                        className={`tw-input tw-mono${problem ? ' tw-invalid' : ''}`}
                        style={{flex: '0 0 35%'}}
                        data-path={path === undefined ? undefined : `${path}.${k}`}
                        aria-label={`${label} ${f(m.keyValueKey)} ${i + 1}`}
                        aria-invalid={Boolean(problem)}
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
                        aria-label={`${f(commonMessages.remove)} ${label} ${i + 1}`}
                        disabled={disabled}
                        onClick={() => write(rows.filter((_, j) => j !== i))}
                    >
                        {f(commonMessages.remove)}
                    </button>
                </div>
                {problem && <div className='tw-error'>{problem}</div>}
                </div>
                );
            })}
            {error && <div className='tw-error'>{error}</div>}
            <div>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    aria-label={`${f(m.keyValueAdd)} ${label}`}
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
