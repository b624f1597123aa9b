/** The channel header icon: a tripwire across two posts, in the header's icon colour. */
export function TripwireIcon() {
    return (
        <svg
            width='18'
            height='18'
            viewBox='0 0 24 24'
            fill='none'
            stroke='currentColor'
            strokeWidth='2'
            strokeLinecap='round'
            aria-hidden='true'
        >
            <path d='M4 4v16M20 4v16'/>
            <path d='M4 12c4-3 12 3 16 0'/>
            <circle
                cx='12'
                cy='12'
                r='1.6'
                fill='currentColor'
            />
        </svg>
    );
}
