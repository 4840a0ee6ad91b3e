import { type HostField, type MetricsCompare, typicalSpacing } from '@xat/contracts';
import type { Db } from '../../../db/client.ts';
import { listFieldOfCollectors } from './metrics-query.queries.ts';
import { type LiveSeriesRequest, MAX_ROWS, resolve, tooManyPoints } from './metrics-query.service.ts';
import { lowerMedian } from './series.ts';
import { RESOLUTION_SECONDS } from './time-range.ts';

/** Sampling interval assumed for `step=raw` comparisons when no host has two samples (pcc's default frequency). */
const FALLBACK_INTERVAL = 10;

export interface CompareRequest extends LiveSeriesRequest {
  collectors: readonly { id: string; name: string }[];
  field: HostField;
  align: 'absolute' | 'start';
}

/**
 * One field of several hosts on one shared grid of `step_seconds` buckets: wall-clock bucket starts (absolute), or
 * seconds since each host's first bucket in range (start). Values of a bucket are averaged; empty buckets are null.
 * At raw resolution the bucket is the typical sampling interval (median over the hosts).
 */
export async function compareCollectors(db: Db, tenantId: string, request: CompareRequest): Promise<MetricsCompare> {
  const { resolution, range } = resolve(request);
  const ids = request.collectors.map((c) => c.id);
  // The limit is per host: each host's series may be as long as one host's series on the metrics endpoint.
  const limit = MAX_ROWS * ids.length;
  const found =
    range.from > range.to
      ? []
      : await listFieldOfCollectors(db, tenantId, ids, request.field, resolution, range, limit + 1);
  if (found.reduce((n, h) => n + h.count, 0) > limit) throw tooManyPoints(MAX_ROWS);
  const perHost = new Map<string, { t: number[]; v: (number | null)[] }>(ids.map((id) => [id, { t: [], v: [] }]));
  for (const h of found) perHost.set(h.key, { t: h.t, v: h.columns.v ?? [] });
  let step = RESOLUTION_SECONDS[resolution];
  if (resolution === 'raw') {
    const intervals = [...perHost.values()].map((h) => typicalSpacing(h.t));
    step = Math.max(1, Math.round(lowerMedian(intervals) ?? FALLBACK_INTERVAL));
  }
  // Bucket keys per host, then the shared grid from the smallest to the largest key.
  const keyed = [...perHost.entries()].map(([id, h]) => {
    const origin = request.align === 'start' ? (h.t[0] ?? 0) : 0;
    const buckets = new Map<number, { sum: number; n: number }>();
    h.t.forEach((t, i) => {
      const key = Math.floor((t - origin) / step) * step;
      const value = h.v[i];
      const b = buckets.get(key) ?? { sum: 0, n: 0 };
      if (value !== null && value !== undefined) {
        b.sum += value;
        b.n++;
      }
      buckets.set(key, b);
    });
    return { id, start: h.t[0] ?? null, buckets };
  });
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const h of keyed)
    for (const key of h.buckets.keys()) {
      first = Math.min(first, key);
      last = Math.max(last, key);
    }
  const length = Number.isFinite(first) ? Math.floor((last - first) / step) + 1 : 0;
  if (length > MAX_ROWS) throw tooManyPoints(MAX_ROWS);
  const timestamps = Array.from({ length }, (_, i) => first + i * step);
  const names = new Map(request.collectors.map((c) => [c.id, c.name]));
  return {
    field: request.field,
    step: resolution,
    step_seconds: step,
    align: request.align,
    from: range.from,
    to: range.to,
    timestamps,
    series: keyed.map((h) => ({
      collector_id: h.id,
      collector_name: names.get(h.id) ?? '',
      start: h.start,
      values: timestamps.map((t) => {
        const b = h.buckets.get(t);
        return b?.n ? b.sum / b.n : null;
      }),
    })),
  };
}
