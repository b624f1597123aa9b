import {isSecretHeader, secretHeaderNames, type Endpoint} from '@tripwire/common';
import {useIntl} from 'react-intl';

import {m} from './messages';

/** The headers shown as they are: every one that is not secret. */
export function plainHeaders(ep: Endpoint): Record<string, string> {
    return Object.fromEntries(Object.entries(ep.headers).filter(([name]) => !isSecretHeader(ep, name)));
}

/** Secret header values typed in this editor (the server never sends stored ones back). */
export function secretHeaderValues(ep: Endpoint): Record<string, string> {
    return Object.fromEntries(Object.entries(ep.headers).filter(([name]) => isSecretHeader(ep, name)));
}

/**
 * Secret headers, write-only: each says whether a value is stored, with a field to replace it. An empty field keeps
 * the stored value; what is typed goes out with the rule once, like a password.
 */
export function SecretHeaders({endpoint: ep, disabled, errors, onChange}: {endpoint: Endpoint; disabled: boolean; errors: Record<string, string>; onChange(values: Record<string, string>): void}) {
    const f = useIntl().formatMessage;
    const names = secretHeaderNames(ep);
    if (names.length === 0) return null;
    const typed = secretHeaderValues(ep);
    const stored = new Set(ep.secret_headers_set.map((n) => n.toLowerCase()));
    const typedValue = (name: string) => Object.entries(typed).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    const change = (name: string, value: string) => {
        const next = Object.fromEntries(Object.entries(typed).filter(([n]) => n.toLowerCase() !== name.toLowerCase()));
        onChange(value === '' ? next : {...next, [name]: value});
    };
    return (
        <div className='tw-field'>
            <span className='tw-label'>{f(m.secretHeaderValues)}</span>
            <ul
                className='tw-stack'
                style={{listStyle: 'none', padding: 0, margin: 0}}
            >
                {names.map((name) => {
                    const value = typedValue(name) ?? '';
                    const problem = Object.entries(errors).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
                    const status = value ? m.secretHeaderPending : stored.has(name.toLowerCase()) ? m.secretHeaderSet : m.secretHeaderNotSet;
                    return (
                        <li
                            key={name}
                            className='tw-row tw-wrap'
                            data-testid='tripwire-secret-header'
                        >
                            <span className='tw-help tw-mono tw-grow'>{f(status, {name})}</span>
                            <input
                                className='tw-input tw-mono'
                                type='password'
                                autoComplete='new-password'
                                aria-label={f(m.secretHeaderReplace, {name})}
                                aria-invalid={Boolean(problem)}
                                value={value}
                                disabled={disabled}
                                onChange={(event) => change(name, event.target.value)}
                            />
                            {problem && <div className='tw-error'>{problem}</div>}
                        </li>
                    );
                })}
            </ul>
        </div>
    );
}
