// An esbuild plugin that bundles one copy of a package npm installed several times at the same version: npm nests a
// copy under each dependent when the top level holds another version (iconv-lite 0.7.3 under both body-parser and
// raw-body, 490 KB each, beside a top-level 0.6.3). Same name and version, same files: every import of any copy is
// pointed at the first copy in code-unit order of its directory, so the choice (and the bundle) does not depend on
// the order esbuild resolves in. Copies of different versions are left alone.
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {join, relative, sep} from 'node:path';

/** The installed directory of a resolved file: the part up to and including node_modules/<name> (scoped too). */
const PACKAGE_DIR = /^(.*[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+))[\\/]/;

function versionOf(dir) {
    try {
        return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    } catch {
        return undefined;
    }
}

/** @param {string} nodeModules the top-level node_modules directory */
export function dedupePackages(nodeModules) {
    const copies = new Map(); // name -> sorted directories holding a copy (top level and one level of nesting)
    function copiesOf(name) {
        if (!copies.has(name)) {
            const dirs = [join(nodeModules, name)];
            for (const entry of readdirSync(nodeModules)) {
                const owners = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((n) => join(entry, n)) : [entry];
                for (const owner of owners) dirs.push(join(nodeModules, owner, 'node_modules', name));
            }
            copies.set(name, dirs.filter((d) => existsSync(join(d, 'package.json'))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        }
        return copies.get(name);
    }
    return {
        name: 'dedupe-packages',
        setup(build) {
            build.onResolve({filter: /^[^./]/}, async (args) => {
                if (args.pluginData?.deduped) return undefined;
                const res = await build.resolve(args.path, {kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: {deduped: true}});
                const m = res.errors.length === 0 && !res.external ? PACKAGE_DIR.exec(res.path) : null;
                if (!m) return undefined; // esbuild resolves it again, as it would have
                const [, dir, name] = m;
                const version = versionOf(dir);
                const first = copiesOf(name.split(sep).join('/')).find((d) => versionOf(d) === version);
                if (!first || first === dir) return undefined;
                return {path: join(first, relative(dir, res.path)), sideEffects: res.sideEffects};
            });
        },
    };
}
