import {type ReactNode, useEffect, useId, useRef} from 'react';

/**
 * A confirmation inside the panel (Mattermost's inline "Are you sure?" pattern): focus moves to the safe choice, and
 * Escape cancels only this confirmation, not the modal around it.
 */
export function InlineConfirm({message, confirmLabel, cancelLabel, onConfirm, onCancel, danger, busy}: {
    message: ReactNode;
    confirmLabel: string;
    cancelLabel: string;
    onConfirm(): void;
    onCancel(): void;
    danger?: boolean;
    busy?: boolean;
}) {
    const id = useId();
    const cancel = useRef<HTMLButtonElement>(null);
    useEffect(() => cancel.current?.focus(), []);
    return (
        <div
            className={`tw-notice tw-row tw-wrap${danger ? ' tw-notice-error' : ''}`}
            role='alertdialog'
            aria-labelledby={id}
            onKeyDown={(e) => {
                if (e.key === 'Escape') {
                    e.preventDefault();
                    e.stopPropagation();
                    onCancel();
                }
            }}
        >
            <span
                id={id}
                className='tw-grow'
            >
                {message}
            </span>
            <button
                ref={cancel}
                type='button'
                className='tw-btn tw-btn-tertiary'
                onClick={onCancel}
            >
                {cancelLabel}
            </button>
            <button
                type='button'
                className={`tw-btn ${danger ? 'tw-btn-danger-solid' : 'tw-btn-primary'}`}
                disabled={busy}
                onClick={onConfirm}
            >
                {confirmLabel}
            </button>
        </div>
    );
}
