// The bundle's third-party licences (issue #17): scripts/third_party.mjs bundles the server and the webapp exactly as
// make dist does and writes the SBOM and THIRD_PARTY_NOTICES.txt from what the bundlers put in; the check passes only
// when every bundled package has an allowed licence whose text the notices carry. make dist runs the same check.
import {spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const root = join(__dirname, '..', '..', '..');
const script = join(root, 'scripts', 'third_party.mjs');

interface Component {
    name: string;
    group?: string;
    version?: string;
    type: string;
    licenses?: {license?: {id?: string; name?: string}; expression?: string}[];
    evidence?: {licenses?: unknown[]};
    components?: Component[];
}
interface Sbom {
    metadata: {component: Component};
    components: Component[];
}

let work: string;
let out: string;

function run(command: 'generate' | 'verify', dir: string) {
    const res = spawnSync(process.execPath, [script, command, dir], {cwd: root, encoding: 'utf8', timeout: 240_000});
    return {status: res.status, stderr: res.stderr};
}

const fullName = (c: Component) => (c.group ? `${c.group}/${c.name}` : c.name);
const part = (sbom: Sbom, ref: string) => sbom.components.find((c) => (c as unknown as Record<string, string>)['bom-ref'] === ref)!;
const readSbom = (dir: string) => JSON.parse(readFileSync(join(dir, 'sbom.cdx.json'), 'utf8')) as Sbom;

/** A copy of the generated files with `change` applied, and what the check says of it. */
function verifyChanged(change: (sbom: Sbom, notices: string) => {sbom: Sbom; notices: string}) {
    const dir = mkdtempSync(join(work, 'changed-'));
    cpSync(join(out, 'sbom.cdx.json'), join(dir, 'sbom.cdx.json'));
    const changed = change(readSbom(out), readFileSync(join(out, 'THIRD_PARTY_NOTICES.txt'), 'utf8'));
    writeFileSync(join(dir, 'sbom.cdx.json'), JSON.stringify(changed.sbom));
    writeFileSync(join(dir, 'THIRD_PARTY_NOTICES.txt'), changed.notices);
    return run('verify', dir);
}

beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tripwire-licences-'));
    out = join(work, 'generated');
    const res = run('generate', out);
    if (res.status !== 0) throw new Error(`scripts/third_party.mjs generate failed (${res.status}):\n${res.stderr}`);
}, 240_000);

afterAll(() => rmSync(work, {recursive: true, force: true}));

describe('third-party notices and SBOM of the bundle', () => {
    test('every package esbuild put into the server script is in the SBOM, and only those', () => {
        const meta = JSON.parse(readFileSync(join(out, 'server.meta.json'), 'utf8')) as {inputs: Record<string, unknown>};
        const bundled = new Set(
            Object.keys(meta.inputs)
                .map((file) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(file)?.[1])
                .filter((name): name is string => name !== undefined && !name.startsWith('@tripwire/')),
        );
        const listed = new Set(part(readSbom(out), 'server').components!.map(fullName).filter((n) => !n.startsWith('@tripwire/')));
        expect(bundled.size).toBeGreaterThan(10);
        expect([...listed].sort()).toEqual([...bundled].sort());
        // Build tools and test libraries are not shipped, so they are not listed.
        for (const tool of ['esbuild', 'jest', 'typescript', 'supertest', 'standardwebhooks']) expect(listed).not.toContain(tool);
    });

    test('the webapp part lists what webpack bundled (not the host-provided React DOM), the runtime part Node.js', () => {
        const sbom = readSbom(out);
        const webapp = part(sbom, 'webapp').components!.map(fullName);
        expect(webapp).toEqual(expect.arrayContaining(['zod', '@mattermost/client']));
        expect(webapp).not.toContain('react-dom'); // an external: Mattermost's own copy
        const runtime = sbom.components.find((c) => c.type === 'platform')!;
        expect(runtime.name).toMatch(/^node-/);
        const notices = readFileSync(join(out, 'THIRD_PARTY_NOTICES.txt'), 'utf8');
        expect(notices).toContain(`${runtime.name}@${runtime.version}`);
        expect(notices).toContain('Node.js is licensed for use as follows');
    });

    test('the check passes: a valid SBOM, each bundled package with an allowed licence and its text in the notices', () => {
        expect(run('verify', out)).toEqual({status: 0, stderr: ''});
    });

    test('the SBOM is valid CycloneDX 1.6, and the check says so when it is not', () => {
        const res = verifyChanged((sbom, notices) => {
            part(sbom, 'server').components![0]!.type = 'gadget';
            return {sbom, notices};
        });
        expect(res.status).toBe(1);
        expect(res.stderr).toMatch(/^sbom\.cdx\.json is not valid CycloneDX 1\.6: .*components\/0\/components\/0\/type/m);
    });

    test("the check fails when a bundled package's licence text is missing from the notices", () => {
        const res = verifyChanged((sbom, notices) => {
            const express = notices.indexOf('\nexpress@');
            const next = notices.indexOf('\n----', express);
            return {sbom, notices: notices.slice(0, express) + notices.slice(next)};
        });
        expect(res.status).toBe(1);
        expect(res.stderr).toMatch(/^express@[\d.]+ \(the server script[^)]*\): its licence text is missing from the notices$/m);
    });

    test('the check fails when a bundled package has no licence text at all', () => {
        const res = verifyChanged((sbom, notices) => {
            delete part(sbom, 'server').components!.find((c) => c.name === 'qs')!.evidence;
            return {sbom, notices};
        });
        expect(res.status).toBe(1);
        expect(res.stderr).toMatch(/^qs@[\d.]+ .*: no licence text found/m);
    });

    test.each([
        ['GPL-3.0-only', true],
        ['MIT AND GPL-3.0-only', true],
        ['LicenseRef-Proprietary', true],
        ['MIT OR GPL-3.0-only', false],
        ['(MIT OR Apache-2.0) AND BSD-3-Clause', false],
    ])('a package licensed %s is refused: %s', (expression, refused) => {
        const res = verifyChanged((sbom, notices) => {
            part(sbom, 'webapp').components!.find((c) => c.name === 'zod')!.licenses = [{expression}];
            return {sbom, notices};
        });
        expect(res.status).toBe(refused ? 1 : 0);
        if (refused) expect(res.stderr).toContain(`zod@`);
        if (refused) expect(res.stderr).toContain(`licence ${expression} is not on the allowed list`);
    });
});
