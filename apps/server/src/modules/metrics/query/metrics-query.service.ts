import {
  bucketSpacing,
  type DeviceSeries,
  type HostField,
  type MetricGroup,
  type MetricSeries,
  type MetricStep,
  typicalSpacing,
} from '@xat/contracts';
import type { Db } from '../../../db/client.ts';
import { fieldError } from '../../../http/errors.ts';
import {
  type Columns,
  listDeviceColumns,
  listHostBuckets,
  listHostRollups,
  listHostSamples,
} from './metrics-query.queries.ts';
import { type Column, lowerMedian, withGaps } from './series.ts';
import {
  chooseResolution,
  clipToRetention,
  type Range,
  RESOLUTION_SECONDS,
  type Resolution,
  type Retention,
  resolutionForSpan,
} from './time-range.ts';

/** Rows one answer may read: a week of 5 s samples is 121 000; past this the caller must pick a coarser step. */
export const MAX_ROWS = 200_000;
/** The same for per-device rows (points × devices). */
export const MAX_DEVICE_ROWS = 1_000_000;

export const tooManyPoints = (limit: number) =>
  fieldError('step', `More than ${limit} points in this range: choose a coarser step or a shorter range.`);

/** Live data: the range is clipped to what the tenant keeps at the resolution read (rollups for 1m/1h). */
export interface LiveSeriesRequest {
  step: MetricStep;
  range: Range;
  retention: Retention;
  now: number;
  keep?: false;
}

/**
 * A recording's window, kept whatever its age: never clipped to retention, `auto` chosen by the span alone, and 1m/1h
 * aggregated from the raw rows (the rollup partitions of an old window may be gone).
 */
export interface KeptSeriesRequest {
  step: MetricStep;
  range: Range;
  keep: true;
}

export type SeriesRequest = LiveSeriesRequest | KeptSeriesRequest;

/** The resolution to read and the range: clipped to what the tenant keeps at it, unless the request keeps it all. */
export function resolve(request: SeriesRequest): { resolution: Resolution; range: Range } {
  const { step, range } = request;
  if (request.keep) return { resolution: step === 'auto' ? resolutionForSpan(range) : step, range };
  const resolution = chooseResolution(step, range, request.retention, request.now);
  return { resolution, range: clipToRetention(range, request.retention, resolution, request.now) };
}

/** The raw rows' range of a request: clipped to the raw retention unless the request keeps it all. */
const rawRange = (request: SeriesRequest): Range =>
  request.keep ? request.range : clipToRetention(request.range, request.retention, 'raw', request.now);

/** Host fields of one collector, columnar; `max` only for rolled-up resolutions. Gaps follow series.ts. */
export async function readHostSeries(
  db: Db,
  tenantId: string,
  collectorId: string,
  fields: readonly HostField[],
  request: SeriesRequest,
): Promise<MetricSeries> {
  const { resolution, range } = resolve(request);
  const empty = range.from > range.to;
  const head = { collector_id: collectorId, step: resolution, from: range.from, to: range.to };
  if (resolution === 'raw') {
    const data = empty ? NONE : await listHostSamples(db, tenantId, collectorId, fields, range, MAX_ROWS + 1);
    if (data.count > MAX_ROWS) throw tooManyPoints(MAX_ROWS);
    const typical = lowerMedian(data.columns.i ?? []) ?? typicalSpacing(data.t);
    const { timestamps, columns } = withGaps(data.t, pick(data, fields), typical);
    return { ...head, step_seconds: typical ?? null, timestamps, series: byField(fields, columns) };
  }
  const seconds = RESOLUTION_SECONDS[resolution];
  const read = request.keep
    ? () => listHostBuckets(db, tenantId, collectorId, fields, range, seconds, MAX_ROWS + 1)
    : () => listHostRollups(db, tenantId, collectorId, resolution, fields, range, MAX_ROWS + 1);
  const data = empty ? NONE : await read();
  if (data.count > MAX_ROWS) throw tooManyPoints(MAX_ROWS);
  const names = [...fields.map((f) => `avg_${f}`), ...fields.map((f) => `max_${f}`)];
  const { timestamps, columns } = withGaps(data.t, pick(data, names), bucketSpacing(data.t, seconds));
  return {
    ...head,
    step_seconds: seconds,
    timestamps,
    series: byField(fields, columns.slice(0, fields.length)),
    max: byField(fields, columns.slice(fields.length)),
  };
}

const NONE: Columns = { key: '', count: 0, t: [], columns: {} };
const pick = (data: Columns, names: readonly string[]) => names.map((n) => data.columns[n] ?? []);
const byField = (fields: readonly string[], columns: Column[]) =>
  Object.fromEntries(fields.map((f, i) => [f, columns[i] ?? []]));

const deviceLabel = (group: MetricGroup, key: string) => (group === 'cpu' ? `cpu${key}` : key);
const compareDevices = (group: MetricGroup) => (a: string, b: string) =>
  group === 'cpu' ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;

/**
 * Per-device series of one group from the raw device tables (kept as long as raw samples). At 1m/1h (long ranges,
 * or asked for) the rows are averaged per device and time bucket in SQL; there are no per-device rollup tables.
 */
export async function readDeviceSeries(
  db: Db,
  tenantId: string,
  collectorId: string,
  group: MetricGroup,
  fields: readonly string[],
  request: SeriesRequest,
): Promise<DeviceSeries> {
  const { resolution } = resolve(request);
  const range = rawRange(request);
  const bucket = RESOLUTION_SECONDS[resolution];
  const found =
    range.from > range.to
      ? []
      : await listDeviceColumns(db, tenantId, collectorId, group, fields, range, bucket, MAX_DEVICE_ROWS + 1);
  if (found.reduce((n, d) => n + d.count, 0) > MAX_DEVICE_ROWS) throw tooManyPoints(MAX_DEVICE_ROWS);
  // Devices can come and go: put them all on the union of their timestamps, null where a device has no row.
  const times = [...new Set(found.flatMap((d) => d.t))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const devices = new Map<string, Column[]>();
  for (const d of found) {
    devices.set(
      d.key,
      fields.map((f) => {
        const column = new Array<number | null>(times.length).fill(null);
        const values = d.columns[f] ?? [];
        d.t.forEach((t, j) => {
          column[index.get(t) ?? 0] = values[j] ?? null;
        });
        return column;
      }),
    );
  }
  const keys = [...devices.keys()].sort(compareDevices(group));
  const flat = keys.flatMap((k) => devices.get(k) ?? []);
  const typical = bucket ? bucketSpacing(times, bucket) : typicalSpacing(times);
  const { timestamps, columns } = withGaps(times, flat, typical);
  const series: DeviceSeries['series'] = {};
  keys.forEach((k, d) => {
    series[deviceLabel(group, k)] = byField(fields, columns.slice(d * fields.length, (d + 1) * fields.length));
  });
  return {
    collector_id: collectorId,
    group,
    step: resolution,
    step_seconds: bucket || (typical ?? null),
    from: range.from,
    to: range.to,
    timestamps,
    series,
  };
}
