export type Column = (number | null)[];

/** A gap is where consecutive points are more than this many typical spacings apart. */
export const GAP_FACTOR = 1.5;

/** The lower median of a list of numbers (nulls ignored); undefined when empty. */
export function lowerMedian(values: readonly (number | null | undefined)[]): number | undefined {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The lower median of the spacings between consecutive timestamps; undefined with fewer than two. */
export function typicalInterval(timestamps: readonly number[]): number | undefined {
  const deltas: number[] = [];
  for (let i = 1; i < timestamps.length; i++) deltas.push((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0));
  return lowerMedian(deltas);
}

/**
 * The typical spacing of bucketed points: the bucket width, or the median spacing when that is wider (a host sampling
 * less often than the bucket) and there are enough spacings (≥ 3) for the median to mean something.
 */
export function bucketSpacing(timestamps: readonly number[], bucket: number): number {
  const median = timestamps.length >= 4 ? typicalInterval(timestamps) : undefined;
  return Math.max(bucket, median ?? 0);
}

/**
 * The gap rule, the same at every resolution: where two consecutive points are more than GAP_FACTOR × the typical
 * spacing apart, one null point is inserted at `previous + typical` so a chart breaks its line there. Nothing is
 * ever interpolated. The typical spacing of raw samples is the sampling interval the agent reported (median of
 * interval_seconds; else the median spacing); of 1m/1h buckets, see bucketSpacing. At 10 s a single missed sample
 * (20 s apart) is a gap; jitter of a second or two is not.
 */
export function withGaps(
  timestamps: number[],
  columns: Column[],
  typical: number | undefined,
): { timestamps: number[]; columns: Column[] } {
  if (typical === undefined || !(typical > 0)) return { timestamps, columns };
  const limit = typical * GAP_FACTOR;
  const gaps: number[] = [];
  for (let i = 1; i < timestamps.length; i++) if ((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0) > limit) gaps.push(i);
  if (gaps.length === 0) return { timestamps, columns };
  const insert = <T>(values: T[], filler: (i: number) => T): T[] => {
    const out: T[] = [];
    let start = 0;
    for (const i of gaps) {
      for (let k = start; k < i; k++) out.push(values[k] as T);
      out.push(filler(i));
      start = i;
    }
    for (let k = start; k < values.length; k++) out.push(values[k] as T);
    return out;
  };
  return {
    timestamps: insert(timestamps, (i) => (timestamps[i - 1] ?? 0) + typical),
    columns: columns.map((c) => insert(c, () => null)),
  };
}
