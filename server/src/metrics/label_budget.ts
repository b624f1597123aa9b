/** The label value every rule or endpoint past the budget shares. */
export const OTHER = '_other';

/**
 * Bounds the label values metrics may create: the first `maxRules` rule ids and `maxEndpoints` (rule, endpoint)
 * pairs keep their own series; later ones count under `_other` until a deleted rule frees its place. So a plugin
 * with thousands of rules costs a bounded number of series, and a scrape stays small.
 */
export class LabelBudget {
    /** rule id → its endpoint ids with a series of their own. */
    private readonly rules = new Map<string, Set<string>>();
    private endpointCount = 0;

    constructor(
        private readonly maxRules: number,
        private readonly maxEndpoints: number,
    ) {}

    rule(ruleId: string): string {
        if (this.rules.has(ruleId)) return ruleId;
        if (this.rules.size >= this.maxRules) return OTHER;
        this.rules.set(ruleId, new Set());
        return ruleId;
    }

    /** The endpoint label of a rule's endpoint; `_other` when the rule or the pair is past the budget. */
    endpoint(ruleId: string, endpointId: string): string {
        const endpoints = this.rule(ruleId) === OTHER ? undefined : this.rules.get(ruleId);
        if (!endpoints) return OTHER;
        if (endpoints.has(endpointId)) return endpointId;
        if (this.endpointCount >= this.maxEndpoints) return OTHER;
        endpoints.add(endpointId);
        this.endpointCount++;
        return endpointId;
    }

    /** Frees a deleted rule's places; returns the endpoint labels its series used (with `_other`), or undefined. */
    forget(ruleId: string): string[] | undefined {
        const endpoints = this.rules.get(ruleId);
        if (!endpoints) return undefined;
        this.rules.delete(ruleId);
        this.endpointCount -= endpoints.size;
        return [...endpoints, OTHER];
    }
}
