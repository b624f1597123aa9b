import {type DeliveryExcerpt} from '@tripwire/common';

/** A redacted request or response as text: first line, headers, blank line, body (like curl -i). */
export function excerptText(x: DeliveryExcerpt): string {
    const first = x.method ? `${x.method} ${x.url ?? ''}` : `HTTP ${x.status ?? ''}`;
    const headers = Object.entries(x.headers).map(([k, v]) => `${k}: ${v}`);
    return [first, ...headers, '', x.body + (x.truncated ? '\n…' : '')].join('\n');
}

export function ExcerptView({label, excerpt}: {label: string; excerpt: DeliveryExcerpt}) {
    return (
        <div className='tw-field'>
            <span className='tw-label'>{label}</span>
            <pre
                className='tw-pre'
                aria-label={label}
            >
                {excerptText(excerpt)}
            </pre>
        </div>
    );
}
