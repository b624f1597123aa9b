import {execFileSync} from 'node:child_process';
import {join} from 'node:path';

import {getTranslations} from './i18n';

describe('i18n', () => {
    it('en.json holds exactly the messages defined in the source (run make i18n-extract after changing strings)', () => {
        expect(() => execFileSync(process.execPath, [join(__dirname, '../scripts/i18n-extract.mjs'), '--check'], {stdio: 'pipe'})).not.toThrow();
    });

    it('falls back to English for locales without a catalog', () => {
        expect(getTranslations('fr-CA')['tripwire.panel.tab.log']).toBe('Delivery log');
    });
});
