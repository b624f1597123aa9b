import {decodeGob, encodeGob, GoValue, goTypeOf} from '../../runtime/gob';
import {fromJs, ifaceToJs, ifaceOf, toJs} from './convert';
import {goType, registerMattermostTypes} from './gob_types';
import * as m from './model';
import {w} from './types';

registerMattermostTypes();

/** Through the real gob codec, as the value would cross the wire. */
function viaGob(type: Parameters<typeof goType>[0], value: unknown): unknown {
    return decodeGob(encodeGob(goType(type), value), goType(type));
}

const attachmentsJson = [
    {
        text: 'att',
        actions: [{id: 'ok', name: 'OK', type: 'button', integration: {url: '/plugins/x/action', context: {n: 1}}}],
    },
];

describe('wire conversion', () => {
    it('turns a post draft into gob fields and back into Mattermost JSON', () => {
        const gobPost = fromJs(m.Post, {channel_id: 'c1', message: 'hi', root_id: '', props: {from_conformance: true, hops: 1}});
        expect(gobPost).toEqual({ChannelId: 'c1', Message: 'hi', RootId: '', Props: {from_conformance: true, hops: 1}});
        const back = toJs(m.Post, viaGob(m.Post, {...(gobPost as object), Id: 'p1', CreateAt: 1_700_000_000_000}));
        expect(back).toMatchObject({id: 'p1', channel_id: 'c1', message: 'hi', create_at: 1_700_000_000_000, props: {from_conformance: true, hops: 1}});
        // omitempty fields stay out, the others get Go's zero values
        expect(back).not.toHaveProperty('message_source');
        expect(back).not.toHaveProperty('file_ids');
        expect(back).toHaveProperty('edit_at', 0);
        expect(back).toHaveProperty('type', '');
    });

    it("carries a post's priority in Metadata.Priority (what CreatePost keeps), and leaves Metadata out when unset", () => {
        const priority = {priority: 'urgent', requested_ack: true, persistent_notifications: null};
        const gobPost = fromJs(m.Post, {channel_id: 'c1', message: 'hi', metadata: {priority}});
        expect(gobPost).toEqual({ChannelId: 'c1', Message: 'hi', Metadata: {Priority: {Priority: 'urgent', RequestedAck: true}}});
        expect(toJs(m.Post, viaGob(m.Post, gobPost))).toMatchObject({metadata: {priority: {priority: 'urgent', requested_ack: true, persistent_notifications: null}}});
        expect(fromJs(m.Post, {channel_id: 'c1', message: 'hi'})).not.toHaveProperty('Metadata');
    });

    it('round-trips attachments sent as JSON and received as []*model.SlackAttachment', () => {
        const sent = viaGob(m.Post, fromJs(m.Post, {message: 'x', props: {attachments: attachmentsJson}})) as {Props: {attachments: unknown}};
        expect(ifaceToJs(sent.Props.attachments)).toEqual(attachmentsJson); // generic form: []any of map[string]any
        // What the server sends back after normalising: the registered slice type, Go field names inside.
        const typed = new GoValue('[]*model.SlackAttachment', fromJs(w.slice(w.ptr(m.MessageAttachment)), attachmentsJson));
        const received = viaGob(m.Post, {Message: 'x', Props: {attachments: typed}}) as {Props: {attachments: unknown}};
        const json = toJs(m.Post, received) as {props: {attachments: Array<Record<string, unknown>>}};
        const [att] = json.props.attachments;
        expect(att).toMatchObject({text: 'att', fallback: '', ts: null, fields: []});
        expect(att?.actions).toEqual([{id: 'ok', name: 'OK', type: 'button', integration: {url: '/plugins/x/action', context: {n: 1}}}]);
    });

    it('decodes Go numbers inside interfaces as numbers and keeps nested plain values as they are', () => {
        const props = {big: new GoValue('int64', 2n ** 40n), list: [1, 'a', {deep: new GoValue('int', 3)}], s: 'x'};
        expect(ifaceToJs(viaGob(w.stringInterface, props))).toEqual({big: 2 ** 40, list: [1, 'a', {deep: 3}], s: 'x'});
        const plain = {a: [1, {b: true}]};
        expect(ifaceToJs(plain)).toBe(plain);
    });

    it('chooses the autocomplete argument type from its JSON type field', () => {
        const cmd = fromJs(m.Command, {
            trigger: 'conformance',
            auto_complete: true,
            autocomplete_data: {trigger: 'conformance', arguments: [{name: 'text', type: 'TextInput', data: {hint: 'h', pattern: '.*'}}]},
        }) as {AutocompleteData: {Arguments: Array<{Data: GoValue}>}};
        const data = cmd.AutocompleteData.Arguments[0]?.Data;
        expect(data).toBeInstanceOf(GoValue);
        expect(data?.goType).toBe('*model.AutocompleteTextArg');
        const decoded = viaGob(m.Command, cmd) as {AutocompleteData: {Arguments: Array<{Data: unknown}>}};
        const arg = decoded.AutocompleteData.Arguments[0]?.Data;
        expect(goTypeOf(arg)).toBe('*model.AutocompleteTextArg');
        expect(toJs(m.Command, decoded)).toMatchObject({autocomplete_data: {arguments: [{name: 'text', type: 'TextInput', data: {hint: 'h', pattern: '.*'}}]}});
    });

    it('treats empty []byte as nil both ways and accepts base64 input', () => {
        expect(fromJs(m.PluginKVSetOptions, {atomic: true, old_value: ''})).toEqual({Atomic: true});
        expect(fromJs(m.PluginClusterEvent, {id: 'e', data: 'aGk='})).toEqual({Id: 'e', Data: new Uint8Array([104, 105])});
        expect(toJs(m.PluginClusterEvent, viaGob(m.PluginClusterEvent, {Id: 'e'}))).toEqual({id: 'e', data: null});
    });

    it('wraps registered model values for interface fields', () => {
        const err = ifaceOf('*model.AppError', {id: 'x.y', message: 'nope', status_code: 403});
        expect(err.value).toEqual({Id: 'x.y', Message: 'nope', StatusCode: 403});
        const ret = viaGob(w.stringInterface, {e: err}) as {e: unknown};
        expect(goTypeOf(ret.e)).toBe('*model.AppError');
        expect(ifaceToJs(ret.e)).toEqual({id: 'x.y', message: 'nope', detailed_error: '', status_code: 403});
        expect(() => ifaceOf('*model.Nope', {})).toThrow('not a registered interface type');
    });

    it('drops nil elements gob cannot encode and keeps map keys as given', () => {
        const resp = fromJs(m.CommandResponse, {text: 't', attachments: [null, {text: 'a'}], props: {k: undefined, j: null}});
        expect(resp).toEqual({Text: 't', Attachments: [{Text: 'a'}], Props: {j: null}});
        expect(viaGob(m.CommandResponse, resp)).toMatchObject({Text: 't', Attachments: [{Text: 'a'}]});
    });
});
