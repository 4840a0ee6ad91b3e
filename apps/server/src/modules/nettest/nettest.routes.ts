/**
 * The agent's network test (`pcc bench network`): a tiny answer for the round trip, a download of N random bytes and
 * an upload read and thrown away, each with the collector's key. Transfers are capped in size (64 MiB) and in number
 * at once per tenant (nettest-limiter.ts: 429 with Retry-After past it), and ended after 60 s.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { ApiError, throttled } from '../../http/errors.ts';
import {
  NETTEST_MAX_SECONDS,
  NETTEST_RETRY_AFTER_SECONDS,
  type NettestLimiter,
  nettestLimiterOf,
} from './nettest-limiter.ts';

/** Largest download or upload, bytes (the agent's network benchmark never asks more). */
export const NETTEST_MAX_BYTES = 64 * 2 ** 20;
const OCTETS = 'application/octet-stream';
const tags = ['agent'];
const security = [{ apiKey: [] }];
const ErrorRef = { $ref: 'ErrorBody#' };
const busyAnswer = {
  description: `Too many network tests of this tenant (or of the server) at once: retry after Retry-After seconds.`,
  headers: { 'Retry-After': { type: 'string', description: 'Seconds to wait' } },
  content: { 'application/json': { schema: ErrorRef } },
};

/** One random MiB, made once and sent round and round: incompressible, and free to produce. */
let block: Buffer | undefined;
function randomStream(bytes: number): Readable {
  block ??= randomBytes(2 ** 20);
  const source = block;
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const piece = left >= source.length ? source : source.subarray(0, left);
      left -= piece.length;
      this.push(piece);
    },
  });
}

/** onRequest, after the key: a transfer slot, held until the answer is closed; the transfer ends at the deadline. */
const holdSlot = (limiter: NettestLimiter) => async (request: FastifyRequest, reply: FastifyReply) => {
  const release = limiter.tryAcquire({ tenantId: request.tenant.id });
  if (!release)
    throw throttled(
      NETTEST_RETRY_AFTER_SECONDS,
      'Too many network tests of this tenant (or of the server) run at once. Retry after the delay in Retry-After.',
    );
  const deadline = setTimeout(() => request.raw.destroy(), NETTEST_MAX_SECONDS * 1000);
  reply.raw.once('close', () => {
    clearTimeout(deadline);
    release();
  });
};

interface Received {
  nettestUpload: true;
  bytes: number;
  seconds: number;
}
const isReceived = (body: unknown): body is Received =>
  typeof body === 'object' && body !== null && (body as Partial<Received>).nettestUpload === true;

const tooLarge = () =>
  new ApiError(413, { detail: `An upload may hold at most ${NETTEST_MAX_BYTES} bytes.`, code: 'payload_too_large' });

export function nettestRoutes(app: App, { guards }: Deps): void {
  const limiter = nettestLimiterOf(app);
  const base = '/api/v1/agent/nettest';

  app.get(
    `${base}/ping/`,
    {
      preValidation: guards.agent,
      schema: {
        summary: 'Agent: network test round trip',
        description: 'A tiny answer: the agent times a run of these for the round trip to the server.',
        tags,
        security,
        response: { 200: Type.Object({ ok: Type.Literal(true) }, { description: 'Here.' }) },
      },
    },
    async () => ({ ok: true as const }),
  );

  app.get(
    `${base}/download/`,
    {
      onRequest: [guards.agent, holdSlot(limiter)],
      schema: {
        summary: 'Agent: network test download',
        description: `Streams \`bytes\` random bytes (at most ${NETTEST_MAX_BYTES}, 64 MiB), uncompressed; the agent times them. At most a few transfers per tenant at once (429 past it); a transfer is ended after ${NETTEST_MAX_SECONDS} s.`,
        tags,
        security,
        querystring: Type.Object({
          bytes: Type.Integer({ minimum: 1, maximum: NETTEST_MAX_BYTES, description: 'How many bytes to send' }),
        }),
        response: {
          200: {
            description: 'The bytes.',
            content: { [OCTETS]: { schema: Type.String({ format: 'binary' }) } },
          },
          429: busyAnswer,
        },
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', OCTETS)
        .header('content-length', String(request.query.bytes))
        .header('cache-control', 'no-store')
        .send(randomStream(request.query.bytes)),
  );

  // The upload's body is counted as it streams and never kept: a parser of its own, in a scope of its own.
  app.register(async (scope) => {
    scope.addContentTypeParser(OCTETS, (request, payload, done) => {
      const declared = Number(request.headers['content-length']);
      if (declared > NETTEST_MAX_BYTES) return done(tooLarge(), undefined);
      const t0 = performance.now();
      let bytes = 0;
      let failed = false;
      payload.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > NETTEST_MAX_BYTES && !failed) {
          failed = true;
          done(tooLarge(), undefined);
        }
      });
      payload.on('error', (err) => {
        if (!failed) done(err, undefined);
        failed = true;
      });
      payload.on('end', () => {
        if (!failed) done(null, { nettestUpload: true, bytes, seconds: (performance.now() - t0) / 1000 });
      });
    });

    scope.post(
      `${base}/upload/`,
      {
        onRequest: [guards.agent, holdSlot(limiter)],
        schema: {
          summary: 'Agent: network test upload',
          description: `Reads an \`application/octet-stream\` body of at most ${NETTEST_MAX_BYTES} bytes (64 MiB) and throws it away; answers how many bytes arrived and in how many seconds (the agent times the whole request itself). At most a few transfers per tenant at once (429 past it).`,
          tags,
          security,
          consumes: [OCTETS],
          body: Type.String({ format: 'binary', description: 'Any bytes' }),
          response: {
            200: Type.Object(
              { bytes: Type.Integer(), seconds: Type.Number() },
              { description: 'Bytes received, and the seconds from the first to the last.' },
            ),
            429: busyAnswer,
          },
        },
        // The body is checked by its parser: only its own kind gets through (others are 415 below).
        validatorCompiler: () => () => true,
      },
      async (request) => {
        const body: unknown = request.body;
        if (!isReceived(body))
          throw new ApiError(415, {
            detail: `Unsupported media type "${request.headers['content-type'] ?? ''}": send ${OCTETS}.`,
            code: 'unsupported_media_type',
          });
        return { bytes: body.bytes, seconds: Math.round(body.seconds * 1e6) / 1e6 };
      },
    );
  });
}
