import {translateAttachmentMarkup, translateSlackMarkup} from './slack_markup';

// Expected values follow Mattermost 11.4 (server v8 3321db82c3e7): app/slack.go expandAnnouncement,
// app/webhook.go linkWithTextRegex `<([^\n<\|>]+)\|([^\|\n>]+)>`, model/slack_attachment.go `<([^<\|]+)\|([^>]+)>`.
describe('translateSlackMarkup (a reply text, as TriggerWebhook + CreateWebhookPost)', () => {
    it.each([
        ['<https://ci.example.com/1|build #1> passed', '[build #1](https://ci.example.com/1) passed'],
        ['<!channel> deploy done', '@channel deploy done'],
        ['<!here> and <!all>', '@here and @all'],
        // Only the three bare forms expand; a labelled one is just a link to "!here", <!everyone> stays.
        ['<!here|here> and <!everyone>', '[here](!here) and <!everyone>'],
        // Native has no user or channel label rule: the link regex takes them.
        ['ping <@U024BE7LH|bob>', 'ping [bob](@U024BE7LH)'],
        ['in <#C024BE7LR|general>', 'in [general](#C024BE7LR)'],
        // Bare links stay bracketed; so do unknown user ids (the store lookup is elsewhere).
        ['see <https://example.com>', 'see <https://example.com>'],
        ['<@U024BE7LH> has no name to use', '<@U024BE7LH> has no name to use'],
        ['a < b and c > d', 'a < b and c > d'],
        ['<mailto:a@b.c|mail us>', '[mail us](mailto:a@b.c)'],
        // The label may not hold a `|` or a newline; `$` is literal (Go's template expands only ${1}/${2}).
        ['<https://x|a|b>', '<https://x|a|b>'],
        ['<https://x|two\nlines>', '<https://x|two\nlines>'],
        ['<https://x|$1 off>', '[$1 off](https://x)'],
    ])('%j', (input, output) => {
        expect(translateSlackMarkup(input)).toBe(output);
    });
});

describe('translateAttachmentMarkup (ParseSlackLinksToMarkdown after ProcessSlackText)', () => {
    it.each([
        ['<https://x|see>', '[see](https://x)'],
        // The attachment regex allows a newline and a `|` in the label, unlike the message regex.
        ['<https://x|two\nlines>', '[two\nlines](https://x)'],
        ['<https://x|a|b>', '[a|b](https://x)'],
        ['<!channel> <https://example.com>', '@channel <https://example.com>'],
    ])('%j', (input, output) => {
        expect(translateAttachmentMarkup(input)).toBe(output);
    });
});
