import {type ReactNode} from 'react';

export type BadgeTone = 'neutral' | 'success' | 'warning' | 'danger' | 'info';

export function Badge({tone, children, title}: {tone: BadgeTone; children: ReactNode; title?: string | undefined}) {
    return (
        <span
            className={`tw-badge tw-badge-${tone}`}
            title={title}
        >
            {children}
        </span>
    );
}

export function Spinner({label}: {label: string}) {
    return (
        <span
            className='tw-spinner'
            role='status'
            aria-label={label}
        />
    );
}
