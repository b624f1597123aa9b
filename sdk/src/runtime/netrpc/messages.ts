import {t} from '../gob';

/** net/rpc's Request header (server.go); the unexported `next` field is not sent. */
export const RequestHeader = t.struct('rpc.Request', [
    ['ServiceMethod', t.string],
    ['Seq', t.uint64],
]);

/** net/rpc's Response header; Error is "" on success. */
export const ResponseHeader = t.struct('rpc.Response', [
    ['ServiceMethod', t.string],
    ['Seq', t.uint64],
    ['Error', t.string],
]);

/** The body Go's server sends with an error reply (`invalidRequest = struct{}{}`). */
export const EmptyStruct = t.struct('struct {}', []);

export interface RequestValue {
    ServiceMethod: string;
    Seq: number | bigint;
}

export interface ResponseValue {
    ServiceMethod: string;
    Seq: number | bigint;
    Error: string;
}
