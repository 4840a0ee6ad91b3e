/** Summaries of repeated runs with their t intervals, and the ratio of two servers with its Welch interval. */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { mean, median, quantile, sampleStandardDeviation, sampleVariance } from 'simple-statistics';

/** Two-sided 95 %. */
export const CONFIDENCE = 0.95;
const upper = 1 - (1 - CONFIDENCE) / 2;

/** Student's t quantile for the two-sided 95 % interval with `df` degrees of freedom. */
export const t95 = (df: number): number => tQuantile(upper, df);

export interface Summary {
  n: number;
  mean: number;
  median: number;
  /** Sample standard deviation; null with one value. */
  sd: number | null;
  /** sd / mean in percent; null with one value or a zero mean. */
  cv_pct: number | null;
  /** 95 % interval of the mean; null with one value. */
  ci95: [number, number] | null;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError('summarize needs at least one value');
  const m = mean([...values]);
  const med = median([...values]);
  if (n < 2) return { n, mean: m, median: med, sd: null, cv_pct: null, ci95: null };
  const sd = sampleStandardDeviation([...values]);
  const half = t95(n - 1) * (sd / Math.sqrt(n));
  return { n, mean: m, median: med, sd, cv_pct: m === 0 ? null : (sd / m) * 100, ci95: [m - half, m + half] };
}

/** The `ps` quantiles (each 0 … 1) of `values`, e.g. a latency's p50 and p99. */
export function quantiles(values: readonly number[], ps: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('quantiles needs at least one value');
  return quantile([...values], [...ps]);
}

export type RatioVerdict = 'faster' | 'slower' | 'indistinguishable' | 'single_run';

export interface Ratio {
  /** Geometric mean of `a` over geometric mean of `b`. */
  value: number;
  /** 95 % interval; null when either side has a single run. */
  ci95: [number, number] | null;
  verdict: RatioVerdict;
  /** Welch–Satterthwaite degrees of freedom; null without an interval. */
  df: number | null;
}

/**
 * How many times `a` is `b` (e.g. units/s of a server against the baseline's). Values must be positive.
 * With zero spread on both sides the interval is the value itself.
 */
export function ratioOf(a: readonly number[], b: readonly number[]): Ratio {
  if (a.length === 0 || b.length === 0) throw new RangeError('ratioOf needs runs on both sides');
  if ([...a, ...b].some((v) => !(v > 0))) throw new RangeError('ratioOf needs positive values');
  const la = a.map(Math.log);
  const lb = b.map(Math.log);
  const value = Math.exp(mean(la) - mean(lb));
  if (a.length < 2 || b.length < 2) return { value, ci95: null, verdict: 'single_run', df: null };
  const va = sampleVariance(la) / la.length;
  const vb = sampleVariance(lb) / lb.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { value, ci95: [value, value], verdict: verdictOf(value, value), df: null };
  const df = (va + vb) ** 2 / (va ** 2 / (la.length - 1) + vb ** 2 / (lb.length - 1));
  const half = t95(df) * se;
  const ci95: [number, number] = [value * Math.exp(-half), value * Math.exp(half)];
  return { value, ci95, verdict: verdictOf(ci95[0], ci95[1]), df };
}

const verdictOf = (low: number, high: number): RatioVerdict =>
  low > 1 ? 'faster' : high < 1 ? 'slower' : 'indistinguishable';
