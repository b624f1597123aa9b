import en from '../i18n/en.json';

/** Translations by locale; English is the source (defaultMessage), other locales fall back to it. */
const translations: Record<string, Record<string, string>> = {en};

export function getTranslations(locale: string): Record<string, string> {
    return translations[locale] ?? translations[locale.split(/[-_]/)[0] ?? ''] ?? en;
}
