import type {PluginAPI} from '../ports';

/** Messages from Tripwire's bot about deliveries: to the rule's owner by DM, or to the user who triggered. */
export interface Notifier {
    endpointDisabled(info: {ownerId: string; ruleName: string; endpointId: string; url: string}): Promise<void>;
    deliveryDropped(info: {userId: string; channelId: string; rootId: string; ruleName: string; retryInMs: number}): Promise<void>;
}

/** The Notifier over the plugin API, posting as the bot `botUserId`. */
export function pluginNotifier(api: Pick<PluginAPI, 'getDirectChannel' | 'createPost' | 'sendEphemeralPost'>, botUserId: string): Notifier {
    return {
        async endpointDisabled({ownerId, ruleName, endpointId, url}) {
            const dm = await api.getDirectChannel(botUserId, ownerId);
            await api.createPost({
                channel_id: dm.id,
                user_id: botUserId,
                message:
                    `Tripwire disabled endpoint \`${endpointId}\` (${url}) of your rule **${ruleName}**: ` +
                    'the service answered 410 Gone, which means it no longer wants these deliveries. ' +
                    'Re-enable the endpoint in the rule once the service is ready again.',
                props: {tripwire_notice: 'endpoint_disabled'},
            });
        },
        async deliveryDropped({userId, channelId, rootId, ruleName, retryInMs}) {
            const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
            await api.sendEphemeralPost(userId, {
                channel_id: channelId,
                user_id: botUserId,
                ...(rootId && {root_id: rootId}),
                message: `Slow down: rule **${ruleName}** is over its rate limit, so this message was not sent on. Try again in ${seconds} s.`,
                props: {tripwire_notice: 'rate_limited'},
            });
        },
    };
}

/** What an update dropped because an endpoint moved to another origin. */
export interface OriginChangeNotice {
    ownerId: string;
    ruleName: string;
    /** Who made the change (a username). */
    changedBy: string;
    changes: ReadonlyArray<{endpointId: string; from: string; to: string; dropped: readonly string[]}>;
}

/**
 * Tells a rule's owner by DM that endpoints of their rule now point at another origin, and which secrets went with
 * that. Only origins and secret names are named: never a path or query (they may hold tokens), never a value.
 */
export async function notifyOriginChange(api: Pick<PluginAPI, 'getDirectChannel' | 'createPost'>, botUserId: string, notice: OriginChangeNotice): Promise<void> {
    const dm = await api.getDirectChannel(botUserId, notice.ownerId);
    const lines = notice.changes.map(
        (c) =>
            `- endpoint \`${c.endpointId}\`: from ${c.from} to ${c.to}; ` +
            (c.dropped.length > 0 ? `dropped: ${c.dropped.join(', ')}` : 'nothing was dropped (the request gave its secrets again or it had none)'),
    );
    await api.createPost({
        channel_id: dm.id,
        user_id: botUserId,
        message:
            `@${notice.changedBy} changed where your rule **${notice.ruleName}** sends deliveries:\n${lines.join('\n')}\n` +
            'Secrets set for the old address are never sent to a new one: set them again if the new address is right.',
        props: {tripwire_notice: 'endpoint_origin_changed'},
    });
}
