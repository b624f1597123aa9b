// Uploads and enables a plugin bundle on a running Mattermost server through its REST API (@mattermost/client).
// Shared by `make deploy` and the end-to-end suite. Every failure becomes one sentence a person can act on.
import {readFileSync, statSync} from 'node:fs';
import {basename} from 'node:path';
import clientPkg from '@mattermost/client';

const {Client4} = clientPkg;

export class DeployError extends Error {}

function explain(err, siteURL, what) {
    const status = err?.status_code;
    const serverId = err?.server_error_id ?? '';
    if (status === undefined) {
        const cause = err?.cause?.code ?? err?.cause?.cause?.code ?? err?.message;
        return `cannot reach Mattermost at ${siteURL} (${cause}); is the server running and MM_SERVICESETTINGS_SITEURL right?`;
    }
    if (status === 401) return `${what}: the credentials were refused (401); check MM_ADMIN_TOKEN or MM_ADMIN_USERNAME/MM_ADMIN_PASSWORD`;
    if (status === 403) return `${what}: this account may not manage plugins (403); use a system admin`;
    if (status === 413 || serverId.includes('file_too_large')) {
        return `${what}: the bundle is larger than the server accepts (413); raise FileSettings.MaxFileSize or build one platform with PLATFORMS=linux-amd64 make dist`;
    }
    if (status === 501 || serverId.includes('disabled')) {
        return `${what}: plugin uploads are disabled on this server (${status}); set PluginSettings.EnableUploads=true (MM_PLUGINSETTINGS_ENABLEUPLOADS=true) and, for unsigned bundles, PluginSettings.RequirePluginSignature=false`;
    }
    return `${what} failed with ${status} ${serverId}: ${err.message}`;
}

/** Logs in (token or username/password), uploads with force, enables. Returns {manifest, uploadMs, enableMs}. */
export async function deployBundle({siteURL, token, username, password, bundlePath}) {
    if (!siteURL) throw new DeployError('set MM_SERVICESETTINGS_SITEURL to the server URL, e.g. http://localhost:8065');
    if (!token && !(username && password)) throw new DeployError('set MM_ADMIN_TOKEN, or MM_ADMIN_USERNAME and MM_ADMIN_PASSWORD');
    try {
        statSync(bundlePath);
    } catch {
        throw new DeployError(`${bundlePath} does not exist; run make dist first`);
    }

    const client = new Client4();
    client.setUrl(siteURL.replace(/\/+$/, ''));
    client.setIncludeCookies(false);
    try {
        if (token) {
            client.setToken(token);
            await client.getMe();
        } else {
            await client.login(username, password);
        }
    } catch (err) {
        throw new DeployError(explain(err, siteURL, 'logging in'));
    }

    const file = new File([readFileSync(bundlePath)], basename(bundlePath), {type: 'application/gzip'});
    const started = Date.now();
    let manifest;
    try {
        manifest = await client.uploadPlugin(file, true);
    } catch (err) {
        throw new DeployError(explain(err, siteURL, 'uploading the bundle'));
    }
    const uploaded = Date.now();
    try {
        await client.enablePlugin(manifest.id);
    } catch (err) {
        throw new DeployError(explain(err, siteURL, `enabling ${manifest.id}`));
    }
    return {manifest, client, uploadMs: uploaded - started, enableMs: Date.now() - uploaded};
}
