// CHANGELOG.md and plugin.json's version (issue #17): make dist refuses a version without its changelog entry, before
// it builds anything.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const root = join(__dirname, '..', '..', '..');
let work: string;

beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tripwire-changelog-'));
});
afterAll(() => rmSync(work, {recursive: true, force: true}));

/** scripts/lib/changelog.mjs's verdict on `version` for a changelog with `text` (null: it may be built). */
function refusal(version: string, text: string): string | null {
    const file = join(work, `CHANGELOG-${Math.random().toString(36).slice(2)}.md`);
    writeFileSync(file, text);
    const code = `import {changelogRefusal} from ${JSON.stringify(join(root, 'scripts/lib/changelog.mjs'))}; console.log(JSON.stringify(changelogRefusal(${JSON.stringify(version)}, ${JSON.stringify(file)})));`;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], {encoding: 'utf8'});
    if (res.status !== 0) throw new Error(res.stderr);
    return JSON.parse(res.stdout) as string | null;
}

describe('changelog', () => {
    test("plugin.json's version has its entry in CHANGELOG.md", () => {
        const {version} = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')) as {version: string};
        expect(refusal(version, readFileSync(join(root, 'CHANGELOG.md'), 'utf8'))).toBeNull();
    });

    test('an entry needs its heading with a date and something under it', () => {
        const doc = (entry: string) => `# Changelog\n\n## [Unreleased]\n\n${entry}\n## [1.0.0] - 2026-01-01\n\n- First.\n`;
        expect(refusal('1.2.0', doc('## [1.2.0] - 2026-12-07\n\n### Fixed\n- Something.\n'))).toBeNull();
        expect(refusal('1.2.0', doc('## [1.2.0] - 2026-12-07\n\n'))).toMatch(/no entry for version 1\.2\.0/);
        expect(refusal('1.2.0', doc('## [1.2.0]\n\n- Undated.\n'))).toMatch(/no entry for version 1\.2\.0/);
        expect(refusal('1.2', doc('## [1.2.0] - 2026-12-07\n\n- Other version.\n'))).toMatch(/no entry for version 1\.2\b/);
        expect(refusal('1.0.0', doc(''))).toBeNull();
    });

    test('make dist refuses a version with no changelog entry, before building', () => {
        const build = join(work, 'build');
        const dist = join(work, 'dist');
        const res = spawnSync(process.execPath, [join(root, 'scripts/dist.mjs')], {
            cwd: root,
            encoding: 'utf8',
            timeout: 60_000,
            env: {...process.env, PLATFORMS: 'linux-amd64', TRIPWIRE_BUILD_DIR: build, TRIPWIRE_DIST_DIR: dist, TRIPWIRE_MANIFEST_PATCH: JSON.stringify({version: '99.0.0'})},
        });
        expect(res.status).toBe(1);
        expect(res.stderr).toContain('make dist: CHANGELOG.md has no entry for version 99.0.0');
        expect(existsSync(build)).toBe(false);
        expect(existsSync(dist)).toBe(false);
    });
});
