/** Any failure to encode or decode gob: malformed input, a value that does not fit its type, an unknown type. */
export class GobError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'GobError';
    }
}

/** Thrown inside the decoder when a value needs a message that has not arrived yet; never escapes the decoder. */
export class NeedMore {
    static readonly instance = new NeedMore();
    private constructor() {}
}

/** Turns anything thrown while encoding or decoding into a GobError (stack overflows from hostile nesting too). */
export function asGobError(e: unknown): GobError {
    if (e instanceof GobError) return e;
    if (e instanceof RangeError && /call stack/i.test(e.message)) return new GobError('gob: value nested too deeply');
    return new GobError(`gob: ${e instanceof Error ? e.message : String(e)}`);
}
