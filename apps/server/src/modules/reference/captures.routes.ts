import {
  type CAPTURE_METRICS,
  CaptureDataSchema,
  CapturesSchema,
  DashboardIdParams,
  type HostField,
  REFERENCE_UNITS,
} from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { summarizeHostFields } from '../metrics/query/field-stats.queries.ts';
import { readHostSeries } from '../metrics/query/metrics-query.service.ts';
import { findRecordingOf, listUploads, type RecordingItem } from './reference.queries.ts';
import { referenceError } from './reference-errors.ts';
import { bpsToMBps, bpsToMbit, isoOf } from './series-shapes.ts';
import { recordingRange } from './windows.ts';

const tags = ['reference captures'];

const SUMMARY_FIELDS = ['cpu_busy', 'mem_used_pct', 'disk_read_bps', 'disk_write_bps', 'net_rx_bps'] as const;
const DATA_FIELDS = [
  'cpu_busy',
  'mem_used_pct',
  'disk_read_bps',
  'disk_write_bps',
  'net_rx_bps',
  'net_tx_bps',
] as const satisfies readonly HostField[];

const UNITS = {
  cpu: 'CPU busy, % of CPU time',
  memory: 'memory used, % of RAM',
  diskRead: REFERENCE_UNITS.diskMbps,
  diskWrite: REFERENCE_UNITS.diskMbps,
  networkRx: REFERENCE_UNITS.netMbps,
  networkTx: REFERENCE_UNITS.netMbps,
};

const twoDp = (v: number | null | undefined) => (v === null || v === undefined ? null : roundHalfEven(v, 2));
const capturedAt = (r: RecordingItem) => (r.startedAt ?? r.createdAt).toISOString();

/** The reference's capture routes over our uploaded recordings: their stored series, never the files parsed again. */
export function captureRoutes(app: App, { db, guards }: Deps): void {
  const viewer = guards.user('viewer');

  app.get(
    '/api/v1/pcc/captures',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference: uploaded captures',
        description:
          'The uploaded recordings (pcc collections and portal CSVs), newest data first, with the groups that have ' +
          'values (`vmstat` never does here) and summary means over every sample: avgCpu CPU busy %, avgMemory memory ' +
          `used %, avgDiskIO disk read + write in ${REFERENCE_UNITS.diskMbps}, each 2 dp. \`sampleCount\` counts ` +
          'samples (intervals), not lines of the file.',
        tags,
        response: { 200: CapturesSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const now = Date.now() / 1000;
      const captures = await Promise.all(
        (await listUploads(db, tenantId)).map(async (r) => {
          const stats = r.startedAt
            ? await summarizeHostFields(
                db,
                tenantId,
                r.collectorId,
                SUMMARY_FIELDS,
                recordingRange(r.startedAt, r.endedAt, now),
              )
            : {};
          const has = (f: string) => (stats[f]?.n ?? 0) > 0;
          const read = stats.disk_read_bps?.avg ?? null;
          const write = stats.disk_write_bps?.avg ?? null;
          const metrics: (typeof CAPTURE_METRICS)[number][] = [];
          if (has('cpu_busy')) metrics.push('cpu');
          if (has('mem_used_pct')) metrics.push('memory');
          if (has('disk_read_bps') || has('disk_write_bps')) metrics.push('disk');
          if (has('net_rx_bps')) metrics.push('network');
          return {
            id: r.id,
            name: r.name,
            serverName: r.collectorName,
            serverId: r.collectorId,
            duration: `${r.sampleCount} samples`,
            capturedAt: capturedAt(r),
            metrics,
            sampleCount: r.sampleCount,
            summary: {
              avgCpu: twoDp(stats.cpu_busy?.avg),
              avgMemory: twoDp(stats.mem_used_pct?.avg),
              avgDiskIO: read === null && write === null ? null : twoDp(bpsToMBps((read ?? 0) + (write ?? 0))),
            },
          };
        }),
      );
      return { captures };
    },
  );

  app.get(
    '/api/v1/pcc/captures/:id/data',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference: a capture’s series',
        description:
          'The uploaded recording’s series, whole whatever its age: raw samples up to ~8 h, then 1-minute or 1-hour ' +
          'means. timestamps: ISO-8601 UTC (the end of each interval); cpu: CPU busy %; memory: memory used %; ' +
          `diskRead/diskWrite: ${REFERENCE_UNITS.diskMbps}; networkRx/networkTx: ${REFERENCE_UNITS.netMbps}; null is a ` +
          'gap. `units` repeats this. Another tenant’s capture, or a recording that was not uploaded, is 404.',
        tags,
        params: DashboardIdParams,
        response: { 200: CaptureDataSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const r = await findRecordingOf(db, tenantId, request.params.id, 'upload');
      if (!r) throw referenceError(404, 'Capture not found', 'not_found');
      const series = r.startedAt
        ? await readHostSeries(db, tenantId, r.collectorId, DATA_FIELDS, {
            step: 'auto',
            range: recordingRange(r.startedAt, r.endedAt, Date.now() / 1000),
            keep: true,
          })
        : { timestamps: [], series: {} as Record<string, (number | null)[]> };
      const s = series.series;
      return {
        id: r.id,
        name: r.name,
        serverName: r.collectorName,
        capturedAt: capturedAt(r),
        timeSeries: {
          timestamps: series.timestamps.map(isoOf),
          cpu: s.cpu_busy ?? [],
          memory: s.mem_used_pct ?? [],
          diskRead: (s.disk_read_bps ?? []).map(bpsToMBps),
          diskWrite: (s.disk_write_bps ?? []).map(bpsToMBps),
          networkRx: (s.net_rx_bps ?? []).map(bpsToMbit),
          networkTx: (s.net_tx_bps ?? []).map(bpsToMbit),
        },
        units: UNITS,
      };
    },
  );
}
