import {forwardRef, useLayoutEffect, useState} from 'react';
import {useIntl} from 'react-intl';

import {m} from './messages';

/** Where a field path lives in the form: the control itself, else the nearest one for a path above it. */
export function fieldFor(root: HTMLElement | null, path: string): HTMLElement | null {
    if (!root) return null;
    const segments = path.split('.');
    for (let n = segments.length; n > 0; n--) {
        const candidate = segments.slice(0, n).join('.');
        const el = root.querySelector<HTMLElement>(`[data-path="${candidate.replace(/["\\]/g, '\\$&')}"]`);
        if (el) return el;
    }
    return null;
}

/** The field's name as the panel shows it ("Endpoint 2 · Callback URL"), not the API's. */
export function labelOf(el: HTMLElement | null): string | null {
    if (!el) return null;
    const own = (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.closest('fieldset')?.querySelector('legend')?.textContent ?? null;
    const prefix = el.closest<HTMLElement>('[data-label-prefix]')?.dataset.labelPrefix;
    return own && prefix ? `${prefix} · ${own}` : own;
}

/** Opens every closed section around a field, then moves focus to it. */
export function focusField(root: HTMLElement | null, path: string): void {
    const el = fieldFor(root, path);
    if (!el) return;
    for (let d = el.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
    el.focus();
    el.scrollIntoView?.({block: 'center'});
}

/**
 * After a save that failed, the list of what to fix (focus lands here): each entry names the field as the panel
 * labels it and, activated, opens its section and puts focus on it.
 */
export const ErrorSummary = forwardRef<HTMLDivElement, {errors: Record<string, string>; form: HTMLElement | null}>(function ErrorSummary({errors, form}, ref) {
    const f = useIntl().formatMessage;
    const entries = Object.entries(errors);
    const [labels, setLabels] = useState<Record<string, string>>({});
    const key = entries.map(([p]) => p).join('|');
    useLayoutEffect(() => {
        const next: Record<string, string> = {};
        for (const [path] of entries) next[path] = labelOf(fieldFor(form, path)) ?? path;
        setLabels((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
        // The paths (key) decide when to look again, not the array's identity.
    }, [key, form]);
    return (
        <div
            ref={ref}
            className='tw-notice tw-notice-error tw-summary'
            tabIndex={-1}
            role='group'
            aria-labelledby='tripwire-error-summary-title'
            data-testid='tripwire-error-summary'
        >
            <div>
                <div
                    className='tw-label'
                    id='tripwire-error-summary-title'
                >
                    {f(m.fixErrors, {count: entries.length})}
                </div>
                <ul className='tw-summary-list'>
                    {entries.map(([path, message]) => (
                        <li key={path}>
                            <button
                                type='button'
                                className='tw-link'
                                onClick={() => focusField(form, path)}
                            >
                                {`${labels[path] ?? path}: ${message}`}
                            </button>
                        </li>
                    ))}
                </ul>
            </div>
        </div>
    );
});
