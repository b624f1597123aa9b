import {type ReactNode, type Ref, useEffect, useId, useState} from 'react';

/**
 * Form controls in Mattermost's style, each with its label, help and inline error. Errors come from the same zod
 * schemas the server validates with (see channel_rules/rule_form_state.ts), keyed by field path.
 */

interface FieldProps {
    label: ReactNode;
    help?: ReactNode;
    error?: string | undefined;
    children: (id: string, describedBy: string | undefined) => ReactNode;
}

export function Field({label, help, error, children}: FieldProps) {
    const id = useId();
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const describedBy = [error ? errorId : '', help ? helpId : ''].filter(Boolean).join(' ') || undefined;
    return (
        <div className='tw-field'>
            <label
                className='tw-label'
                htmlFor={id}
            >
                {label}
            </label>
            {children(id, describedBy)}
            {error && (
                <div
                    className='tw-error'
                    id={errorId}
                    role='alert'
                >
                    {error}
                </div>
            )}
            {help && (
                <div
                    className='tw-help'
                    id={helpId}
                >
                    {help}
                </div>
            )}
        </div>
    );
}

interface TextProps {
    label: ReactNode;
    /** The rule path this control edits (`endpoints.0.url`): errors find their field by it, the summary focuses it. */
    path?: string | undefined;
    value: string;
    onChange(value: string): void;
    help?: ReactNode;
    error?: string | undefined;
    placeholder?: string | undefined;
    multiline?: boolean | undefined;
    rows?: number | undefined;
    mono?: boolean | undefined;
    disabled?: boolean | undefined;
    type?: 'text' | 'url' | 'password' | undefined;
}

export function TextField({label, path, value, onChange, help, error, placeholder, multiline, rows, mono, disabled, type, inputRef}: TextProps & {inputRef?: Ref<HTMLTextAreaElement & HTMLInputElement> | undefined}) {
    const className = `${multiline ? 'tw-textarea' : 'tw-input'}${mono ? ' tw-mono' : ''}${error ? ' tw-invalid' : ''}`;
    return (
        <Field
            label={label}
            help={help}
            error={error}
        >
            {(id, describedBy) =>
                multiline ? (
                    <textarea
                        id={id}
                        ref={inputRef}
                        data-path={path}
                        className={className}
                        value={value}
                        rows={rows ?? 3}
                        placeholder={placeholder}
                        disabled={disabled}
                        aria-invalid={Boolean(error)}
                        aria-describedby={describedBy}
                        onChange={(e) => onChange(e.target.value)}
                    />
                ) : (
                    <input
                        id={id}
                        ref={inputRef}
                        data-path={path}
                        className={className}
                        type={type ?? 'text'}
                        value={value}
                        placeholder={placeholder}
                        disabled={disabled}
                        aria-invalid={Boolean(error)}
                        aria-describedby={describedBy}
                        onChange={(e) => onChange(e.target.value)}
                    />
                )
            }
        </Field>
    );
}

interface NumberProps {
    label: ReactNode;
    path?: string | undefined;
    /** undefined: empty (the schema's default applies, or the field is optional). */
    value: number | undefined;
    onChange(value: number | undefined): void;
    help?: ReactNode;
    error?: string | undefined;
    placeholder?: string | undefined;
    disabled?: boolean | undefined;
}

/** Keeps the typed text while it is not a number yet, and hands NaN to the schema, which explains the problem. */
export function NumberField({label, path, value, onChange, help, error, placeholder, disabled}: NumberProps) {
    const [text, setText] = useState(value === undefined || Number.isNaN(value) ? '' : String(value));
    useEffect(() => {
        // Only an outside change (a reset, a saved value) rewrites the text; our own edits and NaN keep what was typed.
        setText((current) => {
            const typed = current.trim() === '' ? undefined : Number(current);
            if (Object.is(typed, value) || (value !== undefined && Number.isNaN(value))) return current;
            return value === undefined ? '' : String(value);
        });
    }, [value]);
    return (
        <Field
            label={label}
            help={help}
            error={error}
        >
            {(id, describedBy) => (
                <input
                    id={id}
                    data-path={path}
                    className={`tw-input${error ? ' tw-invalid' : ''}`}
                    inputMode='decimal'
                    value={text}
                    placeholder={placeholder}
                    disabled={disabled}
                    aria-invalid={Boolean(error)}
                    aria-describedby={describedBy}
                    onChange={(e) => {
                        setText(e.target.value);
                        const t = e.target.value.trim();
                        onChange(t === '' ? undefined : Number(t));
                    }}
                />
            )}
        </Field>
    );
}

