import {
  DashboardCollectorSchema,
  DashboardCpuSchema,
  DashboardDiskSchema,
  DashboardIdParams,
  DashboardMemorySchema,
  DashboardNetworkSchema,
  DashboardSeriesQuery,
  LiveQuery,
  LiveSchema,
  REFERENCE_UNITS,
  TrickleStatusSchema,
} from '@xat/contracts';
import { type TSchema, Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { fieldError } from '../../http/errors.ts';
import { collectorStatus } from '../collectors/collectors.queries.ts';
import { parseInstant } from '../metrics/query/time-range.ts';
import { countSamples, listCollectorNames } from './reference.queries.ts';
import { collectorOr404, referenceError } from './reference-errors.ts';
import { type DashboardGroup, GROUP_FIELDS, groupColumns, isoOf, liveShape } from './series-shapes.ts';
import { dashboardWindow, readRawSamples, readWindow } from './windows.ts';

const tags = ['reference dashboard'];
const RECENT_SECONDS = 300;
/** Ingest accepts samples timed up to 10 minutes ahead of the server's clock: live shows them too. */
const AHEAD_SECONDS = 600;

const WINDOW =
  'Window: the collector’s recording with the newest data (an upload, a trickle session or a kept window), whole ' +
  'whatever its age; without one, the last `hours` (default 1) of live data. Resolution by span: raw samples up to ' +
  '~8 h, then 1-minute means, then 1-hour means. Values are per interval (never since boot); null is a gap. ' +
  '`recording_id`, `from` and `to` say which window was read. 404 `{"error": "No data available"}` when it holds no sample.';

const GROUPS: Record<DashboardGroup, { schema: TSchema; units: string }> = {
  cpu: { schema: DashboardCpuSchema, units: 'cpu_user, cpu_system, cpu_iowait, cpu_idle, cpu_steal: % of CPU time.' },
  memory: {
    schema: DashboardMemorySchema,
    units: `mem_used_percent: % of RAM (used = total − free − buffers − cached − slab, as sar); mem_total, mem_used, mem_available, mem_buffers, mem_cached: ${REFERENCE_UNITS.mb}.`,
  },
  disk: {
    schema: DashboardDiskSchema,
    units: `disk_read_iops, disk_write_iops: operations per second; disk_read_mbps, disk_write_mbps: ${REFERENCE_UNITS.diskMbps}. Whole disks only.`,
  },
  network: {
    schema: DashboardNetworkSchema,
    units: `net_rx_mbps, net_tx_mbps: ${REFERENCE_UNITS.netMbps}; net_rx_pps, net_tx_pps: packets per second. Physical interfaces only.`,
  },
};

/** The reference perf-dashboard's per-collector routes, `/dashboard/api/collectors/…`, over our interval series. */
export function dashboardCollectorRoutes(app: App, { db, config, guards }: Deps): void {
  const viewer = guards.user('viewer');

  app.get(
    '/dashboard/api/collectors/',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference dashboard: collectors',
        description:
          'Every collector of the tenant, by name: `[{id, name, description}]` (unpaginated, as the reference).',
        tags,
        response: { 200: Type.Array(DashboardCollectorSchema) },
      },
    },
    async (request) => listCollectorNames(db, request.tenant.id),
  );

  for (const group of Object.keys(GROUPS) as DashboardGroup[]) {
    app.get(
      `/dashboard/api/collectors/:id/${group}/`,
      {
        preValidation: viewer,
        schema: {
          summary: `Reference dashboard: ${group} series`,
          description: `${GROUPS[group].units} ${WINDOW}`,
          tags,
          params: DashboardIdParams,
          querystring: DashboardSeriesQuery,
          response: { 200: GROUPS[group].schema },
        },
      },
      async (request) => {
        const tenantId = request.tenant.id;
        const collector = await collectorOr404(db, tenantId, request.params.id);
        const now = Date.now() / 1000;
        const window = await dashboardWindow(db, tenantId, collector.id, request.query.hours ?? 1, now);
        const series = await readWindow(db, tenantId, collector.id, GROUP_FIELDS[group], window, now);
        if (series.timestamps.length === 0) throw referenceError(404, 'No data available', 'no_data');
        return {
          collector_id: collector.id,
          collector_name: collector.name,
          recording_id: window.recordingId,
          from: isoOf(series.from),
          to: isoOf(series.to),
          timestamps: series.timestamps.map(isoOf),
          ...groupColumns(group, series.series),
        };
      },
    );
  }

  app.get(
    '/dashboard/api/collectors/:id/live/',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference dashboard: live samples',
        description:
          'The collector’s samples of the last `minutes` (default 10), or those after `since` (wins when both are ' +
          'given), oldest first, every one raw. Missing values are 0 as in the reference, except rates (null). ' +
          `Units: cpu.* % of CPU time in the interval; memory.*_mb ${REFERENCE_UNITS.mb}; disk.read_mbps/write_mbps ` +
          `${REFERENCE_UNITS.diskMbps}; network.rx_mbps/tx_mbps ${REFERENCE_UNITS.netMbps}; *_iops, *_pps per second; ` +
          'disk.read_bytes/write_bytes/read_ops/write_ops and network.rx_bytes/tx_bytes/rx_packets/tx_packets are the ' +
          'amounts of each interval (the reference sent since-boot counters).',
        tags,
        params: DashboardIdParams,
        querystring: LiveQuery,
        response: { 200: LiveSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const collector = await collectorOr404(db, tenantId, request.params.id);
      const now = Math.floor(Date.now() / 1000);
      const { since, minutes } = request.query;
      let from = now - (minutes ?? 10) * 60;
      if (since !== undefined) {
        const instant = parseInstant(since);
        if (instant === undefined) throw fieldError('since', 'Enter an ISO-8601 date-time or epoch seconds.');
        from = instant + 1; // strictly after: a poll never gets a sample twice (times are whole seconds)
      }
      const samples = await readRawSamples(db, tenantId, collector.id, { from, to: now + AHEAD_SECONDS }, 'since');
      return { collector_id: collector.id, collector_name: collector.name, ...liveShape(samples) };
    },
  );

  app.get(
    '/dashboard/api/collectors/:id/trickle-status/',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference dashboard: is data coming in',
        description:
          'Whether the collector sent samples timed within the last 5 minutes (`trickle_active`, from any agent), ' +
          'how many, how many in all, the newest sample’s time, and the collector’s status and last contact.',
        tags,
        params: DashboardIdParams,
        response: { 200: TrickleStatusSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const collector = await collectorOr404(db, tenantId, request.params.id);
      const counts = await countSamples(db, tenantId, collector.id, RECENT_SECONDS);
      return {
        collector_id: collector.id,
        collector_name: collector.name,
        trickle_active: counts.recent > 0,
        last_data_at: counts.last === null ? null : isoOf(counts.last),
        metrics_last_5min: counts.recent,
        total_metrics: counts.total,
        collector_status: collectorStatus(collector.lastSeen, config.collectorOfflineSeconds),
        collector_last_seen: collector.lastSeen?.toISOString() ?? null,
      };
    },
  );
}
