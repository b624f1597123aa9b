import {type DeliveryExcerpt} from '@tripwire/common';
import {useIntl} from 'react-intl';

import {m} from './messages';

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
            {/* Focusable, as a region, so a keyboard user can scroll a long request (axe: scrollable-region-focusable). */}
            <pre
                className='tw-pre'
                aria-label={label}
                role='region'
                tabIndex={0}
            >
                {excerptText(excerpt)}
            </pre>
        </div>
    );
}

/** A delivery's request and response side by side, each shown only when there is one. */
export function RequestResponseView({request, response}: {request?: DeliveryExcerpt | undefined; response?: DeliveryExcerpt | undefined}) {
    const {formatMessage: f} = useIntl();
    return (
        <div className='tw-grid-2'>
            {request && (
                <ExcerptView
                    label={f(m.request)}
                    excerpt={request}
                />
            )}
            {response && (
                <ExcerptView
                    label={f(m.response)}
                    excerpt={response}
                />
            )}
        </div>
    );
}
