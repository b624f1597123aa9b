import {GobError} from './errors';
import {coreTypes, type ExternalType} from './types';

/** Seconds from 0001-01-01 (Go's internal epoch) to 1970-01-01. */
const UNIX_TO_INTERNAL = 62135596800;

/**
 * A Go time.Time as it crosses gob (Time.MarshalBinary): seconds and nanoseconds since the Unix epoch and the zone
 * offset in seconds east of UTC, or null for UTC. Go's zero Time is `GoTime.ZERO` (year 1, UTC).
 */
export class GoTime {
    static readonly ZERO = new GoTime(-UNIX_TO_INTERNAL, 0, null);

    constructor(
        readonly unixSeconds: number,
        readonly nanos: number = 0,
        readonly zoneOffsetSeconds: number | null = null,
    ) {}

    static fromDate(date: Date): GoTime {
        const ms = date.getTime();
        const sec = Math.floor(ms / 1000);
        return new GoTime(sec, (ms - sec * 1000) * 1e6, null);
    }

    toDate(): Date {
        return new Date(this.unixSeconds * 1000 + Math.floor(this.nanos / 1e6));
    }

    isZero(): boolean {
        return this.unixSeconds === -UNIX_TO_INTERNAL && this.nanos === 0 && this.zoneOffsetSeconds === null;
    }
}

function encodeTime(value: unknown): Uint8Array {
    if (!(value instanceof GoTime)) throw new GobError('gob: time.Time value must be a GoTime');
    const {unixSeconds, nanos, zoneOffsetSeconds: zone} = value;
    if (!Number.isSafeInteger(unixSeconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
        throw new GobError('gob: GoTime out of range');
    }
    let offsetMin = -1;
    let offsetSec = 0;
    let version = 1;
    if (zone !== null) {
        if (zone % 60 !== 0) {
            version = 2;
            offsetSec = zone % 60;
        }
        offsetMin = Math.trunc(zone / 60);
        if (offsetMin < -32768 || offsetMin === -1 || offsetMin > 32767) throw new GobError('gob: Time.MarshalBinary: unexpected zone offset');
    }
    const out = new Uint8Array(version === 2 ? 16 : 15);
    const view = new DataView(out.buffer);
    out[0] = version;
    view.setBigInt64(1, BigInt(unixSeconds + UNIX_TO_INTERNAL));
    view.setInt32(9, nanos);
    view.setInt16(13, offsetMin);
    if (version === 2) out[15] = offsetSec & 0xff;
    return out;
}

function decodeTime(b: Uint8Array): GoTime {
    const version = b[0];
    if (version !== 1 && version !== 2) throw new GobError('gob: Time.UnmarshalBinary: unsupported version');
    if (b.length !== (version === 2 ? 16 : 15)) throw new GobError('gob: Time.UnmarshalBinary: invalid length');
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    const sec = Number(view.getBigInt64(1)) - UNIX_TO_INTERNAL;
    if (!Number.isSafeInteger(sec)) throw new GobError('gob: time.Time out of range for GoTime');
    let offset = view.getInt16(13) * 60;
    if (version === 2) offset += b[15] ?? 0;
    return new GoTime(sec, view.getInt32(9), offset === -60 ? null : offset);
}

/** time.Time: a GobEncoder. */
export const timeType: ExternalType = coreTypes.external('time.Time', 'gob', {
    encode: encodeTime,
    decode: decodeTime,
    zero: () => GoTime.ZERO,
    isZero: (v) => v == null || (v instanceof GoTime && v.isZero()),
});

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * url.URL: a BinaryMarshaler whose bytes are `u.String()`; a JS string here. Go also sends an unused definition of
 * its (field-less) Userinfo struct alongside; the decoder accepts and ignores it.
 */
export const urlType: ExternalType = coreTypes.external('url.URL', 'binary', {
    encode: (v) => {
        if (typeof v !== 'string') throw new GobError('gob: url.URL value must be a string');
        return utf8Encoder.encode(v);
    },
    decode: (b) => utf8.decode(b),
    zero: () => '',
    isZero: (v) => v == null || v === '',
});
