import {hostMarkdown} from '../../host/globals';

/**
 * Message text rendered by Mattermost's own markdown pipeline (PostUtils.formatText + messageHtmlToComponent), so a
 * preview looks like the real post; plain text with line breaks where the host has no renderer.
 */
export function Markdown({text}: {text: string}) {
    const utils = hostMarkdown();
    if (utils) {
        return <div className='tw-post-message'>{utils.messageHtmlToComponent(utils.formatText(text, {mentionHighlight: false, atMentions: true}), {mentions: false})}</div>;
    }
    return <div className='tw-post-message'>{text}</div>;
}
