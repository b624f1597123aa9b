import {type ReactNode} from 'react';
import {useIntl} from 'react-intl';

import {Badge} from '../common/badge';

import {m} from './messages';

/** A collapsible editor section whose header counts the problems inside it, so a closed section never hides one. */
export function Section({title, errors, open, children}: {title: ReactNode; errors: number; open?: boolean; children: ReactNode}) {
    const intl = useIntl();
    return (
        <details
            className='tw-section'
            open={open ?? true}
        >
            <summary>
                <span className='tw-row'>
                    <span>{title}</span>
                    {errors > 0 && <Badge tone='danger'>{intl.formatMessage(m.sectionErrors, {count: errors})}</Badge>}
                </span>
            </summary>
            <div className='tw-stack'>{children}</div>
        </details>
    );
}

export interface SectionProps<T> {
    value: T;
    onChange(value: T): void;
    errors: Record<string, string>;
    disabled: boolean;
}
