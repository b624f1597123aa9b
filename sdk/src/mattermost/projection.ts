import {type SdkWire} from '../wire';

/** Which fields of a generated struct to keep: `true` keeps a field whole, an object keeps part of a struct field. */
export interface FieldPick {
    readonly [goField: string]: true | FieldPick;
}

/**
 * A generated struct narrowed to some of its fields, each with its generated Go name, type and JSON name. gob matches
 * fields by name and skips what the receiver does not declare, so a big reply (*model.Config) decoded into a
 * projection costs a fraction of decoding it whole, and fields a newer server adds cannot disturb it.
 */
export function projection(type: SdkWire, pick: FieldPick): SdkWire {
    switch (type.kind) {
        case 'ptr':
            return {kind: 'ptr', elem: projection(type.elem, pick)};
        case 'lazy':
            return projection(type.get(), pick);
        case 'struct': {
            const fields = Object.entries(pick).map(([name, sub]) => {
                const field = type.def.fields.find((f) => f.go === name);
                if (!field) throw new Error(`${type.def.goName} has no field ${name}`);
                return sub === true ? field : {...field, type: projection(field.type, sub)};
            });
            return {kind: 'struct', def: {...type.def, fields}};
        }
        default:
            throw new Error(`only structs can be projected, not ${type.kind}`);
    }
}
