/**
 * Go's net/rpc over encoding/gob (the codec go-plugin's netrpc protocol uses): a request is the gob values
 * Request{ServiceMethod, Seq} then the argument; a response is Response{ServiceMethod, Seq, Error} then the reply,
 * an empty struct when Error is set. One gob encoder and decoder per stream direction.
 */
export {RpcClient} from './client';
export {ERR_SHUTDOWN, ERR_UNEXPECTED_EOF, RpcError} from './errors';
export {EmptyStruct, RequestHeader, ResponseHeader} from './messages';
export {RpcServer, type RpcHandler} from './server';
