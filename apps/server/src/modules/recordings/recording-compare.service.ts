import { type HostField, type MetricStep, RECORDING_STAT_FIELDS, type RecordingCompare } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { listHostBuckets } from '../metrics/query/metrics-query.queries.ts';
import { MAX_ROWS, tooManyPoints } from '../metrics/query/metrics-query.service.ts';
import { lowerMedian } from '../metrics/query/series.ts';
import { RESOLUTION_SECONDS, resolutionForSpan } from '../metrics/query/time-range.ts';
import { recordingStats } from './recording-summary.service.ts';
import type { RecordingView } from './recordings.queries.ts';
import { toRecordingDto, windowOf } from './recordings.service.ts';

/** The bucket of a raw comparison when no recording knows its interval (pcc's default frequency). */
const FALLBACK_INTERVAL = 10;

/**
 * The bucket width: 1m or 1h as asked (auto: by the longest recording's span), or for raw the typical sampling
 * interval of the recordings (their median), whole seconds.
 */
function chooseStep(rows: readonly RecordingView[], step: MetricStep) {
  const spans = rows.map((r) => windowOf(r)).map((w) => (w ? w.to - w.from : 0));
  const resolution = step === 'auto' ? resolutionForSpan({ from: 0, to: Math.max(0, ...spans) }) : step;
  if (resolution !== 'raw') return { resolution, seconds: RESOLUTION_SECONDS[resolution] };
  const interval = lowerMedian(rows.map((r) => r.intervalSeconds));
  return { resolution, seconds: Math.max(1, Math.round(interval ?? FALLBACK_INTERVAL)) };
}

/**
 * One host field of several recordings, each aligned at its own start: timestamps are seconds since each recording's
 * first sample, on one grid of `step_seconds` (bucket averages; raw samples go to the nearest grid point). Beside each
 * series, its recording's statistics (RECORDING_STAT_FIELDS and the field compared).
 */
export async function compareRecordings(
  db: Db,
  tenantId: string,
  rows: readonly RecordingView[],
  field: HostField,
  step: MetricStep,
): Promise<RecordingCompare> {
  const { resolution, seconds } = chooseStep(rows, step);
  const statFields = [...new Set<HostField>([...RECORDING_STAT_FIELDS, field])];
  const perRecording = await Promise.all(
    rows.map(async (row) => {
      const window = windowOf(row);
      const stats = await recordingStats(db, tenantId, row, statFields);
      if (!window) return { row, stats, buckets: new Map<number, number | null>() };
      // Raw: buckets centred on the grid points, so a sample a second early or late still lands on its own point.
      const origin = resolution === 'raw' ? window.from - seconds / 2 : window.from;
      const data = await listHostBuckets(db, tenantId, row.collectorId, [field], window, seconds, MAX_ROWS + 1, origin);
      if (data.count > MAX_ROWS) throw tooManyPoints(MAX_ROWS);
      const values = data.columns[`avg_${field}`] ?? [];
      const buckets = new Map(data.t.map((t, i) => [Math.round((t - origin) / seconds) * seconds, values[i] ?? null]));
      return { row, stats, buckets };
    }),
  );
  let last = -1;
  for (const { buckets } of perRecording) for (const key of buckets.keys()) last = Math.max(last, key);
  const length = last < 0 ? 0 : last / seconds + 1;
  if (length > MAX_ROWS) throw tooManyPoints(MAX_ROWS);
  const timestamps = Array.from({ length }, (_, i) => i * seconds);
  return {
    field,
    step: resolution,
    step_seconds: seconds,
    timestamps,
    recordings: perRecording.map(({ row, stats, buckets }) => ({
      recording: toRecordingDto(row),
      values: timestamps.map((t) => buckets.get(t) ?? null),
      stats,
    })),
  };
}
