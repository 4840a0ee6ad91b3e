import { pipeline, type Readable, Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../http/errors.ts';

const unsupportedMediaType = (detail: string) => new ApiError(415, { detail, code: 'unsupported_media_type' });

export const isJson = (request: FastifyRequest) =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(request.headers['content-type'] ?? '');

/**
 * preParsing for agent bodies: `Content-Encoding: gzip` (or deflate) decompressed as it streams, stopped with a 413 as
 * soon as the output passes `maxBytes`, so a bomb costs at most `maxBytes` of memory and never inflates to the end.
 */
export function decodeContentEncoding(maxBytes: number) {
  return async (request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> => {
    const encoding = String(request.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    if (encoding === '' || encoding === 'identity') return payload;
    // @fastify/multipart reads the raw request itself: a compressed multipart body would reach it undecoded.
    if (request.isMultipart()) throw unsupportedMediaType('Compress the file inside the form, not the form itself.');
    if (!['gzip', 'x-gzip', 'deflate'].includes(encoding))
      throw unsupportedMediaType(`Unsupported Content-Encoding "${encoding}": send gzip or an uncompressed body.`);

    let decoded = 0;
    const inflate = encoding === 'deflate' ? createInflate() : createGunzip();
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        decoded += chunk.length;
        if (decoded > maxBytes)
          callback(
            new ApiError(413, {
              detail: `The request body decompresses to more than the limit of ${maxBytes} bytes.`,
              code: 'payload_too_large',
            }),
          );
        else callback(null, chunk);
      },
    });
    // Fastify compares this with Content-Length (the encoded size) once the body has been read.
    const decodedStream = limit as Transform & { receivedEncodedLength: number };
    decodedStream.receivedEncodedLength = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        decodedStream.receivedEncodedLength += chunk.length;
        callback(null, chunk);
      },
    });
    // Registered before pipeline()'s own listener, so the client gets this message rather than zlib's bare one.
    inflate.once('error', (err) =>
      limit.destroy(
        new ApiError(400, {
          detail: `Content-Encoding is ${encoding} but the body cannot be decompressed (${err.message}).`,
          code: 'parse_error',
        }),
      ),
    );
    pipeline(payload, count, inflate, limit, () => undefined);
    return limit;
  };
}
