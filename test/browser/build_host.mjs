// Builds the host page's script (globals + registry) into test/browser/dist/host.js (git-ignored), where host.html
// finds it both under make demo's playground (which serves test/browser/ as its root) and under serve.mjs.
import {build} from 'esbuild';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '../..');

export async function buildHostPage() {
    await build({
        entryPoints: [join(here, 'host_page.tsx')],
        bundle: true,
        minify: !process.env.HOST_PAGE_DEBUG,
        format: 'iife',
        target: 'es2020',
        jsx: 'automatic',
        define: {'process.env.NODE_ENV': process.env.HOST_PAGE_DEBUG ? '"development"' : '"production"'},
        outfile: join(here, 'dist/host.js'),
        logLevel: 'warning',
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    await buildHostPage();
    process.stdout.write('built test/browser/dist/host.js\n');
}
