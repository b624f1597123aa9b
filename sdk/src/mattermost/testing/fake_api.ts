import {decodeGob, encodeGob, type GoType} from '../../runtime/gob';
import {type ApiRpc} from '../api/connection';

/** The Z_<M>Returns a fake host answers, in gob field form; a function sees the decoded Z_<M>Args. */
export type FakeReply = Record<string, unknown> | ((args: Record<string, unknown>) => Record<string, unknown>);

/**
 * The host's API server in memory: records each call's argument as the client sent it (gob values: absent fields
 * are the ones not sent) and answers from a table. Both cross the gob codec by the types the caller gives, so what
 * cannot be encoded fails as on the wire, and the caller receives only what its reply type declares.
 */
export class FakeApi implements ApiRpc {
    readonly calls: Array<[string, Record<string, unknown>]> = [];
    /** The same arguments as Go decodes them (every declared field, zero when not sent). */
    readonly received: Array<Record<string, unknown>> = [];

    constructor(private readonly replies: Readonly<Record<string, FakeReply>>) {}

    async call(serviceMethod: string, argType: GoType, arg: unknown, replyType: GoType | null): Promise<unknown> {
        const method = serviceMethod.replace(/^Plugin\./, '');
        const args = decodeGob(encodeGob(argType, arg), argType) as Record<string, unknown>;
        this.calls.push([method, arg as Record<string, unknown>]);
        this.received.push(args);
        const r = this.replies[method];
        if (r === undefined) throw new Error(`rpc: can't find method ${serviceMethod}`);
        const reply = typeof r === 'function' ? r(args) : r;
        if (!replyType) return reply;
        return decodeGob(encodeGob(replyType, reply), replyType);
    }

    close(): void {}
}
