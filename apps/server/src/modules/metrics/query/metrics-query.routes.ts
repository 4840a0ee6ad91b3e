import {
  DeviceSeriesSchema,
  HOST_FIELDS,
  type HostField,
  IdParams,
  MetricSeriesSchema,
  MetricsCompareQuerySchema,
  MetricsCompareSchema,
  MetricsExportQuerySchema,
  MetricsQuerySchema,
} from '@xat/contracts';
import { Type } from 'typebox';
import type { App, Deps } from '../../../app-types.ts';
import type { Db } from '../../../db/client.ts';
import { fieldErrors, notFound, throwIfAny } from '../../../http/errors.ts';
import { plainJson } from '../../../http/plain-json.ts';
import { UUID } from '../../../lib/uuid.ts';
import { findCollector, findCollectors } from '../../collectors/collectors.queries.ts';
import { sendExport } from './export-reply.ts';
import { compareCollectors } from './metrics-compare.service.ts';
import { readRawRounds } from './metrics-export.ts';
import { DEVICE_GROUPS, findRetention } from './metrics-query.queries.ts';
import { readDeviceSeries, readHostSeries } from './metrics-query.service.ts';
import { parseNames, parseRange, type Retention } from './time-range.ts';

const tags = ['metrics'];
const DEFAULT_RETENTION: Retention = { raw: 7, '1m': 90, '1h': 730 };
const NO_RAW = 'No raw collection covers this range; pcprocess export needs uploaded raw data';

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function retentionOf(db: Db, tenantId: string): Promise<Retention> {
  return (await findRetention(db, tenantId)) ?? DEFAULT_RETENTION;
}

export function metricsQueryRoutes(app: App, { db, config, guards }: Deps): void {
  app.get(
    '/api/v1/collectors/:id/metrics/',
    {
      preValidation: guards.user('viewer'),
      serializerCompiler: plainJson,
      schema: {
        summary: 'A server’s metrics',
        tags,
        description:
          'Columnar series of host fields, or of every device of `group` (cpu, disk, net, fs). Gaps are null: where ' +
          'points are more than 1.5× the typical spacing apart, one null point is inserted. `from` is clipped to ' +
          'the tenant’s retention for the resolution used.',
        params: IdParams,
        querystring: MetricsQuerySchema,
        response: { 200: Type.Union([MetricSeriesSchema, DeviceSeriesSchema]) },
      },
    },
    async (request) => {
      const { query } = request;
      const errors: Record<string, string[]> = {};
      const now = nowSeconds();
      const range = parseRange(query, now, errors);
      const known = query.group ? DEVICE_GROUPS[query.group].fields : HOST_FIELDS;
      const fields = parseNames(query.fields, known, 'fields', errors);
      throwIfAny(errors);
      if (!range) throw fieldErrors({ from: ['Invalid range.'] });
      const tenantId = request.tenant.id;
      if (!(await findCollector(db, tenantId, request.params.id))) throw notFound();
      const series = { step: query.step ?? 'auto', range, retention: await retentionOf(db, tenantId), now } as const;
      return query.group
        ? readDeviceSeries(db, tenantId, request.params.id, query.group, fields, series)
        : readHostSeries(db, tenantId, request.params.id, fields as HostField[], series);
    },
  );

  app.get(
    '/api/v1/metrics/compare/',
    {
      preValidation: guards.user('viewer'),
      serializerCompiler: plainJson,
      schema: {
        summary: 'Compare servers’ metrics',
        tags,
        description: 'One host field of 2–10 collectors on shared, bucketed timestamps.',
        querystring: MetricsCompareQuerySchema,
        response: { 200: MetricsCompareSchema },
      },
    },
    async (request) => {
      const { query } = request;
      const errors: Record<string, string[]> = {};
      const now = nowSeconds();
      const range = parseRange(query, now, errors);
      const field = query.field ?? 'cpu_busy';
      if (!(HOST_FIELDS as readonly string[]).includes(field)) errors.field = [`Unknown field "${field}".`];
      const ids = [...new Set(query.collector_ids.split(',').map((s) => s.trim()))].filter(Boolean);
      if (ids.length < 2 || ids.length > 10) errors.collector_ids = ['Give between 2 and 10 collector ids.'];
      throwIfAny(errors);
      if (!range) throw fieldErrors({ from: ['Invalid range.'] });
      const tenantId = request.tenant.id;
      const found = await findCollectors(
        db,
        tenantId,
        ids.filter((id) => UUID.test(id)),
      );
      const byId = new Map(found.map((c) => [c.id.toLowerCase(), c]));
      const unknown = ids.filter((id) => !byId.has(id.toLowerCase()));
      if (unknown.length) throw fieldErrors({ collector_ids: unknown.map((id) => `Unknown collector: ${id}`) });
      return compareCollectors(db, tenantId, {
        collectors: ids.map((id) => {
          const c = byId.get(id.toLowerCase());
          return { id: c?.id ?? id, name: c?.name ?? '' };
        }),
        field: field as HostField,
        align: query.align ?? 'absolute',
        step: query.step ?? 'auto',
        range,
        retention: await retentionOf(db, tenantId),
        now,
      });
    },
  );

  app.get(
    '/api/v1/collectors/:id/metrics/export/',
    {
      preValidation: guards.user('viewer'),
      serializerCompiler: plainJson,
      schema: {
        summary: 'Export a server’s metrics',
        tags,
        description:
          'csv: `timestamp,<fields…>` with ISO-8601 timestamps and empty cells for gaps; json: the series of ' +
          '`GET …/metrics/`; pcprocess: a zip of the files pcprocess writes, computed from the raw collections ' +
          'uploaded for this collector that overlap the range (404 when there are none).',
        params: IdParams,
        querystring: MetricsExportQuerySchema,
      },
    },
    async (request, reply) => {
      const { query } = request;
      const format = query.format ?? 'csv';
      const errors: Record<string, string[]> = {};
      const now = nowSeconds();
      const range = parseRange(query, now, errors);
      const fields = parseNames(query.fields, HOST_FIELDS, 'fields', errors);
      throwIfAny(errors);
      if (!range) throw fieldErrors({ from: ['Invalid range.'] });
      const tenantId = request.tenant.id;
      const collector = await findCollector(db, tenantId, request.params.id);
      if (!collector) throw notFound();
      return sendExport(reply, {
        name: collector.name,
        range,
        format,
        fields,
        noRaw: NO_RAW,
        rounds: () => readRawRounds(db, config.dataDir, tenantId, collector.id, range),
        series: async () =>
          readHostSeries(db, tenantId, collector.id, fields, {
            step: query.step ?? 'auto',
            range,
            retention: await retentionOf(db, tenantId),
            now,
          }),
      });
    },
  );
}
