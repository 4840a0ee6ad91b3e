import { bucketSpacing, isGap, typicalSpacing } from '@xat/contracts';

/** A value per timestamp; null is a gap (never interpolated). */
export type Values = readonly (number | null)[];

/** Columns as uPlot takes them: x first, then one array per series. */
export type Columns = [number[], ...(number | null)[][]];

/** A stretch without data, in epoch seconds: from the last sample before it to the first after it. */
export interface Gap {
  from: number;
  to: number;
}

/**
 * The usual spacing of the samples, as the server takes it: the step (the series' step_seconds), or the median
 * spacing when a host samples less often than that; without a step, the median spacing.
 */
export function sampleSpacing(timestamps: readonly number[], stepSeconds?: number | null): number {
  if (stepSeconds && stepSeconds > 0) return bucketSpacing(timestamps, stepSeconds);
  return typicalSpacing(timestamps) ?? 0;
}

const hasData = (series: readonly Values[], i: number) => series.some((s) => s[i] !== null && s[i] !== undefined);

/**
 * Stretches where no series has a value: runs of nulls and jumps in time (the gap rule of @xat/contracts, the one the
 * server breaks its series by). With `range`, a missing start or end of
 * the requested span counts too.
 */
export function findGaps(
  timestamps: readonly number[],
  series: readonly Values[],
  stepSeconds?: number | null,
  range?: { from?: number; to?: number },
): Gap[] {
  const spacing = sampleSpacing(timestamps, stepSeconds);
  const gaps: Gap[] = [];
  let last: number | undefined;
  for (let i = 0; i < timestamps.length; i++) {
    if (!hasData(series, i)) continue;
    const t = timestamps[i] ?? 0;
    if (last === undefined) {
      if (range?.from !== undefined && isGap(t - range.from, spacing)) gaps.push({ from: range.from, to: t });
    } else if (isGap(t - last, spacing) || (i > 0 && !hasData(series, i - 1))) {
      if (t - last > spacing) gaps.push({ from: last, to: t });
    }
    last = t;
  }
  if (last !== undefined && range?.to !== undefined && isGap(range.to - last, spacing))
    gaps.push({ from: last, to: range.to });
  return gaps;
}

/**
 * Adds a null row inside every jump in time, so the chart draws a break there instead of a line across the gap.
 * Returns new arrays; the input is not changed.
 */
export function withGapBreaks(
  timestamps: readonly number[],
  series: readonly Values[],
  stepSeconds?: number | null,
): Columns {
  const spacing = sampleSpacing(timestamps, stepSeconds);
  const xs: number[] = [];
  const ys: (number | null)[][] = series.map(() => []);
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i] ?? 0;
    const prev = timestamps[i - 1];
    if (i > 0 && prev !== undefined && isGap(t - prev, spacing)) {
      xs.push(prev + spacing);
      for (const y of ys) y.push(null);
    }
    xs.push(t);
    series.forEach((s, k) => {
      ys[k]?.push(s[i] ?? null);
    });
  }
  return [xs, ...ys];
}

/**
 * Running sums for a stacked chart (CPU user + nice + system …): each series is drawn at the sum of itself and the
 * ones before. A missing part counts as 0 where another part has a value; where none has one, the stack is a gap.
 */
export function stack(series: readonly Values[]): (number | null)[][] {
  const n = Math.max(0, ...series.map((s) => s.length));
  const out: (number | null)[][] = series.map(() => new Array<number | null>(n).fill(null));
  for (let i = 0; i < n; i++) {
    if (!hasData(series, i)) continue;
    let sum = 0;
    series.forEach((s, k) => {
      sum += s[i] ?? 0;
      const column = out[k];
      if (column) column[i] = Math.round(sum * 1e6) / 1e6;
    });
  }
  return out;
}

/** Min, max and mean of the values that are there (nulls skipped); undefined when there are none. */
export function summarize(values: Values): { min: number; max: number; avg: number; last: number } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  let last: number | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
    last = v;
  }
  return count && last !== undefined ? { min, max, avg: sum / count, last } : undefined;
}

/** True when no series has a single value. */
export const isEmpty = (series: readonly Values[]) =>
  series.every((s) => s.every((v) => v === null || v === undefined));
