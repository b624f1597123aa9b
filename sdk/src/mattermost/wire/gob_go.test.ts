// The wire declarations of API replies against Go's encoding/gob (test/gobcheck/api_returns.go): Go encodes a reply
// with every field Mattermost sends; we decode it by our declaration (skipping what we do not declare), convert it
// to JSON shapes and back, re-encode it, and Go must decode exactly the declared subset of its value.
import {decodeGob, encodeGob} from '../../runtime/gob';
import {BUILD_TIMEOUT_MS, buildGobcheck, goCheck, parseLines, runGobcheck, type HexLine} from '../../runtime/gob/test/gobcheck';
import {fromJs, goStruct, toJs} from './index';
import {apiMethods, type ApiMethodName} from './methods';

let cases = new Map<string, string>();

beforeAll(() => {
    buildGobcheck();
    cases = new Map(parseLines<HexLine>(runGobcheck(['cases'])).map((c) => [c.name, c.hex]));
}, BUILD_TIMEOUT_MS);

function decodeGobReply(method: ApiMethodName, name: string): Record<string, unknown> {
    const hex = cases.get(name);
    if (hex === undefined) throw new Error(`no gobcheck case ${name}`);
    return decodeGob(Buffer.from(hex, 'hex'), goStruct(apiMethods[method].returns)) as Record<string, unknown>;
}

/** Go's reply → our declared Returns struct → JSON shapes per field (what MattermostApi hands on). */
function decodeReply(method: ApiMethodName, name: string): Record<string, unknown> {
    const gob = decodeGobReply(method, name);
    return Object.fromEntries(apiMethods[method].returns.fields.map((f) => [f.go, toJs(f.type, gob[f.go])]));
}

/** JSON shapes → gob by our declaration, as Go would receive it. */
function encodeReply(method: ApiMethodName, js: Record<string, unknown>): string {
    const def = apiMethods[method].returns;
    const gob = Object.fromEntries(def.fields.map((f) => [f.go, fromJs(f.type, js[f.go])]));
    return Buffer.from(encodeGob(goStruct(def), gob)).toString('hex');
}

describe('API reply declarations against Go', () => {
    it('GetPostThread: a PostList of posts by id, server-only fields skipped', () => {
        const r = decodeReply('GetPostThread', 'api/GetPostThread');
        expect(r['B']).toBeNull();
        const list = r['A'] as {order: string[]; posts: Record<string, Record<string, unknown>>; has_next?: boolean; prev_post_id: string};
        expect(list.order).toEqual(['r1', 'r2', 'root']);
        expect(Object.keys(list.posts).sort()).toEqual(['r1', 'r2', 'root']);
        expect(list.posts['root']).toMatchObject({id: 'root', root_id: '', user_id: 'u1', message: 'release thread ✓', create_at: 1_700_000_000_000, reply_count: 2, props: {from_bot: 'true'}, file_ids: ['f1']});
        expect(list.posts['r2']).toMatchObject({id: 'r2', root_id: 'root', message: ''});
        expect(list).toMatchObject({prev_post_id: 'prev', has_next: true, first_inaccessible_post_time: 5});
        expect(list).not.toHaveProperty('burn_on_read_posts');
        expect(goCheck(['check-cases'], [{name: 'api/GetPostThread/declared', hex: encodeReply('GetPostThread', r)}])).toEqual([]);
    });

    it('GetPostThread: the AppError of a failed call (read from the gob value: Where has no JSON name)', () => {
        const r = decodeGobReply('GetPostThread', 'api/GetPostThread/error');
        expect(r['A']).toBeNull();
        expect(r['B']).toMatchObject({Id: 'api.post.create', StatusCode: 400, Message: 'Unable to create post', Where: 'CreatePost'});
        const hex = Buffer.from(encodeGob(goStruct(apiMethods.GetPostThread.returns), r)).toString('hex');
        expect(goCheck(['check-cases'], [{name: 'api/GetPostThread/error', hex}])).toEqual([]);
    });

    it('GetPostsSince: the same PostList reply as GetPostThread, read from what Go sends', () => {
        expect(apiMethods.GetPostsSince.returns.fields.map((f) => f.type)).toEqual(apiMethods.GetPostThread.returns.fields.map((f) => f.type));
        const r = decodeReply('GetPostsSince', 'api/GetPostThread');
        expect(Object.keys((r['A'] as {posts: object}).posts).sort()).toEqual(['r1', 'r2', 'root']);
        expect(goCheck(['check-cases'], [{name: 'api/GetPostThread/declared', hex: encodeReply('GetPostsSince', r)}])).toEqual([]);
    });

    it('GetFileInfo: metadata with a size beyond 32 bits; paths, content and the preview stay behind', () => {
        const r = decodeReply('GetFileInfo', 'api/GetFileInfo');
        expect(r['A']).toEqual({
            id: 'f1', user_id: 'u1', post_id: 'p1', channel_id: 'c1', create_at: 1, update_at: 2, delete_at: 0, name: 'Q3 report.PDF',
            extension: 'pdf', size: 2 ** 40, mime_type: 'application/pdf', width: 640, height: 480, has_preview_image: true, remote_id: 'r', archived: true,
        });
        expect(goCheck(['check-cases'], [{name: 'api/GetFileInfo/declared', hex: encodeReply('GetFileInfo', r)}])).toEqual([]);
    });

    it('GetGroupsForUser: a slice of group pointers, archived groups included', () => {
        const r = decodeReply('GetGroupsForUser', 'api/GetGroupsForUser');
        const groups = r['A'] as Array<Record<string, unknown> | null>;
        expect(groups).toHaveLength(2);
        expect(groups[0]).toMatchObject({id: 'g1', name: 'ops', display_name: 'Ops', source: 'ldap', remote_id: 'cn=ops', member_count: 3, allow_reference: true, delete_at: 0});
        expect(groups[0]).not.toHaveProperty('member_ids');
        expect(groups[1]).toMatchObject({id: 'g2', source: 'custom', delete_at: 7});
        expect(groups[1]).not.toHaveProperty('name'); // nil *string, omitempty
        expect(goCheck(['check-cases'], [{name: 'api/GetGroupsForUser/declared', hex: encodeReply('GetGroupsForUser', r)}])).toEqual([]);
        expect(decodeReply('GetGroupsForUser', 'api/GetGroupsForUser/empty')['A']).toEqual([]);
    });

    it('notices a declaration that loses a field (the check itself can fail)', () => {
        const r = decodeReply('GetFileInfo', 'api/GetFileInfo');
        const lossy = {...r, A: {...(r['A'] as object), size: 0}};
        expect(goCheck(['check-cases'], [{name: 'api/GetFileInfo/declared', hex: encodeReply('GetFileInfo', lossy)}])).toHaveLength(1);
    });
});
