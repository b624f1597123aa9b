/*
 * Slack's message markup, translated to Mattermost Markdown as Mattermost does for webhook replies
 * (ProcessSlackText + linkWithTextRegex), plus the user and channel references it leaves alone when it has a label.
 */

const ANNOUNCEMENTS: ReadonlyArray<[RegExp, string]> = [
    [/<!channel(?:\|[^>\n]*)?>/g, '@channel'],
    [/<!here(?:\|[^>\n]*)?>/g, '@here'],
    [/<!(?:all|everyone)(?:\|[^>\n]*)?>/g, '@all'],
];

/** `<url|text>` as Mattermost matches it: no newline, `<`, `|` or `>` in the URL, no newline or `>` in the text. */
const LINK_WITH_TEXT = /<([^\n<|>]+)\|([^\n>]+)>/g;
const USER_WITH_NAME = /<@[A-Za-z0-9]+\|([^\n>]+)>/g;
const CHANNEL_WITH_NAME = /<#[A-Za-z0-9]+\|([^\n>]+)>/g;
const BARE_LINK = /<((?:https?|mailto|ftp):[^\n<|>\s]+)>/g;

export function translateSlackMarkup(text: string): string {
    let out = text;
    for (const [pattern, mention] of ANNOUNCEMENTS) out = out.replace(pattern, mention);
    out = out.replace(USER_WITH_NAME, '@$1').replace(CHANNEL_WITH_NAME, '~$1');
    out = out.replace(LINK_WITH_TEXT, '[$2]($1)');
    return out.replace(BARE_LINK, '$1');
}
