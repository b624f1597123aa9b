import type {PluginAPI} from '../ports';

import type {Reply, SingleReply} from './parse';

/*
 * Slack's `<@userid>` → `@username`, as Mattermost's replaceUserIds does (app/slack.go) in a reply's text and in its
 * attachments' pretext, text, title and field values. Unknown ids stay as they are. Runs before the pure mapping in
 * to_posts.ts because it needs the user store; skip_slack_parsing replies are left alone like the rest of the markup.
 */

const USER_ID = /<@([a-zA-Z0-9]+)>/g;
/** A reply cannot make Tripwire look up more users than this (native looks them up in one query). */
const MAX_LOOKUPS = 50;

export type UsernameLookup = Pick<PluginAPI, 'getUser'>;

export async function resolveUserMentions(reply: Reply, users: UsernameLookup): Promise<Reply> {
    const singles = [reply, ...(reply.extra_responses ?? [])].filter((s) => !s.skip_slack_parsing);
    const ids = new Set<string>();
    for (const s of singles) for (const text of textsOf(s)) for (const m of text.matchAll(USER_ID)) ids.add(m[1]!);
    if (ids.size === 0) return reply;

    const names = new Map<string, string>();
    await Promise.all(
        [...ids].slice(0, MAX_LOOKUPS).map(async (id) => {
            try {
                names.set(id, (await users.getUser(id)).username);
            } catch {
                // not a user: the reference stays as written, as natively
            }
        }),
    );
    const swap = (text: string) => text.replace(USER_ID, (whole, id: string) => (names.has(id) ? `@${names.get(id)!}` : whole));
    const mapSingle = <T extends SingleReply>(s: T): T => (s.skip_slack_parsing ? s : mapTexts(s, swap));
    return {...mapSingle(reply), extra_responses: reply.extra_responses?.map(mapSingle)};
}

function textsOf(s: SingleReply): string[] {
    const out = s.text ? [s.text] : [];
    for (const a of s.attachments ?? []) {
        if (!a) continue;
        out.push(a.pretext, a.text, a.title);
        for (const f of a.fields ?? []) if (f && typeof f.value === 'string') out.push(f.value);
    }
    return out;
}

function mapTexts<T extends SingleReply>(s: T, fn: (text: string) => string): T {
    return {
        ...s,
        text: s.text == null ? s.text : fn(s.text),
        attachments: s.attachments?.map((a) =>
            a
                ? {
                      ...a,
                      pretext: fn(a.pretext),
                      text: fn(a.text),
                      title: fn(a.title),
                      fields: a.fields?.map((f) => (f && typeof f.value === 'string' ? {...f, value: fn(f.value)} : f)),
                  }
                : a,
        ),
    };
}
