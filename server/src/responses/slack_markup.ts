/*
 * Slack's message markup, translated to Mattermost Markdown exactly as Mattermost does for outgoing-webhook replies
 * (app/slack.go ProcessSlackText, app/webhook.go CreateWebhookPost, model/slack_attachment.go ParseSlackAttachment):
 * only the three bare announcements expand, and only `<url|label>` becomes a link. Everything native leaves alone
 * stays alone: `<!everyone>`, `<!here|label>`, bare `<https://…>`, `<#C…|name>`. `<@userid>` → `@username` needs the
 * user store, so the reply handler resolves it before these run (see user_mentions.ts).
 */

const ANNOUNCEMENTS: ReadonlyArray<[string, string]> = [
    ['<!channel>', '@channel'],
    ['<!here>', '@here'],
    ['<!all>', '@all'],
];

/** expandAnnouncement: plain substring replacement of the three exact forms. */
export function expandAnnouncements(text: string): string {
    let out = text;
    for (const [form, mention] of ANNOUNCEMENTS) out = out.split(form).join(mention);
    return out;
}

/** The reply's text (CreateWebhookPost's regex): no newline, `<`, `|` or `>` in the URL; no newline, `|` or `>` in the label. */
const MESSAGE_LINK = /<([^\n<|>]+)\|([^|\n>]+)>/g;
/** An attachment's text, pretext and field values (ParseSlackLinksToMarkdown): a looser regex, newlines allowed. */
const ATTACHMENT_LINK = /<([^<|]+)\|([^>]+)>/g;

/** `$` in a label or URL must stay literal in String.replace (Go's ReplaceAllString expands only `${1}`/`${2}`). */
const toMarkdown = (_m: string, url: string, label: string): string => `[${label}](${url})`;

/** A reply's message: announcements, then links. */
export function translateSlackMarkup(text: string): string {
    return expandAnnouncements(text).replace(MESSAGE_LINK, toMarkdown);
}

/** An attachment's text, pretext or field value: announcements, then links (the attachment regex). */
export function translateAttachmentMarkup(text: string): string {
    return expandAnnouncements(text).replace(ATTACHMENT_LINK, toMarkdown);
}
