// Generates server/src/manifest.ts and webapp/src/manifest.ts from plugin.json, the single source of the
// plugin's id and version. Writes only when the content changes, so watchers and make stay quiet.
import {readFileSync, writeFileSync, existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8'));

for (const [key, want] of [['id', 'string'], ['version', 'string'], ['name', 'string']]) {
    if (typeof manifest[key] !== want) {
        console.error(`plugin.json: "${key}" must be a ${want}`);
        process.exit(1);
    }
}

const header = '// Generated from plugin.json by scripts/gen-manifest.mjs. Do not edit.\n';
const server = `${header}export const manifest = ${JSON.stringify(manifest, null, 4)} as const;\n\nexport const pluginId = manifest.id;\nexport const pluginVersion = manifest.version;\n`;
const webapp = `${header}export const pluginId = ${JSON.stringify(manifest.id)};\nexport const pluginVersion = ${JSON.stringify(manifest.version)};\nexport const pluginName = ${JSON.stringify(manifest.name)};\n`;

for (const [file, text] of [['server/src/manifest.ts', server], ['webapp/src/manifest.ts', webapp]]) {
    const path = join(root, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
        writeFileSync(path, text);
    }
}
