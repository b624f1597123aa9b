// The third-party licence check outside make dist (its jest test runs it):
//   node scripts/third_party.mjs generate OUT   bundle the server (esbuild) and the webapp (webpack) into OUT exactly
//                                              as make dist does, with the host's pinned Node runtime, and write
//                                              OUT/sbom.cdx.json, OUT/THIRD_PARTY_NOTICES.txt, OUT/server.meta.json
//   node scripts/third_party.mjs verify OUT     the SBOM against CycloneDX 1.6's schema and the licence check on the
//                                              two files: exit 1 listing each problem
import {spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build as esbuild} from 'esbuild';
import {hostPlatform, pinnedNode} from './lib/node_runtime.mjs';
import {bundleSbom, licenceProblems, nodeRuntimeComponents, renderNotices, sbomSchemaErrors, serverBuildOptions} from './lib/third_party.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, out] = process.argv.slice(2);

async function generate() {
    mkdirSync(out, {recursive: true});
    const manifest = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8'));
    const result = await esbuild(await serverBuildOptions({entry: join(root, 'server/src/main.ts'), outfile: join(out, 'server.cjs'), sbomFile: join(out, 'server.cdx.json')}));
    writeFileSync(join(out, 'server.meta.json'), JSON.stringify(result.metafile));
    const webpack = spawnSync(join(root, 'node_modules/.bin/webpack'), ['--mode', 'production', '--output-path', join(out, 'webapp')], {cwd: join(root, 'webapp'), encoding: 'utf8'});
    if (webpack.status !== 0) throw new Error(`webpack failed:\n${webpack.stderr}${webpack.stdout}`);
    const platform = hostPlatform();
    const lock = JSON.parse(readFileSync(join(root, 'node-runtimes.lock.json'), 'utf8'));
    const sbom = bundleSbom({
        manifest,
        serverSbom: JSON.parse(readFileSync(join(out, 'server.cdx.json'), 'utf8')),
        webappSbom: JSON.parse(readFileSync(join(out, 'webapp', 'cyclonedx', 'bom.json'), 'utf8')),
        runtimes: nodeRuntimeComponents(lock, [platform], (p) => join(dirname(pinnedNode(p)), '..')),
        executables: {[platform]: `server/dist/plugin-${platform}`},
        epoch: 0,
    });
    writeFileSync(join(out, 'sbom.cdx.json'), JSON.stringify(sbom, null, 2) + '\n');
    writeFileSync(join(out, 'THIRD_PARTY_NOTICES.txt'), renderNotices(sbom));
}

async function verify() {
    const serialized = readFileSync(join(out, 'sbom.cdx.json'), 'utf8');
    const schemaErrors = await sbomSchemaErrors(serialized);
    if (schemaErrors) console.error(`sbom.cdx.json is not valid CycloneDX 1.6: ${JSON.stringify(schemaErrors)}`);
    const problems = licenceProblems(JSON.parse(serialized), readFileSync(join(out, 'THIRD_PARTY_NOTICES.txt'), 'utf8'));
    for (const p of problems) console.error(p);
    return !schemaErrors && problems.length === 0;
}

if (!out || !['generate', 'verify'].includes(command)) {
    console.error('usage: node scripts/third_party.mjs generate|verify DIR');
    process.exit(2);
}
if (command === 'generate') await generate();
process.exit((await verify()) ? 0 : 1);
