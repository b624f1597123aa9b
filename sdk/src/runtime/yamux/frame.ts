// yamux framing (hashicorp/yamux spec.md): a 12-byte big-endian header, then `length` payload bytes for Data frames.

export const HEADER_SIZE = 12;
export const PROTO_VERSION = 0;

export enum FrameType {
    Data = 0,
    WindowUpdate = 1,
    Ping = 2,
    GoAway = 3,
}

export enum Flag {
    SYN = 1,
    ACK = 2,
    FIN = 4,
    RST = 8,
}

export enum GoAwayCode {
    Normal = 0,
    ProtocolError = 1,
    InternalError = 2,
}

export interface FrameHeader {
    version: number;
    type: number;
    flags: number;
    streamId: number;
    /** Payload size for Data, window delta for WindowUpdate, opaque value for Ping, code for GoAway. */
    length: number;
}

export function encodeHeader(type: FrameType, flags: number, streamId: number, length: number): Buffer {
    const b = Buffer.allocUnsafe(HEADER_SIZE);
    writeHeader(b, type, flags, streamId, length);
    return b;
}

export function writeHeader(b: Buffer, type: FrameType, flags: number, streamId: number, length: number): void {
    b[0] = PROTO_VERSION;
    b[1] = type;
    b.writeUInt16BE(flags, 2);
    b.writeUInt32BE(streamId, 4);
    b.writeUInt32BE(length, 8);
}

export function decodeHeader(b: Buffer, off = 0): FrameHeader {
    return {
        version: b[off] ?? -1,
        type: b[off + 1] ?? -1,
        flags: b.readUInt16BE(off + 2),
        streamId: b.readUInt32BE(off + 4),
        length: b.readUInt32BE(off + 8),
    };
}

export interface FrameSink {
    /** A complete header. For a Data frame with length > 0 its payload follows through onPayload. */
    onHeader(h: FrameHeader): void;
    /** A piece of the current Data frame's payload (a view into the input chunk, not a copy). */
    onPayload(piece: Buffer, last: boolean): void;
}

/**
 * Incremental frame parser: accepts socket chunks cut at any byte. Headers split across chunks are reassembled in a
 * 12-byte scratch buffer; payloads are handed on as views of the input, so data is never copied here.
 */
export class FrameParser {
    private readonly scratch = Buffer.allocUnsafe(HEADER_SIZE);
    private scratchFill = 0;
    private payloadLeft = 0;

    constructor(private readonly sink: FrameSink) {}

    push(chunk: Buffer): void {
        let off = 0;
        const end = chunk.length;
        while (off < end) {
            if (this.payloadLeft > 0) {
                const n = Math.min(this.payloadLeft, end - off);
                this.payloadLeft -= n;
                this.sink.onPayload(chunk.subarray(off, off + n), this.payloadLeft === 0);
                off += n;
                continue;
            }
            let h: FrameHeader;
            if (this.scratchFill === 0 && end - off >= HEADER_SIZE) {
                h = decodeHeader(chunk, off);
                off += HEADER_SIZE;
            } else {
                const n = Math.min(HEADER_SIZE - this.scratchFill, end - off);
                chunk.copy(this.scratch, this.scratchFill, off, off + n);
                this.scratchFill += n;
                off += n;
                if (this.scratchFill < HEADER_SIZE) return;
                this.scratchFill = 0;
                h = decodeHeader(this.scratch);
            }
            if (h.type === FrameType.Data) this.payloadLeft = h.length;
            this.sink.onHeader(h);
        }
    }
}
