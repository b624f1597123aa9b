import {type ReactNode, useEffect, useId} from 'react';
import {useIntl} from 'react-intl';

import {commonMessages} from './messages';
import {TripwireStyles} from './styles';

interface ModalProps {
    title: ReactNode;
    subtitle?: ReactNode;
    onClose(): void;
    children: ReactNode;
    footer?: ReactNode;
}

/** A Mattermost-looking modal: Escape and the backdrop close it; focus is not trapped (no dependency for it). */
export function Modal({title, subtitle, onClose, children, footer}: ModalProps) {
    const intl = useIntl();
    const titleId = useId();
    useEffect(() => {
        const onKey = (e: KeyboardEvent) => {
            if (e.key === 'Escape') onClose();
        };
        document.addEventListener('keydown', onKey);
        return () => document.removeEventListener('keydown', onKey);
    }, [onClose]);
    return (
        <div
            className='tw-root tw-backdrop'
            onMouseDown={(e) => {
                if (e.target === e.currentTarget) onClose();
            }}
        >
            <TripwireStyles/>
            <div
                className='tw-modal'
                role='dialog'
                aria-modal='true'
                aria-labelledby={titleId}
            >
                <div className='tw-modal-header'>
                    <div className='tw-grow'>
                        <h1
                            className='tw-modal-title'
                            id={titleId}
                        >
                            {title}
                        </h1>
                        {subtitle && <div className='tw-modal-subtitle tw-muted'>{subtitle}</div>}
                    </div>
                    <button
                        type='button'
                        className='tw-icon-button'
                        aria-label={intl.formatMessage(commonMessages.close)}
                        onClick={onClose}
                    >
                        {'×'}
                    </button>
                </div>
                <div className='tw-modal-body'>{children}</div>
                {footer && <div className='tw-modal-footer'>{footer}</div>}
            </div>
        </div>
    );
}
