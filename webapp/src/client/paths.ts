import {pluginId} from '../manifest';

/** Every REST call of the webapp goes below this prefix; siteURL may carry a sub-path. */
export function apiBase(siteURL: string): string {
    return `${siteURL.replace(/\/+$/, '')}/plugins/${pluginId}/api/v1`;
}

/** Builds `base/path?query` leaving out undefined query values. */
export function apiUrl(siteURL: string, path: string, query: Record<string, string | number | undefined> = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) {
            params.set(key, String(value));
        }
    }
    const qs = params.toString();
    return `${apiBase(siteURL)}/${path.replace(/^\/+/, '')}${qs ? `?${qs}` : ''}`;
}
