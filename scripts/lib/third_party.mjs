// What the bundle holds that others wrote: one CycloneDX SBOM of the bundle and the third-party notices rendered from
// it, plus the check that every bundled package has an allowed licence whose text the notices carry.
//
// The package inventories come from the bundlers themselves, so they list exactly what went into the files we ship
// (after tree shaking): the server script from @cyclonedx/cyclonedx-esbuild (esbuild's metafile), the webapp from
// @cyclonedx/webpack-plugin (webapp/webpack.config.js), each with the licence files found in the packages (license
// evidence). Node.js, the runtime inside each executable, is added from the pinned npm package the executable is made
// of (node-runtimes.lock.json), with the LICENSE file that package carries: the official distribution's LICENSE.
// This module only merges those documents and renders text from them; all of it is deterministic (sorted, no clock).
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import parseSpdx from 'spdx-expression-parse';
import {dedupePackages} from './dedupe_packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Licences a bundled package may carry (SPDX ids): permissive, no copyleft, no field-of-use limits. */
export const ALLOWED_LICENCES = Object.freeze([
    '0BSD', 'Apache-2.0', 'BlueOak-1.0.0', 'BSD-2-Clause', 'BSD-3-Clause', 'CC0-1.0', 'ISC', 'MIT', 'Python-2.0', 'Unlicense',
]);

// Packages whose npm tarball ships no licence file although package.json declares one. Their text is kept in
// scripts/licenses/ with a note on where it comes from; the SBOM still says only what the tools found.
const SUPPLIED_TEXTS = {
    '@mattermost/client': 'mattermost-platform-packages.txt',
    '@mattermost/types': 'mattermost-platform-packages.txt',
};

/** esbuild options shared by make dist and the licence check: the server as one CommonJS file (a SEA main script
 *  may only require() built-ins) and its SBOM from the metafile. */
export async function serverBuildOptions({entry, outfile, sbomFile}) {
    const {cyclonedxEsbuildPlugin} = await import('@cyclonedx/cyclonedx-esbuild');
    return {
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node24',
        format: 'cjs',
        // import() of a built-in becomes a require() in a resolved promise: linux-amd64's executable runs the script
        // through vm.Script (scripts/lib/sea_loader.cjs), where a real import() has no module loader to call.
        supported: {'dynamic-import': false},
        minify: true,
        legalComments: 'none',
        logLevel: 'warning',
        // The licence texts are in THIRD_PARTY_NOTICES.txt (gathered below); reproducible: sorted, no serial, no time.
        // One copy of a package npm nested twice at the same version (scripts/lib/dedupe_packages.mjs).
        plugins: [dedupePackages(join(root, 'node_modules')), cyclonedxEsbuildPlugin({specVersion: '1.6', outputFile: sbomFile, gatherLicenseTexts: true, outputReproducible: true, validate: false, logLevel: 'warning'})],
    };
}

const PARTS = ['server', 'webapp'];
// Not localeCompare: the order, and so the bundle's bytes, must not depend on the build machine's locale.
const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const isFirstParty = (c) => c.group === '@tripwire' || (c.group === undefined && c.name === 'tripwire');
const fullName = (c) => (c.group ? `${c.group}/${c.name}` : c.name);
const decode = (text) => (text.encoding === 'base64' ? Buffer.from(text.content, 'base64').toString('utf8') : text.content);

/** The Node.js runtime of each executable as a component, with the LICENSE of the pinned package it came from. */
export function nodeRuntimeComponents(lock, platforms, packageDirOf) {
    return platforms.map((platform) => {
        const pin = lock.packages[platform];
        const licenceFile = join(packageDirOf(platform), 'LICENSE');
        if (!existsSync(licenceFile)) throw new Error(`${pin.package}@${lock.version} carries no LICENSE (${licenceFile})`);
        const [alg, b64] = pin.integrity.split('-');
        return {
            type: 'platform',
            'bom-ref': `node-runtime:${platform}`,
            name: pin.package,
            version: lock.version,
            description: `Node.js ${lock.version}, the runtime in server/dist/plugin-${platform}${platform.startsWith('windows') ? '.exe' : ''}`,
            hashes: [{alg: alg.toUpperCase().replace('SHA', 'SHA-'), content: Buffer.from(b64, 'base64').toString('hex')}],
            licenses: [{license: {id: 'MIT', acknowledgement: 'declared'}}],
            purl: `pkg:npm/${pin.package}@${lock.version}`,
            evidence: {licenses: [{license: {name: 'file: LICENSE', text: {content: readFileSync(licenceFile).toString('base64'), contentType: 'text/plain', encoding: 'base64'}}}]},
        };
    });
}

