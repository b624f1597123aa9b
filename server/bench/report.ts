/** Prints one benchmark figure for people and, as a `##BENCH` line, for scripts/bench.mjs. */
export function report(key: string, value: number, unit: string, note = ''): void {
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(3);
    console.log(`${key.padEnd(36)} ${shown.padStart(12)} ${unit}${note ? `  (${note})` : ''}`);
    console.log(`##BENCH ${JSON.stringify({key, value})}`);
}

/** Sorted-sample percentile (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
    if (sorted.length === 0) return NaN;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
}
