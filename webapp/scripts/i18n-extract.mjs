// Writes webapp/i18n/en.json from every `messages.ts` under webapp/src (defineMessages is the only place strings
// live). `--check` fails instead when en.json is out of date (make check-style / the i18n jest test).
import {build} from 'esbuild';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = [];
const walk = (dir) => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name === 'messages.ts') files.push(join(dir, e.name));
    }
};
walk(join(root, 'src'));
const entry = files.map((f, i) => `import * as m${i} from './${relative(root, f)}';`).join('\n') + `\nexport default [${files.map((_, i) => `m${i}`).join(',')}];`;
const out = await build({stdin: {contents: entry, resolveDir: root, loader: 'ts'}, bundle: true, write: false, format: 'esm', platform: 'node', external: []});
const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
const catalog = {};
for (const ns of mod.default) for (const group of Object.values(ns)) for (const msg of Object.values(group)) {
    if (catalog[msg.id] !== undefined && catalog[msg.id] !== msg.defaultMessage) throw new Error(`message id ${msg.id} has two texts`);
    catalog[msg.id] = msg.defaultMessage;
}
const sorted = Object.fromEntries(Object.entries(catalog).sort(([a], [b]) => a.localeCompare(b)));
const text = `${JSON.stringify(sorted, null, 2)}\n`;
const target = join(root, 'i18n/en.json');
if (process.argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(target, 'utf8'); } catch { /* missing */ }
    if (current !== text) { process.stderr.write('webapp/i18n/en.json is out of date: run make i18n-extract\n'); process.exit(1); }
} else {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${Object.keys(sorted).length} messages to webapp/i18n/en.json\n`);
}
