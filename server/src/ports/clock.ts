/** Time as the domain sees it, so retry schedules, cooldowns and expiries are testable without waiting. */
export interface Clock {
    now(): number; // epoch milliseconds
}

export const systemClock: Clock = {now: () => Date.now()};
