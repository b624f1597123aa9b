import type {Reader} from './reader';
import type {Writer} from './writer';

/** A compiled decoder for one (local type, wire type) pair: reads a value from the current message. */
export type DecOp = (r: Reader) => unknown;

/** What an encode op needs from the stream encoder. */
export interface EncState {
    readonly w: Writer;
    /** Writes an interface value: name, type id (defining it if new), delimited value. */
    encodeInterface(value: unknown): void;
    enter(): void;
    leave(): void;
}

export interface EncCompiled {
    /** Writes the value; struct fields call it only when `isZero` is false (gob leaves zero fields out). */
    op: (s: EncState, v: unknown) => void;
    isZero: (v: unknown) => boolean;
    /** True for structs (not pointers to them): written without the singleton prefix at top level. */
    readonly isStruct: boolean;
}
