import {
  MetricsBatchResultSchema,
  MetricsFileIngestedSchema,
  MetricsRawReceivedSchema,
  type Register,
  RegisteredSchema,
  RegisterSchema,
} from '@xat/contracts';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { ApiError, fieldErrors } from '../../http/errors.ts';
import { collectorValues } from '../collectors/collector-values.ts';
import { type CollectorValues, updateCollector } from '../collectors/collectors.queries.ts';
import { holdIngestSlot, ingestLimiterOf, whileIngesting } from '../ingest/limiter.ts';
import { receiveMetricsFile, receiveMetricsJson } from '../ingest/metrics-upload.ts';
import { decodeContentEncoding, isJson } from '../ingest/request-body.ts';

/** Only the fields the agent sent: a left-out field keeps its stored value. */
export const registrationValues = (body: Register): CollectorValues =>
  collectorValues(body, [
    'hostname',
    'ip_address',
    'os_name',
    'os_version',
    'kernel_version',
    'vm_brand',
    'processor_brand',
    'processor_model',
    'vcpus',
    'effective_cpus',
    'memory_gib',
    'storage_gib',
    'storage_type',
  ]);

// The key was valid a moment ago: the collector was deleted (or its key rotated) during the request.
const collectorGone = () =>
  new ApiError(401, { detail: 'Invalid API key', code: 'authentication_failed' }, { 'www-authenticate': 'ApiKey' });

const tags = ['agent'];
const security = [{ apiKey: [] }];

export function agentRoutes(app: App, deps: Deps): void {
  const { db, config, guards } = deps;
  // The key is checked before the body is validated, so a stranger learns nothing about the payload.
  app.post(
    '/api/v1/register/',
    {
      preValidation: guards.agent,
      schema: {
        summary: 'Agent: register its host',
        description:
          'The agent reports its host: name, address, OS, CPU, effective CPUs, memory, storage. Fields left out keep their stored values. The collector counts as seen.',
        tags,
        security,
        body: RegisterSchema,
        response: { 200: RegisteredSchema },
      },
    },
    async (request) => {
      const values = { ...registrationValues(request.body), lastSeen: new Date() };
      const row = await updateCollector(db, request.tenant.id, request.agent.collectorId, values);
      if (!row) throw collectorGone();
      return {
        status: 'registered' as const,
        collector_id: row.id,
        name: row.name,
        message: `Collector "${row.name}" registered from ${row.hostname}.`,
      };
    },
  );

  const limiter = ingestLimiterOf(app);
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
          '(raw rounds, chained with the previous request). Multipart `file` (+ `description`): a pcc collection ' +
          '(NDJSON, optionally gzip) or a portal CSV, kept as collected data and parsed into the series.',
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
}
