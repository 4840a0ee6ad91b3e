import { isGap } from '@xat/contracts';

export type Column = (number | null)[];

/** The lower median of a list of numbers (nulls ignored); undefined when empty. */
export function lowerMedian(values: readonly (number | null | undefined)[]): number | undefined {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The gap rule of @xat/contracts (isGap), the same at every resolution: where two consecutive points are a gap, one
 * null point is inserted at `previous + typical` so a chart breaks its line there. The typical spacing of raw samples
 * is the sampling interval the agent reported (median of interval_seconds; else typicalSpacing); of 1m/1h buckets,
 * bucketSpacing.
 */
export function withGaps(
  timestamps: number[],
  columns: Column[],
  typical: number | undefined,
): { timestamps: number[]; columns: Column[] } {
  if (typical === undefined || !(typical > 0)) return { timestamps, columns };
  const gaps: number[] = [];
  for (let i = 1; i < timestamps.length; i++)
    if (isGap((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0), typical)) gaps.push(i);
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
