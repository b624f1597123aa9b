// CHANGELOG.md (Keep a Changelog) and plugin.json's version, the single source of the version: make dist builds
// only a version whose changelog entry exists ("## [x.y.z] - YYYY-MM-DD" with something under it), so no bundle
// reaches an admin without the notes they read before upgrading.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The entry for `version` in a Keep a Changelog document: {date, body}, or null when there is none (or it is empty). */
export function changelogEntry(markdown, version) {
    const lines = markdown.split('\n');
    const head = new RegExp(`^## \\[${escape(version)}\\] - (\\d{4}-\\d{2}-\\d{2})\\s*$`);
    const start = lines.findIndex((l) => head.test(l));
    if (start < 0) return null;
    const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    const body = lines.slice(start + 1, next < 0 ? undefined : next).join('\n').trim();
    return body ? {date: head.exec(lines[start])[1], body} : null;
}

/** Why `version` may not be built (a message), or null when CHANGELOG.md has its entry. */
export function changelogRefusal(version, file = join(root, 'CHANGELOG.md')) {
    if (!existsSync(file)) return `${file} is missing`;
    if (changelogEntry(readFileSync(file, 'utf8'), version)) return null;
    return `CHANGELOG.md has no entry for version ${version} (plugin.json): add "## [${version}] - YYYY-MM-DD" with what changed and what an admin must do`;
}
