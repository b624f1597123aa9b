import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';

import {ruleSchema} from '@tripwire/common';

import {covered, metadata, serverOwned, uncovered} from './registry';
import {fieldPaths} from './walk';

const repo = join(__dirname, '..', '..', '..');

/** Every file under `dir` whose name passes `keep`. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return filesUnder(path, keep);
        return keep(name) ? [path] : [];
    });
}

/** The conformance Go tests and the e2e scenarios, where a covering test must be found by name. */
const testSources = [
    ...filesUnder(join(repo, 'test', 'conformance'), (n) => n.endsWith('_test.go')),
    ...filesUnder(join(repo, 'test', 'e2e', 'scenarios'), (n) => n.endsWith('.mjs')),
].map((path) => ({path, text: readFileSync(path, 'utf8')}));

/** A test exists when a Go test function or subtest, or an e2e scenario, carries the name. */
function testExists(name: string): boolean {
    const forms = name.startsWith('Test') ? [`func ${name}(`] : [JSON.stringify(name), `'${name.replace(/'/g, "\\'")}'`, `\`${name}\``];
    return testSources.some((s) => forms.some((f) => s.text.includes(f)));
}

describe('rule schema coverage by conformance and e2e tests', () => {
    const fields = fieldPaths(ruleSchema);

    it('walks the whole rule schema (trigger modes, condition types, endpoint, response and delivery fields)', () => {
        expect(fields).toEqual(expect.arrayContaining(['trigger{mode=regex}.dotAll', 'conditions[]{type=length}.max', 'endpoints[].follow_redirects', 'response.stale_action', 'delivery.rate_overflow']));
        expect(new Set(fields).size).toBe(fields.length);
    });

    it('places every field of the schema in the registry: covered by a named test, server-owned, metadata or listed as uncovered', () => {
        const placed = new Set([...Object.keys(covered), ...Object.keys(serverOwned), ...Object.keys(metadata), ...uncovered]);
        expect(fields.filter((f) => !placed.has(f))).toEqual([]);
        // And nothing stale: every registry entry is a field the schema still has.
        expect([...placed].filter((f) => !fields.includes(f))).toEqual([]);
    });

    it('places each field once', () => {
        const all = [...Object.keys(covered), ...Object.keys(serverOwned), ...Object.keys(metadata), ...uncovered];
        expect(all.filter((f, i) => all.indexOf(f) !== i)).toEqual([]);
        for (const names of Object.values(covered)) expect(names.length).toBeGreaterThan(0);
    });

    it('names only tests that exist in test/conformance/**/*_test.go or test/e2e/scenarios/*.mjs', () => {
        const missing = Object.entries(covered).flatMap(([field, names]) => names.filter((n) => !testExists(n)).map((n) => `${field}: ${n}`));
        expect(missing).toEqual([]);
    });

    it('lists the fields no conformance or e2e test shows acting yet', () => {
        // Printed for the lead: these need a conformance or e2e test before the issue is done.
        console.log(`rule schema fields without a conformance or e2e test (${uncovered.length} of ${fields.length}):\n  ${uncovered.join('\n  ')}`);
        expect(uncovered.every((f) => !(f in covered))).toBe(true);
    });
});
