import type { Readable } from 'node:stream';
import {
  DeviceSeriesSchema,
  HOST_FIELDS,
  type HostField,
  IdParams,
  MAX_COMPARED_RECORDINGS,
  MetricSeriesSchema,
  RecordingCompareQuery,
  RecordingCompareSchema,
  RecordingExportQuery,
  RecordingSeriesQuery,
  RecordingSummarySchema,
} from '@xat/contracts';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { fieldErrors, notFound, throwIfAny } from '../../http/errors.ts';
import { plainJson } from '../../http/plain-json.ts';
import { UUID } from '../../lib/uuid.ts';
import { sendExport } from '../metrics/query/export-reply.ts';
import { findSampleInterval } from '../metrics/query/field-stats.queries.ts';
import { readRawRounds } from '../metrics/query/metrics-export.ts';
import { DEVICE_GROUPS } from '../metrics/query/metrics-query.queries.ts';
import { readDeviceSeries, readHostSeries } from '../metrics/query/metrics-query.service.ts';
import { parseNames } from '../metrics/query/time-range.ts';
import { compareRecordings } from './recording-compare.service.ts';
import { summarizeRecording } from './recording-summary.service.ts';
import { findRecording, findRecordings, type RecordingView } from './recordings.queries.ts';
import { windowOf } from './recordings.service.ts';

const tags = ['recordings'];
const NO_RAW = 'No raw collection covers this recording; pcprocess export needs uploaded raw data';

/** The recording's window; for one that holds no sample yet, an empty range (from after to) at its creation. */
const windowOrEmpty = (row: RecordingView) => {
  const at = Math.floor(row.createdAt.getTime() / 1000);
  return windowOf(row) ?? { from: at, to: at - 1 };
};

