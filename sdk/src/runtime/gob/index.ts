/**
 * Go's encoding/gob in TypeScript, wire-compatible with Go's encoder and decoder (checked against Go itself, see
 * gob.differential.test.ts).
 *
 * Types: describe Go types with `t` (build them once; codecs and stream type ids are cached per descriptor).
 *
 * JS value model:
 * - bool → boolean; string → string (UTF-8; invalid bytes decode as U+FFFD); float32/float64 → number;
 *   complex → {real, imag}.
 * - int8…int32, uint8…uint32 → number. int, int64, uint, uint64, uintptr → number when |v| ≤ 2^53−1, else bigint;
 *   encoding accepts either.
 * - []byte → Uint8Array. Other slices and arrays → arrays (encoding also takes typed arrays for arrays).
 * - map[string]X → plain object ('__proto__' keys are own properties); other maps → Map. A nil map is null; an
 *   empty one is {} / an empty Map (gob tells them apart).
 * - struct → plain object keyed by Go field names. Decoding fills every field of the schema: fields the sender left
 *   out (gob omits zero values) get zero values: 0, '', false, empty Uint8Array or array, null for maps, pointers
 *   and interfaces, nested zero objects for struct fields. Wire fields the schema lacks are skipped. Encoding reads
 *   the schema's fields from the object; missing (undefined) fields are zero and left out.
 * - ptr(X) → X's value, or null/undefined for nil. As in Go, a nil pointer is all gob can say about an absent field.
 * - interface{} (t.iface, also for `error` fields):
 *   decoding: nil → null; 'string', 'bool', 'float64', 'map[string]interface {}', '[]interface {}' → plain JS values;
 *   a registered struct (or pointer to one, e.g. '*model.AppError') → the decoded object, its Go name readable with
 *   `goTypeOf(obj)` (a non-enumerable GO_TYPE symbol property); any other name → GoValue(name, value), e.g.
 *   GoValue('int64', 5). An unregistered name is decoded by its wire definition into GoValue(name, value, type)
 *   (Go itself would refuse it) so it can be passed on unchanged.
 *   encoding: null/undefined → nil; string → 'string'; boolean → 'bool'; number → 'float64' (what JSON-decoded
 *   values are in Go); bigint → 'int64'; Uint8Array → '[]uint8'; array → '[]interface {}'; plain object →
 *   'map[string]interface {}'; GoValue → its name (registered here, or carrying its type); an object tagged with
 *   `withGoType(name, obj)` (or decoded from a registered struct) → that registered name.
 * - time.Time (t.time) → GoTime; url.URL (t.url) → string (its String() form, as Go's MarshalBinary sends it).
 *
 * Streams: GobEncoder and GobDecoder each hold one direction's type definitions, like Go's; use one per connection
 * direction.
 * - `new GobEncoder(write)`: `encode(type, value)` or `encodeMany([[type, value], …])` each call `write` once with
 *   the definitions of types new to the stream (as separate messages, never inline) and the value(s). A value that
 *   does not fit its type throws a GobError and writes nothing.
 * - `new GobDecoder(options?)`: `push(chunk)` input split anywhere; then `next(type)`, `nextDynamic()` (value and
 *   a type derived from the stream's definitions, re-encodable as is) or `skip()`, each giving NEED_MORE (false for
 *   skip) until the whole value has arrived. Bad input throws a GobError; see GobDecoder for what survives it.
 */
import {GobDecoder, NEED_MORE} from './decoder';
import {GobEncoder} from './encoder';
import {GobError} from './errors';
import {timeType, urlType} from './stdtypes';
import {coreTypes, type GoType} from './types';

export {GobDecoder, NEED_MORE, type DynamicValue, type GobDecoderOptions, type NeedMoreT} from './decoder';
export {GobEncoder} from './encoder';
export {GobError} from './errors';
export {lookupInterfaceType, registerInterfaceType, registerInterfaceTypeLazily} from './registry';
export {GoTime} from './stdtypes';
export {goTypeName, type ExternalCodec, type GoType, type StructType} from './types';
export {GO_TYPE, GoValue, goTypeOf, withGoType, type GoComplex} from './values';

/** Type builders: basic types, composites, and the standard library types with custom encodings. */
export const t = Object.freeze({
    ...coreTypes,
    /** time.Time (a GobEncoder); values are GoTime. */
    time: timeType,
    /** url.URL (a BinaryMarshaler); values are strings. Use t.ptr(t.url) for *url.URL. */
    url: urlType,
});

/** Encodes one value as a complete gob stream (its type definitions, then the value). */
export function encodeGob(type: GoType, value: unknown): Uint8Array {
    let out: Uint8Array = new Uint8Array(0);
    new GobEncoder((chunk) => (out = chunk)).encode(type, value);
    return out;
}

/** Decodes the first value of a complete gob stream, with a schema or (without one) dynamically. */
export function decodeGob(bytes: Uint8Array, type?: GoType): unknown {
    const dec = new GobDecoder();
    dec.push(bytes);
    const v = type ? dec.next(type) : dec.nextDynamic();
    if (v === NEED_MORE) throw new GobError('gob: unexpected EOF');
    return type ? v : (v as {value: unknown}).value;
}
