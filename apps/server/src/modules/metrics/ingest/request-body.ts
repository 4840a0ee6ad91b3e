import { pipeline, Readable, Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../../http/errors.ts';

const unsupportedMediaType = (detail: string) => new ApiError(415, { detail, code: 'unsupported_media_type' });

export const isJson = (request: FastifyRequest) =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(request.headers['content-type'] ?? '');

/**
 * Bytes of JSON one agent request may carry once decompressed. Parsing is synchronous and costs the whole server
 * ≈ 20 ms per MB of small objects, so the cap bounds what one body can take from everyone else. Our agent's batch of
 * 500 samples is ≈ 1 MB for 8 CPUs, 4 MB for 64; a bigger one is answered 413 and the agent halves it.
 */
export const MAX_JSON_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Bodies decompressed at once. A compressed body is read whole first (it is small: that is the point of a bomb) and
 * inflated only with one of these permits, so a storm of bombs holds a few inflated bodies at a time, never one per
 * request; the memory it takes is then small enough to be handed back (glibc keeps a freed peak of 64 × 8 MB).
 */
export const MAX_CONCURRENT_INFLATES = 4;

const tooLarge = (what: string, limit: number) =>
  new ApiError(413, { detail: `The request body ${what} the limit of ${limit} bytes.`, code: 'payload_too_large' });

/** A pass-through that fails with `error()` once more than `limit` bytes went through. */
function byteLimit(limit: number, error: () => ApiError): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(error());
      else callback(null, chunk);
    },
  });
}

/** The whole payload as its chunks (not joined: they are only inflated), refused with 413 past `limit` bytes. */
async function readAll(payload: Readable, limit: number): Promise<{ chunks: Buffer[]; length: number }> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of payload) {
    length += (chunk as Buffer).length;
    if (length > limit) {
      payload.destroy();
      throw tooLarge('is larger than', limit);
    }
    chunks.push(chunk as Buffer);
  }
  return { chunks, length };
}

const waiting: (() => void)[] = [];
let inflating = 0;

/** One of the MAX_CONCURRENT_INFLATES permits, in arrival order; the function returned gives it back (once). */
async function inflatePermit(): Promise<() => void> {
  if (inflating >= MAX_CONCURRENT_INFLATES) await new Promise<void>((resolve) => waiting.push(resolve));
  else inflating++;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    // The permit passes on as it is to the first in line.
    const next = waiting.shift();
    if (next) next();
    else inflating--;
  };
}

/**
 * preParsing for agent bodies: `Content-Encoding: gzip` (or deflate) read whole, then decompressed as it streams under
 * a permit, stopped with a 413 as soon as the output passes the limit, so a bomb never inflates to the end. The limit is
 * `maxBytes` (files), or MAX_JSON_BODY_BYTES for JSON, compressed or not.
 */
export function decodeContentEncoding(maxBytes: number) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: Readable): Promise<Readable> => {
    const limit = isJson(request) ? Math.min(maxBytes, MAX_JSON_BODY_BYTES) : maxBytes;
    const encoding = String(request.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    if (Number(request.headers['content-length']) > limit) throw tooLarge('is larger than', limit);
    if (encoding === '' || encoding === 'identity') {
      if (limit === maxBytes) return payload; // the route's bodyLimit is this limit
      const capped = byteLimit(limit, () => tooLarge('is larger than', limit));
      pipeline(payload, capped, () => undefined);
      return capped;
    }
    // @fastify/multipart reads the raw request itself: a compressed multipart body would reach it undecoded.
    if (request.isMultipart()) throw unsupportedMediaType('Compress the file inside the form, not the form itself.');
    if (!['gzip', 'x-gzip', 'deflate'].includes(encoding))
      throw unsupportedMediaType(`Unsupported Content-Encoding "${encoding}": send gzip or an uncompressed body.`);

    const compressed = await readAll(payload, limit);
    const release = await inflatePermit();
    // Given back when the body has been read (or failed), or at the latest when the connection is done with.
    if (reply.raw.closed) release();
    else reply.raw.once('close', release);
    const inflater = encoding === 'deflate' ? createInflate() : createGunzip();
    const decoded = byteLimit(limit, () => tooLarge('decompresses to more than', limit));
    // Registered before pipeline()'s own listener, so the client gets this message rather than zlib's bare one.
    inflater.once('error', (err) =>
      decoded.destroy(
        new ApiError(400, {
          detail: `Content-Encoding is ${encoding} but the body cannot be decompressed (${err.message}).`,
          code: 'parse_error',
        }),
      ),
    );
    pipeline(Readable.from(compressed.chunks), inflater, decoded, release);
    // Fastify compares this with Content-Length (the encoded size) once the body has been read.
    return Object.assign(decoded, { receivedEncodedLength: compressed.length });
  };
}
