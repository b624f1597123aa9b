// make deploy: uploads dist/<id>-<version>.tar.gz to MM_SERVICESETTINGS_SITEURL and enables it.
import {readFileSync} from 'node:fs';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {deployBundle, DeployError} from './lib/mattermost_deploy.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const {id, version} = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8'));
const env = process.env;

try {
    const {manifest, uploadMs, enableMs} = await deployBundle({
        siteURL: env.MM_SERVICESETTINGS_SITEURL,
        token: env.MM_ADMIN_TOKEN,
        username: env.MM_ADMIN_USERNAME,
        password: env.MM_ADMIN_PASSWORD,
        bundlePath: env.BUNDLE ?? join(root, 'dist', `${id}-${version}.tar.gz`),
    });
    console.log(`${manifest.id} ${manifest.version} uploaded in ${uploadMs} ms and enabled in ${enableMs} ms on ${env.MM_SERVICESETTINGS_SITEURL}`);
} catch (err) {
    console.error(`make deploy: ${err instanceof DeployError ? err.message : err.stack}`);
    process.exit(1);
}
