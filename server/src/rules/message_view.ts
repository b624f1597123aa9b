import {firstWordOf} from './text';

/**
 * Mattermost's longest post is 16383 runes, at most 32766 UTF-16 code units; triggers never look further, whatever
 * reaches them (an over-long test-bench sample, a future server limit).
 */
export const MAX_EVALUATED_CHARS = 32_768;

/** The message as the triggers see it, with the derived forms computed at most once per post. */
export class MessageView {
    /** The message, cut to `maxChars`. */
    readonly text: string;
    readonly truncated: boolean;
    /** `strings.Fields(message)[0]`, from the whole message. */
    readonly firstWord: string;
    private lower: string | undefined;
    private firstLower: string | undefined;

    constructor(
        readonly message: string,
        maxChars = MAX_EVALUATED_CHARS,
    ) {
        this.truncated = message.length > maxChars;
        this.text = this.truncated ? message.slice(0, maxChars) : message;
        this.firstWord = firstWordOf(message);
    }

    get lowerText(): string {
        return (this.lower ??= this.text.toLowerCase());
    }

    get lowerFirstWord(): string {
        return (this.firstLower ??= this.firstWord.toLowerCase());
    }
}
