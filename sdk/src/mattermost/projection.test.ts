import {Config, PluginContext} from '../generated/wire';
import {decodeGob, encodeGob} from '../runtime/gob';
import {sdkGoType} from '../wire';
import {projection} from './projection';

describe('projection', () => {
    it('keeps the named fields with their generated types and JSON names, through pointers', () => {
        const config = projection({kind: 'ptr', elem: Config}, {ServiceSettings: {SiteURL: true}});
        expect(config.kind === 'ptr' && config.elem.kind === 'struct' && config.elem.def.fields.map((f) => [f.go, f.json])).toEqual([['ServiceSettings', 'ServiceSettings']]);
        const whole = sdkGoType(PluginContext);
        const part = sdkGoType(projection(PluginContext, {RequestId: true}));
        // gob skips what the projection leaves out.
        expect(decodeGob(encodeGob(whole, {SessionId: 's', RequestId: 'r', UserAgent: 'ua'}), part)).toEqual({RequestId: 'r'});
    });

    it('refuses a field the struct does not have, and non-structs', () => {
        expect(() => projection(Config, {ServiceSettings: {SiteUrl: true}})).toThrow('model.ServiceSettings has no field SiteUrl');
        expect(() => projection(Config, {ServiceSettings: {SiteURL: {Scheme: true}}})).toThrow('only structs can be projected, not string');
    });
});
