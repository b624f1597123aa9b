import {isServicePost, type RuleEvent} from '@tripwire/common';
import {type ChannelInfo, type PostInfo, type UserInfo} from '../ports';
import {MessageView} from './message_view';
import {codePointLength} from './text';

/** A file attached to the post, as far as conditions care. */
export interface FileFacts {
    mime_type: string;
    name?: string;
}

/** Direct and group conversations: what the engine resolved about consent. */
export interface DirectFacts {
    /** The system admin's EnableDirectMessageRules. */
    enabled: boolean;
    /** Every member of the conversation opted in (per conversation or globally). */
    optedIn: boolean;
    memberIds: readonly string[];
}

/**
 * Facts the engine resolves once per post, beyond the post, channel and author. Matching stays synchronous: whatever
 * is missing here is treated as unknown, and a condition that needs it fails with a note saying so.
 */
export interface MatchContext {
    /** @defaultValue 'posted' */
    event?: RuleEvent;
    /** Reaction events: the emoji, for the rule's emoji filter. */
    reaction?: {emojiName: string};
    /** For edits: the message before the edit, to fire only when the edit newly matches. */
    previousMessage?: string;
    /** The author's user groups; needed when a rule set `needs.groups`. */
    groupIds?: ReadonlySet<string> | readonly string[];
    /** The post's files with their types; needed when a rule set `needs.files`. */
    files?: readonly FileFacts[];
    /** Tripwire's bot, for `mentions_bot`. */
    bot?: {userId: string; username: string};
    /** Required to match anything in a direct or group conversation. */
    direct?: DirectFacts;
    /** Trigger text limit, for tests and benchmarks. @defaultValue MAX_EVALUATED_CHARS */
    maxChars?: number;
}

function truthyProp(props: Readonly<Record<string, unknown>> | undefined, key: string): boolean {
    const v = props?.[key];
    return v === true || v === 'true';
}

/** One post's facts, derived once and shared by every rule evaluated against it. */
export class PostFacts {
    readonly event: RuleEvent;
    readonly view: MessageView;
    readonly isRoot: boolean;
    /** Join/leave, header changes, ...: never matched (native Mattermost does not trigger on them either). */
    readonly isSystem: boolean;
    readonly isBot: boolean;
    /** Made by an incoming webhook or a plugin (Mattermost sets these props itself; users cannot). */
    readonly isIntegration: boolean;
    readonly groupIds: ReadonlySet<string> | undefined;
    private messageLength: number | undefined;

    constructor(
        readonly post: PostInfo,
        readonly channel: ChannelInfo,
        readonly user: UserInfo | null,
        readonly context: MatchContext = {},
        message: string = post.message,
    ) {
        this.event = context.event ?? 'posted';
        this.view = new MessageView(message, context.maxChars);
        this.isRoot = !post.root_id;
        this.isSystem = typeof post.type === 'string' && post.type.startsWith('system_');
        // Tripwire's bot posting for a service is an integration (like an incoming webhook's post), not a bot.
        const forService = context.bot !== undefined && post.user_id === context.bot.userId && isServicePost(post.props);
        this.isBot = !forService && (user?.is_bot === true || truthyProp(post.props, 'from_bot'));
        this.isIntegration = truthyProp(post.props, 'from_webhook') || truthyProp(post.props, 'from_plugin');
        const g = context.groupIds;
        this.groupIds = g === undefined ? undefined : g instanceof Set ? g : new Set(g as readonly string[]);
    }

    /** The same post with another message (the text before an edit). */
    withMessage(message: string): PostFacts {
        return new PostFacts(this.post, this.channel, this.user, this.context, message);
    }

    get isDirect(): boolean {
        return this.channel.type === 'D' || this.channel.type === 'G';
    }

    /** In code points, over the whole message. */
    get length(): number {
        return (this.messageLength ??= codePointLength(this.view.message));
    }

    get fileCount(): number {
        return this.context.files?.length ?? this.post.file_ids?.length ?? 0;
    }
}
