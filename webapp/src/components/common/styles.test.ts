import {textMix, tripwireCss} from './styles';

/** WCAG 2 relative luminance and contrast ratio. */
const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
const luminance = ([r, g, b]: number[]) => 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
const contrast = (a: number[], b: number[]) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
};
/** CSS color-mix(in srgb, a p%, b), and an rgba layer over a background. */
const mix = (a: number[], b: number[], percent: number) => a.map((v, i) => (v * percent + b[i]! * (100 - percent)) / 100);
const over = (c: number[], alpha: number, bg: number[]) => c.map((v, i) => v * alpha + bg[i]! * (1 - alpha));

/** Mattermost's Denim (light) and Onyx / Indigo (dark) theme colours Tripwire's text is mixed from. */
const themes = {
    denim: {bg: '#ffffff', fg: '#3f4350', button: '#1c58d9', error: '#d24b4e', online: '#3db887', away: '#ffbc1f'},
    onyx: {bg: '#191b1f', fg: '#e3e4e8', button: '#1c58d9', error: '#da6c6e', online: '#3db887', away: '#f5ab00'},
    indigo: {bg: '#0f1a2e', fg: '#dddfe4', button: '#5d89ea', error: '#ff6461', online: '#3db887', away: '#f5ab00'},
};

describe('theme colours', () => {
    it.each(Object.entries(themes))('keeps badge text at WCAG AA (4.5:1) on its tinted background in %s', (_name, t) => {
        const bg = hex(t.bg);
        const fg = hex(t.fg);
        const tones = {accent: t.button, danger: t.error, success: t.online, warning: t.away} as const;
        for (const [tone, base] of Object.entries(tones) as Array<[keyof typeof textMix, string]>) {
            const text = mix(hex(base), fg, textMix[tone]);
            const badgeBg = over(hex(base), 0.12, bg);
            expect({tone, ratio: contrast(text, badgeBg) >= 4.5}).toEqual({tone, ratio: true});
            expect({tone, onPanel: contrast(text, bg) >= 4.5}).toEqual({tone, onPanel: true});
        }
        // Help and muted text: the text colour at 75 %.
        expect(contrast(over(fg, 0.75, bg), bg)).toBeGreaterThanOrEqual(4.5);
    });

    it('colours text from theme variables only (no fixed text colours that ignore a dark theme)', () => {
        const fixedText = [...tripwireCss.matchAll(/\.tw-(?:badge|error|help|muted|tab|btn-(?:secondary|tertiary|danger)(?![-\w]))[^{]*\{[^}]*(?<![-\w])color:\s*#[0-9a-f]{3,6}/gi)].map((m) => m[0]);
        expect(fixedText).toEqual([]);
        expect(tripwireCss).toContain(`var(--online-indicator, #3db887) ${textMix.success}%`);
    });
});
