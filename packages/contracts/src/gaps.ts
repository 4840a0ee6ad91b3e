// The gap rule of every series, applied by the server (a null point where the API's series break) and by the
// dashboard (where its charts break and what they list as gaps), so the two never disagree. Nothing is interpolated.

/**
 * Two consecutive points more than this many typical spacings apart have a gap between them: at a 10 s interval one
 * missed sample (20 s) is a gap, a second or two of jitter is not.
 */
export const GAP_FACTOR = 1.5;

/** True when `seconds` between two consecutive points is a gap in a series whose points are `spacing` apart. */
export const isGap = (seconds: number, spacing: number | null | undefined): boolean =>
  typeof spacing === 'number' && spacing > 0 && seconds > spacing * GAP_FACTOR;

/** The lower median of the spacings between consecutive timestamps; undefined with fewer than two. */
export function typicalSpacing(timestamps: readonly number[]): number | undefined {
  const deltas: number[] = [];
  for (let i = 1; i < timestamps.length; i++) deltas.push((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0));
  deltas.sort((a, b) => a - b);
  return deltas[Math.floor((deltas.length - 1) / 2)];
}

/**
 * The typical spacing of bucketed points: the bucket width, or the median spacing when that is wider (a host sampling
 * less often than the bucket) and there are enough spacings (≥ 3) for the median to mean something.
 */
export function bucketSpacing(timestamps: readonly number[], bucket: number): number {
  const median = timestamps.length >= 4 ? typicalSpacing(timestamps) : undefined;
  return Math.max(bucket, median ?? 0);
}
