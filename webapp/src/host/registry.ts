import {type ComponentType, type ReactNode} from 'react';
import {type Reducer, type Store} from 'redux';

/**
 * The part of Mattermost's webapp PluginRegistry (webapp/channels/src/plugins/registry.ts) that Tripwire uses, typed.
 * Every call goes through plugin.tsx; the browser test's host page implements the same methods.
 */

/** The slice of a Mattermost channel the registry passes to header actions. */
export interface HostChannel {
    id: string;
    type: string;
    team_id: string;
    name: string;
    display_name: string;
}

/** Props Mattermost passes to a registered post type component (a subset). */
export interface PostTypeProps {
    post: HostPost;
    isRHS?: boolean;
    compactDisplay?: boolean;
}

export interface HostPost {
    id: string;
    channel_id: string;
    user_id: string;
    root_id?: string;
    type: string;
    message: string;
    create_at: number;
    props?: Record<string, unknown> | null;
}

/** Props of a PostMessageAttachment pluggable (webapp/channels/src/components/post_view/post_message_view). */
export interface PostAttachmentProps {
    postId: string;
    onHeightChange?(height: number): void;
}

/** Props Mattermost passes to an admin console custom setting (webapp/channels/src/components/admin_console). */
export interface CustomSettingProps {
    id: string;
    label?: ReactNode;
    helpText?: ReactNode;
    /** The page's value for this setting: the stored one until onChange gives another. */
    value: unknown;
    disabled?: boolean;
    /** The whole configuration the page edits (admin config as GET /api/v4/config returns it). */
    config?: unknown;
    setByEnv?: boolean;
    onChange(id: string, value: unknown): void;
    setSaveNeeded(): void;
    registerSaveAction?(action: () => Promise<{error?: {message?: string}}>): void;
    unRegisterSaveAction?(action: () => Promise<{error?: {message?: string}}>): void;
}

/** A websocket message as the webapp hands it to plugin handlers. */
export interface WebSocketMessage<T = Record<string, unknown>> {
    event: string;
    data: T;
    broadcast?: {channel_id?: string; user_id?: string; team_id?: string};
    seq?: number;
}

export type TranslationsForLocale = (locale: string) => Record<string, string>;

export interface PluginRegistry {
    registerReducer(reducer: Reducer): void;
    registerRootComponent(component: ComponentType): string;
    registerChannelHeaderButtonAction(
        icon: ReactNode,
        action: (channel: HostChannel) => void,
        dropdownText: ReactNode,
        tooltipText: ReactNode,
    ): string;
    registerChannelHeaderMenuAction(text: ReactNode, action: (channelId: string) => void, shouldRender?: (state: unknown) => boolean): string;
    registerPostTypeComponent(type: string, component: ComponentType<PostTypeProps>): string;
    /** Rendered under every post's message, with the post's id. */
    registerPostMessageAttachmentComponent(component: ComponentType<PostAttachmentProps>): string;
    registerAdminConsoleCustomSetting(key: string, component: ComponentType<CustomSettingProps>, options?: {showTitle?: boolean}): void;
    registerWebSocketEventHandler(event: string, handler: (msg: WebSocketMessage) => void): void;
    registerReconnectHandler(handler: () => void): void;
    registerTranslations(getTranslations: TranslationsForLocale): void;
}

export interface PluginEntry {
    initialize(registry: PluginRegistry, store: Store): void | Promise<void>;
    uninitialize?(): void;
}