/** Series, statistics, export and comparison of recordings: their whole window, never clipped to retention. */
export function recordingDataRoutes(app: App, { db, config, guards }: Deps): void {
  const recordingOr404 = async (tenantId: string, id: string) => {
    const row = await findRecording(db, tenantId, id);
    if (!row) throw notFound();
    return row;
  };

  /**
   * The raw rounds behind the recording's samples: from the round its first sample is measured from (a sample is the
   * interval ending at its time) to its last; so the export of a whole upload is pcprocess's output on that file.
   */
  const roundsRange = async (tenantId: string, row: RecordingView) => {
    const range = windowOrEmpty(row);
    const first = row.startedAt && (await findSampleInterval(db, tenantId, row.collectorId, row.startedAt));
    if (!row.startedAt || !first) return range;
    return { from: Math.min(range.from, Math.round(row.startedAt.getTime() / 1000 - first)), to: range.to };
  };

  // Before `/:id/`, so "compare" is never read as an id.
  app.get(
    '/api/v1/recordings/compare/',
    {
      preValidation: guards.user('viewer'),
      serializerCompiler: plainJson,
      schema: {
        summary: 'Compare recordings',
        description:
          `One host field of 2–${MAX_COMPARED_RECORDINGS} recordings (any servers, any dates) overlaid, each aligned ` +
          'at its own start: `timestamps` are seconds since each recording’s first sample on one grid of ' +
          '`step_seconds` (auto: raw for recordings under 500 minutes, then 1m, then 1h), with each recording’s ' +
          'summary statistics beside its values.',
        tags,
        querystring: RecordingCompareQuery,
        response: { 200: RecordingCompareSchema },
      },
    },
    async (request) => {
      const { query } = request;
      const errors: Record<string, string[]> = {};
      const field = query.field ?? 'cpu_busy';
      if (!(HOST_FIELDS as readonly string[]).includes(field)) errors.field = [`Unknown field "${field}".`];
      const ids = [...new Set(query.ids.split(',').map((s) => s.trim().toLowerCase()))].filter(Boolean);
      const bad = ids.filter((id) => !UUID.test(id));
      if (bad.length) errors.ids = bad.slice(0, 3).map((id) => `"${id.slice(0, 40)}" is not a valid UUID.`);
      else if (ids.length < 2 || ids.length > MAX_COMPARED_RECORDINGS)
        errors.ids = [`Give between 2 and ${MAX_COMPARED_RECORDINGS} recording ids.`];
      throwIfAny(errors);
      const tenantId = request.tenant.id;
      const found = new Map((await findRecordings(db, tenantId, ids)).map((r) => [r.id.toLowerCase(), r]));
      const unknown = ids.filter((id) => !found.has(id));
      if (unknown.length) throw fieldErrors({ ids: unknown.map((id) => `Unknown recording: ${id}`) });
      const rows = ids.map((id) => found.get(id)).filter((r): r is RecordingView => r !== undefined);
      return compareRecordings(db, tenantId, rows, field as HostField, query.step ?? 'auto');
    },
  );

  app.get(
    '/api/v1/recordings/:id/summary/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A recording’s statistics',
        description:
          'avg, p50, p95 and max of CPU busy, steal and iowait, memory used, disk and network rates over the ' +
          'recording’s raw samples (percentiles interpolated linearly), and the load tests of its server stored ' +
          'inside its window.',
        tags,
        params: IdParams,
        response: { 200: RecordingSummarySchema },
      },
    },
    async (request) => {
      const row = await recordingOr404(request.tenant.id, request.params.id);
      return summarizeRecording(db, request.tenant.id, row);
    },
  );

  app.get(
    '/api/v1/recordings/:id/series/',
    {
      preValidation: guards.user('viewer'),
      serializerCompiler: plainJson,
      schema: {
        summary: 'A recording’s series',
        description:
          'Columnar series of host fields, or of every device of `group`, over the recording’s whole window, whatever ' +
          'its age (no retention applies): `step` raw, or 1m/1h averaged from the raw samples (auto: raw up to 500 ' +
          'minutes). Gaps are null points, as in `GET /api/v1/collectors/{id}/metrics/`.',
        tags,
        params: IdParams,
        querystring: RecordingSeriesQuery,
        response: { 200: Type.Union([MetricSeriesSchema, DeviceSeriesSchema]) },
      },
    },
    async (request) => {
      const { query } = request;
      const errors: Record<string, string[]> = {};
      const known = query.group ? DEVICE_GROUPS[query.group].fields : HOST_FIELDS;
      const fields = parseNames(query.fields, known, 'fields', errors);
      throwIfAny(errors);
      const tenantId = request.tenant.id;
      const row = await recordingOr404(tenantId, request.params.id);
      const series = { step: query.step ?? 'auto', range: windowOrEmpty(row), keep: true } as const;
      return query.group
        ? readDeviceSeries(db, tenantId, row.collectorId, query.group, fields, series)
        : readHostSeries(db, tenantId, row.collectorId, fields as HostField[], series);
    },
  );

  app.get(
    '/api/v1/recordings/:id/export/',
    {
      preValidation: guards.user('viewer'),
      serializerCompiler: plainJson,
      schema: {
        summary: 'Export a recording',
        description:
          'The recording’s window as an attachment: csv (`timestamp,<fields…>`, ISO-8601, empty cells for gaps), ' +
          'json (the series of `…/series/`), each at `step` (default raw: every sample), or pcprocess: a zip of the ' +
          'files pcprocess writes, from the raw collections uploaded for its server that cover the window (404 when ' +
          'there are none).',
        tags,
        params: IdParams,
        querystring: RecordingExportQuery,
        response: {
          200: {
            description: 'The recording as an attachment: csv, json or a pcprocess zip.',
            content: {
              'text/csv': { schema: Type.Unsafe<Readable>({ type: 'string' }) },
              'application/json': { schema: MetricSeriesSchema },
              'application/zip': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const errors: Record<string, string[]> = {};
      const fields = parseNames(query.fields, HOST_FIELDS, 'fields', errors);
      throwIfAny(errors);
      const tenantId = request.tenant.id;
      const row = await recordingOr404(tenantId, request.params.id);
      const range = windowOrEmpty(row);
      return sendExport(reply, {
        name: row.name,
        range,
        format: query.format ?? 'csv',
        fields,
        noRaw: NO_RAW,
        rounds: async () =>
          row.startedAt
            ? readRawRounds(db, config.dataDir, tenantId, row.collectorId, await roundsRange(tenantId, row))
            : [],
        series: () =>
          readHostSeries(db, tenantId, row.collectorId, fields, {
            step: query.step ?? 'raw',
            range,
            keep: true,
          }),
      });
    },
  );
}
