import {
  MetricsBatchResultSchema,
  MetricsFileIngestedSchema,
  MetricsRawReceivedSchema,
  TrickleAcceptedSchema,
  TrickleEmptySchema,
  TrickleRequestSchema,
} from '@xat/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, Deps } from '../../../app-types.ts';
import { ApiError, fieldErrors } from '../../../http/errors.ts';
import { touchCollector } from '../../collectors/collectors.queries.ts';
import { collectorUploadRoute } from './collector-upload.routes.ts';
import { ingestRawRounds } from './ingest.service.ts';
import { holdIngestSlot, ingestLimiterOf, whileIngesting } from './limiter.ts';
import { receiveMetricsFile, receiveMetricsJson, validator } from './metrics-upload.ts';
import { decodeContentEncoding, isJson } from './request-body.ts';

const validTrickle = validator(TrickleRequestSchema);

const notJson = () =>
  new ApiError(415, {
    detail: 'Only JSON is accepted: Content-Type: application/json.',
    code: 'unsupported_media_type',
  });

const tags = ['agent'];
const security = [{ apiKey: [] }];

/**
 * Where samples come in, from agents: `POST /api/v1/metrics/` (our agent's batches, raw rounds, an uploaded file) and
 * the original pcc's `/v1/trickle` — the key, and a free ingest slot, checked before the body is read — and from
 * people: a file uploaded for a server (collector-upload.routes.ts).
 */
export function ingestRoutes(app: App, deps: Deps): void {
  const { db, config, guards } = deps;
  const limiter = ingestLimiterOf(app);
  collectorUploadRoute(app, deps);

  app.post(
    '/api/v1/metrics/',
    {
      bodyLimit: config.maxUploadBytes,
      // Checked before the body is read (or decompressed): a stranger's upload, or one during overload, costs nothing.
      onRequest: [(request, reply) => guards.agent.call(app, request, reply), holdIngestSlot(limiter)],
      preParsing: decodeContentEncoding(config.maxUploadBytes),
      schema: {
        summary: 'Agent: upload metrics',
        tags,
        security,
        consumes: ['application/json', 'multipart/form-data'],
        description:
          'Three bodies. JSON `{batch_id, collector_time, samples}` (our agent; `Content-Encoding: gzip` accepted; ' +
          'idempotent by batch_id and by sample timestamp). JSON `{measurements: [{timestamp, subsystem, measurement}, …]}` ' +
          '(raw rounds, chained with the previous request; live data, within the raw retention). Multipart `file` ' +
          '(+ `description`): a pcc collection (NDJSON, optionally gzip) or a portal CSV, kept as collected data and ' +
          'stored as a recording (source upload) with its own timestamps whatever their age; `recording_id` names it, ' +
          '`messages` says why anything was not stored. Files are read two at a time per server process, one per ' +
          'tenant; the others wait their turn, and past 64 waiting the answer is 429 with Retry-After.',
        response: {
          200: Type.Union([MetricsBatchResultSchema, MetricsRawReceivedSchema]),
          201: MetricsFileIngestedSchema,
        },
      },
    },
    async (request, reply) => {
      if (request.isMultipart()) return whileIngesting(request, () => receiveMetricsFile(deps, request, reply));
      if (isJson(request)) return whileIngesting(request, () => receiveMetricsJson(deps, request, reply));
      if (request.body === undefined) throw fieldErrors({ file: ['No file was submitted.'] });
      throw new ApiError(415, {
        detail: `Unsupported media type "${request.headers['content-type'] ?? ''}": send JSON or multipart/form-data.`,
        code: 'unsupported_media_type',
      });
    },
  );

  // The original pcc's protocol (REFERENCE 1.4): one round per request, key in the `apikey` header.

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
        tags,
        security,
        description:
          'The original pcc trickle protocol: `{identifier, measurements: [{timestamp, subsystem, measurement}, …]}` ' +
          'with the key in the `apikey` header. Rounds chain with the collector’s previous round into intervals, ' +
          'stored with their own timestamps whatever their age (not more than 10 minutes ahead). They form trickle ' +
          'sessions, each a recording (source trickle): a round more than the tenant’s trickle_session_timeout_minutes ' +
          'after the session’s newest round or before its first (by the data’s timestamps), or after the session ' +
          'went silent that long, starts a new one, named `Trickle <identifier> <YYYY-MM-DD HH:MM>` (UTC of its first ' +
          'round), whose first round gives no interval. `session_id` is that recording’s id.',
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
      const identifier = body.identifier ?? null;
      const r = await whileIngesting(request, () =>
        ingestRawRounds(db, tenant.id, agent.collectorId, measurements, { trickle: { identifier } }),
      );
      const skipped = r.unparseable + r.beyondBounds + r.outOfRange;
      return {
        status: 'ok' as const,
        identifier,
        metrics_count: r.accepted,
        session_id: r.sessionId,
        skipped,
        ...(skipped > 0 ? { messages: r.messages } : {}),
      };
    },
  );
}