// bom-refs are rewritten to names (the tools append a hash of where a package was found, which would tie the
// document to this checkout's path); a second copy of the same name@version in one part gets #2, #3...
function rewriteRefs(part, sbom) {
    const map = new Map();
    const taken = new Set();
    const refFor = (ref, c) => {
        const base = `${part}:${fullName(c)}@${c.version ?? ''}`;
        let ref2 = base;
        for (let n = 2; taken.has(ref2); n++) ref2 = `${base}#${n}`;
        taken.add(ref2);
        map.set(ref, ref2);
        return ref2;
    };
    const walk = (cs) => (cs ?? []).map((c) => ({...c, 'bom-ref': refFor(c['bom-ref'], c), ...(c.components ? {components: walk(c.components)} : {})}));
    const rootRef = part;
    map.set(sbom.metadata.component['bom-ref'], part);
    const sortKey = ({'bom-ref': _ref, ...c}) => `${fullName(c)}@${c.version ?? ''}\0${JSON.stringify(c)}`;
    const components = walk([...(sbom.components ?? [])].sort((a, b) => byCodeUnits(sortKey(a), sortKey(b))));
    const dependencies = (sbom.dependencies ?? []).map((d) => ({ref: map.get(d.ref), ...(d.dependsOn ? {dependsOn: d.dependsOn.map((r) => map.get(r)).sort()} : {})}));
    return {rootRef, components, dependencies};
}

function uuidFrom(hashHex) {
    // A name-based UUID (RFC 4122 layout, version 5 bits) from the document's own hash: same content, same serial.
    const b = Buffer.from(hashHex.slice(0, 32), 'hex');
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One CycloneDX 1.6 document for the bundle: the plugin as the main component; inside it the server script (its
 * packages nested), the Node.js runtime of each executable and the webapp bundle (its packages nested).
 * `epoch` (seconds) is the build's SOURCE_DATE_EPOCH; the serial number is derived from the content.
 */
export function bundleSbom({manifest, serverSbom, webappSbom, runtimes, executables, epoch}) {
    const server = rewriteRefs('server', serverSbom);
    const webapp = rewriteRefs('webapp', webappSbom);
    const tools = [...serverSbom.metadata.tools.components, ...webappSbom.metadata.tools.components]
        .filter((t, i, all) => all.findIndex((u) => fullName(u) === fullName(t)) === i)
        .map(({externalReferences: _e, properties: _p, ...t}) => t)
        .sort((a, b) => byCodeUnits(fullName(a), fullName(b)));
    const plugin = {
        type: 'application',
        'bom-ref': manifest.id,
        name: manifest.id,
        version: manifest.version,
        description: manifest.description,
        licenses: [{license: {id: 'Apache-2.0', acknowledgement: 'declared'}}],
        externalReferences: [{type: 'website', url: manifest.homepage_url}, {type: 'issue-tracker', url: manifest.support_url}],
    };
    const serverPart = {
        type: 'application',
        'bom-ref': server.rootRef,
        name: 'tripwire-server',
        version: manifest.version,
        description: `the server script in ${Object.values(executables).join(', ')}`,
        components: server.components,
    };
    const webappPart = {
        type: 'application',
        'bom-ref': webapp.rootRef,
        name: 'tripwire-webapp',
        version: manifest.version,
        description: manifest.webapp ? `the webapp bundle ${manifest.webapp.bundle_path}` : 'no webapp',
        components: webapp.components,
    };
    const doc = {
        $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        serialNumber: '',
        version: 1,
        metadata: {
            timestamp: new Date(Number(epoch) * 1000).toISOString().replace('.000Z', 'Z'),
            lifecycles: [{phase: 'build'}],
            tools: {components: tools},
            component: plugin,
        },
        components: [serverPart, ...runtimes, webappPart],
        dependencies: [
            {ref: plugin['bom-ref'], dependsOn: [serverPart['bom-ref'], ...runtimes.map((r) => r['bom-ref']), webappPart['bom-ref']].sort()},
            ...runtimes.map((r) => ({ref: r['bom-ref']})),
            ...server.dependencies,
            ...webapp.dependencies,
        ].sort((a, b) => byCodeUnits(a.ref, b.ref)),
    };
    doc.serialNumber = uuidFrom(createHash('sha256').update(JSON.stringify(doc)).digest('hex'));
    return doc;
}

/** The CycloneDX 1.6 JSON schema's complaints about a serialized SBOM (strict: no unknown properties), or null. */
export async function sbomSchemaErrors(serialized) {
    const {Spec, Validation} = await import('@cyclonedx/cyclonedx-library');
    return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(serialized);
}

/** Every third-party component in the document (nested ones included), with the part of the bundle it is in. */
export function thirdPartyComponents(sbom) {
    const out = [];
    const walk = (cs, part) => {
        for (const c of cs ?? []) {
            if (!isFirstParty(c)) out.push({component: c, part});
            walk(c.components, part);
        }
    };
    // The top level holds the bundle's parts (server script, webapp: their packages inside) and the Node runtimes.
    for (const top of sbom.components) walk(PARTS.includes(top['bom-ref']) ? top.components : [top], top.description);
    return out;
}

/** The licence texts a component brings: what the tools found in the package, else the text kept in scripts/licenses/. */
export function licenceTexts(c) {
    const found = (c.evidence?.licenses ?? []).map((l) => l.license?.text).filter(Boolean).map(decode);
    if (found.length > 0) return {texts: found, source: 'the package'};
    const supplied = SUPPLIED_TEXTS[fullName(c)];
    if (supplied) return {texts: [readFileSync(join(root, 'scripts', 'licenses', supplied), 'utf8')], source: `scripts/licenses/${supplied} (the package ships no licence file)`};
    return {texts: [], source: 'none'};
}

/** The licence a component declares, as one SPDX expression (or a non-SPDX name as is). */
export function declaredLicence(c) {
    const parts = (c.licenses ?? []).map((l) => l.expression ?? l.license?.id ?? l.license?.name).filter(Boolean);
    return parts.length === 0 ? '' : parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' AND ');
}

