// Prints Tripwire's REST route table (common/src/api.ts, the one the server's routers and the webapp's client read)
// as JSON: {"api_base": "/api/v1", "plugin_route": "/plugins/tripwire", "routes": {"createRule": {"method", "path",
// "status", "access"}, ...}}. The demo driver (test/conformance/cmd/demo) calls the API by route name through it, so
// the demo follows the table instead of repeating paths. common/ is TypeScript: esbuild bundles it in memory.
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildSync} from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = buildSync({
    entryPoints: [join(root, 'common/src/api.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
});
const api = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
const routes = Object.fromEntries(
    Object.entries(api.apiRoutes).map(([name, r]) => [name, {method: r.method, path: r.path, status: r.status, access: r.access}]),
);
const integration = Object.fromEntries(Object.entries(api.integrationRoutes ?? {}).map(([name, r]) => [name, {method: r.method, path: r.path}]));
process.stdout.write(`${JSON.stringify({api_base: api.API_BASE, plugin_route: api.PLUGIN_ROUTE, routes, integration})}\n`);
