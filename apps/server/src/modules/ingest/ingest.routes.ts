import { TrickleAcceptedSchema, TrickleEmptySchema, TrickleRequestSchema } from '@xat/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { ApiError } from '../../http/errors.ts';
import { touchCollector } from '../collectors/collectors.queries.ts';
import { ingestRawRounds } from './ingest.service.ts';
import { holdIngestSlot, ingestLimiterOf, whileIngesting } from './limiter.ts';
import { validator } from './metrics-upload.ts';
import { decodeContentEncoding, isJson } from './request-body.ts';

const validTrickle = validator(TrickleRequestSchema);

const notJson = () =>
  new ApiError(415, {
    detail: 'Only JSON is accepted: Content-Type: application/json.',
    code: 'unsupported_media_type',
  });

/** The original pcc's protocol (REFERENCE 1.4): one round per request, key in the `apikey` header. */
export function ingestRoutes(app: App, { db, config, guards }: Deps): void {
  const limiter = ingestLimiterOf(app);

  // The reference's exact 401 bodies: the original clients and their scripts match on them.
  const trickleAgent = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await guards.agent.call(app, request, reply);
    } catch (err) {
      if (!(err instanceof ApiError) || err.statusCode !== 401) throw err;
      if (err.body.code === 'not_authenticated') throw new ApiError(401, { error: 'Invalid API key' }, err.headers);
      if (err.body.detail === 'Invalid API key') throw new ApiError(401, { detail: 'Invalid API key' }, err.headers);
      throw err;
    }
  };

  app.post(
    '/v1/trickle',
    {
      bodyLimit: config.maxUploadBytes,
      // Key, media type and a free ingest slot are checked before the body is read: a stranger's, a wrong or one body
      // too many costs nothing.
      onRequest: [
        trickleAgent,
        async (request) => {
          if (request.headers['content-type'] !== undefined && !isJson(request)) throw notJson();
        },
        holdIngestSlot(limiter),
      ],
      preParsing: decodeContentEncoding(config.maxUploadBytes),
      schema: {
        summary: 'Original pcc: send rounds',
        tags: ['agent'],
        security: [{ apiKey: [] }],
        description:
          'The original pcc trickle protocol: `{identifier, measurements: [{timestamp, subsystem, measurement}, …]}` ' +
          'with the key in the `apikey` header. Rounds chain with the collector’s previous round into intervals.',
        response: { 200: Type.Union([TrickleAcceptedSchema, TrickleEmptySchema]) },
      },
    },
    async (request) => {
      const body = validTrickle(request.body ?? {});
      const measurements = body.measurements ?? [];
      const { tenant, agent } = request;
      if (measurements.length === 0) {
        await touchCollector(db, tenant.id, agent.collectorId); // a heartbeat: the collector is alive
        return { status: 'ok' as const, message: 'No measurements to process' as const };
      }
      const r = await whileIngesting(request, () => ingestRawRounds(db, tenant.id, agent.collectorId, measurements));
      return {
        status: 'ok' as const,
        identifier: body.identifier ?? null,
        metrics_count: r.accepted,
        session_id: r.sessionId,
        skipped: r.unparseable + r.beyondBounds + r.outOfRange,
      };
    },
  );
}
