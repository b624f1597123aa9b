import {type KeyboardEvent, type ReactNode, useEffect, useId, useRef} from 'react';
import {useIntl} from 'react-intl';

import {commonMessages} from './messages';
import {TripwireStyles} from './styles';

interface ModalProps {
    title: ReactNode;
    subtitle?: ReactNode;
    /** Escape, the backdrop and × ask to close; the owner decides (it may first ask about unsaved changes). */
    onClose(): void;
    children: ReactNode;
    footer?: ReactNode;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** What Tab may reach inside an element, in order, skipping what is hidden (closed details, display: none). */
export function focusablesIn(root: HTMLElement | null): HTMLElement[] {
    if (!root) return [];
    return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => {
        const closed = el.closest('details:not([open])');
        // The summary of a closed details element stays reachable; its other content does not.
        if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) return false;
        return !el.closest('[hidden]');
    });
}

/**
 * A Mattermost-looking modal dialog, as its own modals behave: focus moves into it on open and back where it was on
 * close, Tab and Shift+Tab stay inside, Escape / backdrop / × ask to close. Escape handled by something inside first (an
 * inline confirmation calls preventDefault) closes only that.
 */
export function Modal({title, subtitle, onClose, children, footer}: ModalProps) {
    const intl = useIntl();
    const titleId = useId();
    const dialog = useRef<HTMLDivElement>(null);
    const close = useRef(onClose);
    close.current = onClose;

    useEffect(() => {
        const onKey = (e: globalThis.KeyboardEvent) => {
            if (e.key === 'Escape' && !e.defaultPrevented) {
                e.preventDefault();
                close.current();
            }
        };
        document.addEventListener('keydown', onKey);
        return () => document.removeEventListener('keydown', onKey);
    }, []);

    useEffect(() => {
        const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        dialog.current?.focus();
        return () => {
            if (previous?.isConnected) previous.focus();
        };
    }, []);

    const trapTab = (e: KeyboardEvent<HTMLDivElement>) => {
        if (e.key !== 'Tab') return;
        const items = focusablesIn(dialog.current);
        if (items.length === 0) {
            e.preventDefault();
            return;
        }
        const first = items[0]!;
        const last = items[items.length - 1]!;
        const active = document.activeElement;
        if (e.shiftKey && (active === first || active === dialog.current)) {
            e.preventDefault();
            last.focus();
        } else if (!e.shiftKey && (active === last || !dialog.current?.contains(active))) {
            e.preventDefault();
            first.focus();
        }
    };

    return (
        <div
            className='tw-root tw-backdrop'
            onMouseDown={(e) => {
                if (e.target === e.currentTarget) onClose();
            }}
        >
            <TripwireStyles/>
            <div
                ref={dialog}
                className='tw-modal'
                role='dialog'
                aria-modal='true'
                aria-labelledby={titleId}
                tabIndex={-1}
                onKeyDown={trapTab}
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
