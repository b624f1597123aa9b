// Writes server/openapi.json from the route table (common/src/api.ts) through server/src/http/openapi.ts.
// Run from the repository root: node server/scripts/gen-openapi.mjs   (server/src/http/openapi.test.ts checks it)
import {writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bundled = await build({
    entryPoints: [`${root}server/src/http/openapi.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'error',
});
const {openApiDocument} = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);
await writeFile(`${root}server/openapi.json`, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
process.stdout.write('wrote server/openapi.json\n');
