/**
 * Loop safety across the plugin: every post Tripwire creates from a delivery carries these props, so the engine can
 * tell a chain of replies from a person typing, and stop it.
 */

/** How many deliveries led to this post: absent or 0 for a person's post, 1 for a reply to it, and so on. */
export const HOPS_PROP = 'tripwire_hops';
/** The rule whose delivery created the post. */
export const ORIGIN_RULE_PROP = 'tripwire_rule_id';

/** The hop count a post carries (a number or a numeric string, as props may come back through JSON); 0 if none. */
export function hopsOf(props: Readonly<Record<string, unknown>> | null | undefined): number {
    const raw = props?.[HOPS_PROP];
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/** The props to stamp on a post created from a delivery triggered by `trigger`. */
export function loopProps(trigger: {props?: Readonly<Record<string, unknown>> | null}, ruleId: string): Record<string, unknown> {
    return {[HOPS_PROP]: hopsOf(trigger.props) + 1, [ORIGIN_RULE_PROP]: ruleId};
}

/**
 * Whether a post of Tripwire's bot was made for a service (a reply, a response_url or inbound-URL post, an action's
 * update) rather than in its own words: only those carry `from_webhook`, the origin rule and a hop count. Such posts
 * are integration posts, not bot posts, to the rules (server/src/engine/guards.ts says why).
 */
export function isServicePost(props: Readonly<Record<string, unknown>> | null | undefined): boolean {
    return props?.from_webhook === 'true' && typeof props[ORIGIN_RULE_PROP] === 'string' && hopsOf(props) >= 1;
}