interface SelectProps<T extends string> {
    label: ReactNode;
    path?: string | undefined;
    value: T;
    options: ReadonlyArray<{value: T; label: string}>;
    onChange(value: T): void;
    help?: ReactNode;
    error?: string | undefined;
    disabled?: boolean | undefined;
}

export function SelectField<T extends string>({label, path, value, options, onChange, help, error, disabled}: SelectProps<T>) {
    return (
        <Field
            label={label}
            help={help}
            error={error}
        >
            {(id, describedBy) => (
                <select
                    id={id}
                    data-path={path}
                    className={`tw-select${error ? ' tw-invalid' : ''}`}
                    value={value}
                    disabled={disabled}
                    aria-invalid={Boolean(error)}
                    aria-describedby={describedBy}
                    onChange={(e) => onChange(e.target.value as T)}
                >
                    {options.map((o) => (
                        <option
                            key={o.value}
                            value={o.value}
                        >
                            {o.label}
                        </option>
                    ))}
                </select>
            )}
        </Field>
    );
}

interface CheckProps {
    label: ReactNode;
    path?: string | undefined;
    checked: boolean;
    onChange(checked: boolean): void;
    disabled?: boolean | undefined;
    help?: ReactNode;
}

export function Checkbox({label, path, checked, onChange, disabled, help}: CheckProps) {
    return (
        <div className='tw-field'>
            <label className='tw-check'>
                <input
                    type='checkbox'
                    data-path={path}
                    checked={checked}
                    disabled={disabled}
                    onChange={(e) => onChange(e.target.checked)}
                />
                {label}
            </label>
            {help && <div className='tw-help'>{help}</div>}
        </div>
    );
}

/** One item per line (trigger words, ids, MIME types): the text keeps blank lines while typing. */
export function LinesField({label, path, values, onChange, help, error, placeholder, mono, disabled}: {
    label: ReactNode;
    path?: string | undefined;
    values: readonly string[];
    onChange(values: string[]): void;
    help?: ReactNode;
    error?: string | undefined;
    placeholder?: string | undefined;
    mono?: boolean | undefined;
    disabled?: boolean | undefined;
}) {
    const [text, setText] = useState(values.join('\n'));
    useEffect(() => {
        setText((current) => (linesOf(current).join('\n') === values.join('\n') ? current : values.join('\n')));
    }, [values]);
    return (
        <TextField
            label={label}
            path={path}
            help={help}
            error={error}
            disabled={disabled}
            placeholder={placeholder}
            mono={mono ?? false}
            multiline={true}
            rows={Math.min(6, Math.max(2, values.length + 1))}
            value={text}
            onChange={(t) => {
                setText(t);
                onChange(linesOf(t));
            }}
        />
    );
}

/**
 * A duration the rule stores in milliseconds, shown and typed in seconds like every other duration of the panel
 * (decimals allowed: 0.5 s). Empty hands undefined on, so the schema's default or "optional" applies.
 */
export function SecondsField({value, onChange, ...rest}: Omit<NumberProps, 'value' | 'onChange'> & {value: number | undefined; onChange(ms: number | undefined): void}) {
    return (
        <NumberField
            {...rest}
            value={value === undefined || Number.isNaN(value) ? value : value / 1000}
            onChange={(s) => onChange(s === undefined || Number.isNaN(s) ? s : Math.round(s * 1000))}
        />
    );
}

export function linesOf(text: string): string[] {
    return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}