/** Whether an SPDX expression is satisfied by the allowed list (OR: one side suffices; AND: both must be allowed). */
export function licenceAllowed(expression, allowed = ALLOWED_LICENCES) {
    let tree;
    try {
        tree = parseSpdx(expression);
    } catch {
        return false;
    }
    const ok = (n) => (n.license ? allowed.includes(n.license) && !n.exception : n.conjunction === 'or' ? ok(n.left) || ok(n.right) : ok(n.left) && ok(n.right));
    return ok(tree);
}

const RULE = '-'.repeat(100);

/** THIRD_PARTY_NOTICES.txt: each third-party package once (name@version, where it is, licence, full licence text). */
export function renderNotices(sbom) {
    const byId = new Map();
    for (const {component: c, part} of thirdPartyComponents(sbom)) {
        const id = `${fullName(c)}@${c.version}`;
        const entry = byId.get(id) ?? {c, parts: new Set()};
        entry.parts.add(part);
        byId.set(id, entry);
    }
    const plugin = sbom.metadata.component;
    const lines = [
        `Third-party software in ${plugin.name} ${plugin.version}`,
        '',
        `${plugin.name} itself is licensed under the Apache License 2.0 (LICENSE). It includes the software below, each`,
        'under its own licence, whose text follows. Each server executable is a Node.js runtime with the server script',
        'injected; the webapp bundle is loaded by Mattermost. sbom.cdx.json lists the same components (CycloneDX).',
        'Node.js (node-<os>-<arch>): its official binaries as republished on the npm registry, pinned in',
        "node-runtimes.lock.json; the text below is the LICENSE those packages carry, the Node.js distribution's own,",
        'which also covers the libraries built into Node.js (V8, OpenSSL, ICU, libuv, ...).',
        '',
    ];
    const printed = new Map(); // licence text → the package under which it was printed (Node.js's is 150 kB)
    for (const id of [...byId.keys()].sort()) {
        const {c, parts} = byId.get(id);
        const {texts, source} = licenceTexts(c);
        lines.push(RULE, id, `Included in: ${[...parts].sort().join('; ')}`, `Licence: ${declaredLicence(c) || 'none declared'}`, `Licence text from: ${source}`, '');
        for (const t of texts.map((x) => x.trimEnd())) {
            lines.push(printed.has(t) ? `(The same licence text as ${printed.get(t)} above.)` : t, '');
            if (!printed.has(t)) printed.set(t, id);
        }
    }
    return lines.join('\n');
}

/** What is wrong with the notices for the bundle's third-party components: [] when every one is licensed as allowed
 *  and every one's licence text is in the notices. */
export function licenceProblems(sbom, notices) {
    const problems = [];
    for (const {component: c, part} of thirdPartyComponents(sbom)) {
        const id = `${fullName(c)}@${c.version} (${part})`;
        const licence = declaredLicence(c);
        if (!licence) problems.push(`${id}: declares no licence`);
        else if (!licenceAllowed(licence)) problems.push(`${id}: licence ${licence} is not on the allowed list (${ALLOWED_LICENCES.join(', ')})`);
        const {texts} = licenceTexts(c);
        if (texts.length === 0) problems.push(`${id}: no licence text found (add one to scripts/licenses/ with its source)`);
        else if (!notices.includes(`\n${fullName(c)}@${c.version}\n`) || texts.some((t) => !notices.includes(t.trimEnd()))) problems.push(`${id}: its licence text is missing from the notices`);
    }
    return [...new Set(problems)].sort();
}
