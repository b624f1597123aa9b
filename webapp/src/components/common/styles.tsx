/**
 * Tripwire's styles, in Mattermost's look: its theme variables (`--center-channel-color`, `--button-bg`, ...) with
 * the default theme's values as fallbacks so the panel also reads well outside the webapp. No CSS framework, no
 * loader: one <style> element rendered by whichever Tripwire surface is on screen (identical copies are harmless).
 *
 * Coloured text is never a theme colour as is: it is mixed with the theme's text colour (color-mix), which moves it
 * toward the high-contrast side in light and dark themes alike. The shares below keep WCAG AA (4.5:1) for badge and
 * help text in Mattermost's Denim (light), Onyx and Indigo (dark) themes.
 */

/**
 * How much of a theme colour coloured text keeps, the rest being the theme's text colour (see styles.test.ts for the
 * contrast this gives in Mattermost's light and dark themes).
 */
export const textMix = {accent: 60, danger: 65, success: 30, warning: 30} as const;

const css = `
.tw-root, .tw-root * { box-sizing: border-box; }
.tw-root {
  font-family: 'Open Sans', sans-serif; font-size: 14px; line-height: 20px; color: var(--center-channel-color, #3f4350);
  --tw-fg: var(--center-channel-color, #3f4350);
  --tw-accent-text: color-mix(in srgb, var(--button-bg, #1c58d9) ${textMix.accent}%, var(--tw-fg));
  --tw-danger-text: color-mix(in srgb, var(--error-text, #d24b4e) ${textMix.danger}%, var(--tw-fg));
  --tw-success-text: color-mix(in srgb, var(--online-indicator, #3db887) ${textMix.success}%, var(--tw-fg));
  --tw-warning-text: color-mix(in srgb, var(--away-indicator, #ffbc1f) ${textMix.warning}%, var(--tw-fg));
  --tw-muted-text: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.75);
}
.tw-muted { color: var(--tw-muted-text); }
.tw-visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.tw-root :focus-visible { outline: 2px solid var(--tw-accent-text); outline-offset: 2px; }
.tw-root .tw-input:focus-visible, .tw-root .tw-select:focus-visible, .tw-root .tw-textarea:focus-visible { outline: none; }
.tw-modal:focus { outline: none; }
.tw-small { font-size: 12px; line-height: 16px; }
.tw-mono { font-family: Menlo, Consolas, 'Courier New', monospace; font-size: 12px; }
.tw-row { display: flex; align-items: center; gap: 8px; }
.tw-grow { flex: 1 1 auto; min-width: 0; }
.tw-wrap { flex-wrap: wrap; }
.tw-stack > * + * { margin-top: 12px; }

.tw-backdrop { position: fixed; inset: 0; background: rgba(0, 0, 0, 0.5); z-index: 1050; display: flex; align-items: flex-start; justify-content: center; overflow-y: auto; padding: 24px 16px; }
.tw-modal { background: var(--center-channel-bg, #fff); border-radius: 12px; width: 880px; max-width: 100%; box-shadow: 0 20px 32px rgba(0, 0, 0, 0.12); border: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.16); display: flex; flex-direction: column; max-height: calc(100vh - 48px); }
.tw-modal-header { display: flex; align-items: center; gap: 12px; padding: 20px 32px 8px; }
.tw-modal-title { font-family: Metropolis, 'Open Sans', sans-serif; font-size: 22px; line-height: 28px; font-weight: 600; margin: 0; }
.tw-modal-subtitle { font-size: 12px; line-height: 16px; margin-top: 2px; }
.tw-modal-body { padding: 0 32px 24px; overflow-y: auto; flex: 1 1 auto; }
.tw-modal-footer { display: flex; justify-content: flex-end; gap: 8px; padding: 16px 32px 24px; border-top: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.12); }
.tw-icon-button { border: none; background: transparent; width: 32px; height: 32px; border-radius: 4px; color: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.8); cursor: pointer; font-size: 20px; line-height: 32px; padding: 0; }
.tw-icon-button:hover { background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); color: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.72); }

.tw-tabs { display: flex; gap: 4px; border-bottom: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.12); margin: 0 -32px 16px; padding: 0 32px; }
.tw-tab { border: none; background: none; padding: 10px 12px; font-size: 14px; font-weight: 600; cursor: pointer; color: var(--tw-muted-text); border-bottom: 2px solid transparent; margin-bottom: -1px; }
.tw-tab:hover { color: var(--center-channel-color, #3f4350); }
.tw-tab[aria-selected='true'] { color: var(--tw-accent-text); border-bottom-color: var(--button-bg, #1c58d9); }

.tw-btn { display: inline-flex; align-items: center; justify-content: center; gap: 6px; height: 32px; padding: 0 16px; border-radius: 4px; border: none; font-size: 12px; font-weight: 600; cursor: pointer; white-space: nowrap; font-family: inherit; }
.tw-btn-lg { height: 40px; padding: 0 20px; font-size: 14px; }
.tw-btn-primary { background: var(--button-bg, #1c58d9); color: var(--button-color, #fff); }
.tw-btn-primary:hover { background: linear-gradient(0deg, rgba(0, 0, 0, 0.08), rgba(0, 0, 0, 0.08)), var(--button-bg, #1c58d9); }
.tw-btn-secondary { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.08); color: var(--tw-accent-text); }
.tw-btn-secondary:hover { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.12); }
.tw-btn-tertiary { background: transparent; color: var(--tw-accent-text); }
.tw-btn-tertiary:hover { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.08); }
.tw-btn-danger { background: transparent; color: var(--tw-danger-text); }
.tw-btn-danger-solid { background: color-mix(in srgb, var(--error-text, #d24b4e) 82%, #000); color: #fff; }
.tw-btn-danger:hover { background: rgba(var(--error-text-color-rgb, 210, 75, 78), 0.08); }
.tw-btn:disabled { opacity: 0.48; cursor: not-allowed; }

.tw-field { display: flex; flex-direction: column; gap: 4px; }
.tw-label { font-size: 14px; font-weight: 600; }
.tw-help { font-size: 12px; line-height: 16px; color: var(--tw-muted-text); }
.tw-error { font-size: 12px; line-height: 16px; color: var(--tw-danger-text); }
.tw-warning-text { color: var(--tw-warning-text); }
.tw-input, .tw-select, .tw-textarea { width: 100%; font: inherit; font-size: 14px; color: var(--center-channel-color, #3f4350); background: var(--center-channel-bg, #fff); border: none; border-radius: 4px; box-shadow: inset 0 0 0 1px rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.16); padding: 8px 12px; }
.tw-input, .tw-select { height: 40px; }
.tw-textarea { min-height: 72px; resize: vertical; }
.tw-input:hover, .tw-select:hover, .tw-textarea:hover { box-shadow: inset 0 0 0 1px rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.48); }
.tw-input:focus, .tw-select:focus, .tw-textarea:focus { outline: none; box-shadow: inset 0 0 0 2px var(--button-bg, #1c58d9); }
.tw-invalid, .tw-invalid:hover { box-shadow: inset 0 0 0 1px var(--error-text, #d24b4e); }
.tw-check { display: inline-flex; align-items: center; gap: 8px; cursor: pointer; font-size: 14px; }
.tw-check input { width: 16px; height: 16px; margin: 0; accent-color: var(--button-bg, #1c58d9); }
.tw-grid-2 { display: grid; grid-template-columns: 1fr 1fr; gap: 12px 16px; }
.tw-grid-3 { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px 16px; align-items: start; }
.tw-span-2 { grid-column: span 2; }
@media (max-width: 760px) { .tw-grid-3, .tw-grid-2 { grid-template-columns: minmax(0, 1fr); } .tw-span-2 { grid-column: auto; } }

.tw-section { border: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.12); border-radius: 8px; padding: 16px 20px; }
.tw-section > summary, .tw-section-title { font-weight: 600; font-size: 16px; line-height: 24px; cursor: default; }
.tw-section > summary { cursor: pointer; list-style: none; display: flex; align-items: center; gap: 8px; }
.tw-section > summary::-webkit-details-marker { display: none; }
.tw-section > summary::before { content: ''; width: 0; height: 0; border-style: solid; border-width: 5px 0 5px 7px; border-color: transparent transparent transparent rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.56); transition: transform 0.15s; }
.tw-section[open] > summary::before { transform: rotate(90deg); }
.tw-section[open] > summary { margin-bottom: 12px; }
.tw-section + .tw-section { margin-top: 12px; }

.tw-badge { display: inline-flex; align-items: center; gap: 4px; height: 20px; padding: 0 6px; border-radius: 4px; font-size: 11px; line-height: 16px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.02em; white-space: nowrap; }
.tw-badge-neutral { background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); color: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.8); }
.tw-badge-success { background: rgba(var(--online-indicator-rgb, 61, 184, 135), 0.12); color: var(--tw-success-text); }
.tw-badge-warning { background: rgba(var(--away-indicator-rgb, 255, 188, 31), 0.12); color: var(--tw-warning-text); }
.tw-badge-danger { background: rgba(var(--error-text-color-rgb, 210, 75, 78), 0.12); color: var(--tw-danger-text); }
.tw-badge-info { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.12); color: var(--tw-accent-text); }

.tw-rule-list { border: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.12); border-radius: 8px; }
.tw-rule { display: flex; gap: 16px; align-items: flex-start; padding: 16px 20px; }
.tw-rule + .tw-rule { border-top: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); }
.tw-rule:hover { background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.04); }
.tw-rule-name { font-weight: 600; font-size: 14px; }
.tw-rule-trigger { margin-top: 2px; }
.tw-code { color: var(--tw-fg); font-family: Menlo, Consolas, monospace; font-size: 12px; background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); border-radius: 4px; padding: 1px 4px; }
.tw-empty { text-align: center; padding: 40px 24px; }
.tw-empty-title { font-size: 18px; font-weight: 600; margin-bottom: 8px; }
.tw-notice { display: flex; gap: 12px; padding: 12px 16px; border-radius: 4px; background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.08); border: 1px solid rgba(var(--button-bg-rgb, 28, 88, 217), 0.16); }
.tw-notice-error { background: rgba(var(--error-text-color-rgb, 210, 75, 78), 0.08); border-color: rgba(var(--error-text-color-rgb, 210, 75, 78), 0.24); }
.tw-notice-warning { background: rgba(var(--away-indicator-rgb, 255, 188, 31), 0.1); border-color: rgba(var(--away-indicator-rgb, 255, 188, 31), 0.4); }
.tw-notice:focus { outline: 2px solid var(--tw-accent-text); outline-offset: 2px; }
.tw-summary-list { margin: 4px 0 0; padding-left: 20px; }
.tw-link { white-space: nowrap; border: none; background: none; padding: 0; font: inherit; color: var(--tw-accent-text); text-decoration: underline; cursor: pointer; text-align: left; }
.tw-more { border-top: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); padding-top: 8px; }
.tw-more > summary { cursor: pointer; font-weight: 600; font-size: 13px; color: var(--tw-accent-text); }
.tw-more > summary > .tw-row { display: inline-flex; }
.tw-more[open] > summary { margin-bottom: 12px; }
.tw-fieldset { border: none; margin: 0; padding: 0; min-width: 0; }
.tw-fieldset > legend { padding: 0; margin-bottom: 4px; }
.tw-excerpt { max-width: 280px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tw-attempts { margin: 0; padding-left: 0; list-style: none; }
.tw-attempts > li + li { margin-top: 8px; }

.tw-outcome { border: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.12); border-radius: 8px; padding: 12px 16px; }
.tw-outcome-matched { border-color: rgba(var(--online-indicator-rgb, 6, 214, 160), 0.6); background: rgba(var(--online-indicator-rgb, 6, 214, 160), 0.06); }
.tw-outcome + .tw-outcome { margin-top: 8px; }
.tw-table { width: 100%; border-collapse: collapse; font-size: 12px; }
.tw-table th { text-align: left; font-weight: 600; color: var(--tw-muted-text); padding: 6px 8px; border-bottom: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.12); }
.tw-table td { padding: 8px; border-bottom: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); vertical-align: top; }
.tw-pre { font-family: Menlo, Consolas, monospace; font-size: 12px; line-height: 16px; background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.04); border: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); border-radius: 4px; padding: 8px 12px; white-space: pre-wrap; word-break: break-all; margin: 0; max-height: 240px; overflow: auto; }
.tw-spinner { display: inline-block; width: 16px; height: 16px; border: 2px solid rgba(var(--button-bg-rgb, 28, 88, 217), 0.24); border-top-color: var(--button-bg, #1c58d9); border-radius: 50%; animation: tw-spin 0.8s linear infinite; }
@keyframes tw-spin { to { transform: rotate(360deg); } }

.tw-post { display: flex; gap: 12px; padding: 8px 0; }
.tw-avatar { width: 32px; height: 32px; border-radius: 50%; background: var(--button-bg, #1c58d9); color: var(--button-color, #fff); display: flex; align-items: center; justify-content: center; font-weight: 700; flex: none; }
.tw-post-header { display: flex; align-items: baseline; gap: 6px; }
.tw-post-author { font-weight: 600; }
.tw-post-message { white-space: pre-wrap; word-wrap: break-word; }
.tw-attachment { display: flex; margin-top: 8px; border-radius: 4px; border: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.16); overflow: hidden; max-width: 640px; }
.tw-attachment-bar { width: 4px; flex: none; background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.24); }
.tw-attachment-body { padding: 10px 12px; flex: 1 1 auto; min-width: 0; }
.tw-attachment-title { font-weight: 600; }
.tw-attachment-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 8px; }
.tw-attachment-field-long { grid-column: 1 / -1; }
.tw-attachment-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
.tw-action-good, .tw-action-success { background: #1f7a57; color: #fff; }
.tw-action-warning { background: #ffbc1f; color: #3f4350; }
.tw-action-danger { background: var(--error-text, #d24b4e); color: #fff; }

.tw-card { border: 1px solid rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.16); border-radius: 8px; padding: 12px 16px; max-width: 520px; display: flex; gap: 12px; align-items: center; }
.tw-card-title { font-weight: 600; }
.tw-progress { height: 4px; border-radius: 2px; background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.12); overflow: hidden; margin-top: 6px; }
.tw-progress > div { height: 100%; background: var(--button-bg, #1c58d9); transition: width 0.3s; }

.tw-chips { display: flex; flex-wrap: wrap; gap: 6px; }
.tw-chips { list-style: none; margin: 0; padding: 0; }
.tw-chip { display: inline-flex; align-items: center; gap: 4px; padding: 2px 4px 2px 10px; border-radius: 12px; background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.08); font-size: 12px; color: var(--tw-fg); }
.tw-chip-button { border: none; padding: 2px 10px; cursor: pointer; }
.tw-chip-button:hover { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.12); }
.tw-chip-remove { border: none; background: none; cursor: pointer; width: 20px; height: 20px; border-radius: 10px; color: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.85); padding: 0; font-size: 14px; line-height: 20px; }
.tw-chip-remove:hover { background: rgba(var(--center-channel-color-rgb, 63, 67, 80), 0.16); }
`;

export const tripwireCss = css;

export function TripwireStyles() {
    return <style data-tripwire-styles=''>{css}</style>;
}
