/**
 * One-dimensional arrays in PostgreSQL's binary wire format (what `array_recv` reads), for the hot write statement's
 * parameters. node-postgres sends a Buffer parameter as binary; PostgreSQL then copies each element instead of
 * parsing its text, and we skip building and escaping the text: both sides of the largest per-row cost of a flush.
 *
 * Layout: int32 ndim, int32 has-nulls flag, int32 element type oid, then per dimension int32 length and int32 lower
 * bound (1); then per element int32 byte length (-1 for NULL) and the element's bytes, all big-endian.
 */

import { UUID } from '../lib/uuid.ts';

export type ArrayElementType = 'float8' | 'int4' | 'text' | 'uuid';

const OID: Record<ArrayElementType, number> = { float8: 701, int4: 23, text: 25, uuid: 2950 };
/** Bytes of a fixed-size element; text varies. */
const FIXED: Partial<Record<ArrayElementType, number>> = { float8: 8, int4: 4, uuid: 16 };

/** A value that cannot be sent as an element of its column's type: a bug in the caller, never bad input. */
export class ArrayEncodingError extends Error {}

/**
 * Encodes `values` as a binary array of `type`. `null`/`undefined` (and, for numbers, NaN or ±Infinity) are NULL.
 * A uuid must be in canonical text form; an int4 must be an integer in range.
 */
export function encodeArray(type: ArrayElementType, values: readonly unknown[]): Buffer {
  const n = values.length;
  if (n === 0) {
    const empty = Buffer.alloc(12);
    empty.writeInt32BE(OID[type], 8);
    return empty;
  }
  const fixed = FIXED[type];
  const texts =
    type === 'text' ? values.map((v) => (v === null || v === undefined ? null : Buffer.from(String(v)))) : [];
  let size = 20;
  for (let i = 0; i < n; i++) {
    const present = type === 'text' ? texts[i] !== null : isPresent(type, values[i]);
    size += 4 + (present ? (fixed ?? (texts[i] as Buffer).length) : 0);
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0);
  out.writeInt32BE(0, 4); // has-nulls, set below if one is written
  out.writeInt32BE(OID[type], 8);
  out.writeInt32BE(n, 12);
  out.writeInt32BE(1, 16);
  let at = 20;
  let nulls = false;
  // A flush repeats a handful of ids on every row: each is converted once.
  const uuids = type === 'uuid' ? new Map<string, Buffer>() : undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (type === 'text') {
      const bytes = texts[i];
      if (!bytes) {
        at = out.writeInt32BE(-1, at);
        nulls = true;
        continue;
      }
      at = out.writeInt32BE(bytes.length, at);
      at += bytes.copy(out, at);
      continue;
    }
    if (!isPresent(type, v)) {
      at = out.writeInt32BE(-1, at);
      nulls = true;
      continue;
    }
    at = out.writeInt32BE(fixed as number, at);
    if (type === 'float8') at = out.writeDoubleBE(v as number, at);
    else if (type === 'int4') {
      const int = Number(v);
      if (!Number.isInteger(int) || int < -2147483648 || int > 2147483647)
        throw new ArrayEncodingError(`not an int4: ${String(v)}`);
      at = out.writeInt32BE(int, at);
    } else {
      const text = String(v);
      let bytes = uuids?.get(text);
      if (!bytes) {
        if (!UUID.test(text)) throw new ArrayEncodingError(`not a uuid: ${text}`);
        bytes = Buffer.from(text.replaceAll('-', ''), 'hex');
        uuids?.set(text, bytes);
      }
      at += bytes.copy(out, at);
    }
  }
  if (nulls) out.writeInt32BE(1, 4);
  return out;
}

function isPresent(type: ArrayElementType, v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (type === 'float8') return typeof v === 'number' && Number.isFinite(v);
  return true;
}
