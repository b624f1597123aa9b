// make bench-e2e's crash phase: what the plugin had recorded of each crash delivery when it was killed, and which
// duplicates that makes a bug. The plugin delivers at least once: an attempt whose outcome was not yet written when
// the process died is sent again (same webhook-id, the next x-webhook-attempt), however early the receiver answered
// it. A delivery whose record already said finished must never go out again.

/**
 * SQL for the stored state of every delivery of the rule named `ruleName`: one row `post id | state` each. A delivery
 * keeps one key for life, `dx_p_<delivery id>` (server/src/dispatch/keys.ts), whose value is its JSON record
 * (outbox.ts: `state` pending, succeeded or failed; `facts.post.id`; `rule.name`) in `pvalue` (bytea).
 */
export function recordsSql(ruleName) {
    const name = ruleName.replaceAll("'", "''");
    return `SELECT r->'facts'->'post'->>'id', r->>'state' FROM (SELECT convert_from(pvalue, 'UTF8')::jsonb AS r FROM pluginkeyvaluestore WHERE pluginid = 'tripwire' AND pkey LIKE 'dx\\_p\\_%') AS d WHERE r->'rule'->>'name' = '${name}'`;
}

/** psql's unaligned rows of recordsSql (`post id | state`) as a map post id → state. */
export function parseRecords(text) {
    const states = new Map();
    for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const [postId, state] = line.split(' | ');
        if (!postId || !state) throw new Error(`unexpected row from the delivery records: ${line}`);
        states.set(postId, state);
    }
    return states;
}

/** Recorded as finished: its outcome is stored, so no process may send it again. */
const isDone = (state) => state === 'succeeded' || state === 'failed';

/**
 * Judges the receiver's requests (bench_receiver's records: postId, status, attempt, at, answeredAt) against the
 * records read at the kill (`states`, from parseRecords). A duplicate (a post answered 2xx more than once) is
 * expected exactly when it is one copy before the kill and one after, and its delivery was not recorded as done at
 * the kill; a delivery recorded done that went out again, or two copies from the same process, is unexpected.
 */
export function judgeCrash({hits, states, postIds, killedAt}) {
    const ids = new Set(postIds);
    const before = hits.filter((r) => r.at <= killedAt);
    const openAtKill = before.filter((r) => r.answeredAt === undefined || r.answeredAt > killedAt).length;
    const answered = new Set(before.filter((r) => r.answeredAt !== undefined && r.answeredAt <= killedAt && r.status < 300).map((r) => r.postId));
    const done = new Set([...ids].filter((id) => isDone(states.get(id))));
    const answeredNotRecorded = [...answered].filter((id) => !done.has(id)).length;
    // 2xx copies of each post before and after the kill.
    const copies = new Map();
    for (const r of hits) {
        if (r.status >= 300 || !ids.has(r.postId)) continue;
        const c = copies.get(r.postId) ?? {before: 0, after: 0};
        if (r.at <= killedAt) c.before++;
        else c.after++;
        copies.set(r.postId, c);
    }
    const duplicates = [...copies].filter(([, c]) => c.before + c.after > 1).map(([id]) => id);
    // Each process delivers a post at most once, and the new one only what the dead one had not recorded as done.
    const unexpected = duplicates.filter((id) => {
        const c = copies.get(id);
        return c.before > 1 || c.after > 1 || done.has(id);
    });
    const sentBefore = new Set(before.map((r) => r.postId));
    const resendAttempts = [...new Set(hits.filter((r) => r.at > killedAt && sentBefore.has(r.postId)).map((r) => r.attempt))].sort((a, b) => a - b);
    return {
        sent: before.length,
        openAtKill,
        done: done.size,
        missing: [...ids].filter((id) => !states.has(id)).length,
        answeredNotRecorded,
        duplicates,
        unexpected,
        resendAttempts,
    };
}
