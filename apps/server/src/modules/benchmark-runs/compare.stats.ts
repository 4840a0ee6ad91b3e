import {
  type BenchmarkCompareServer,
  includedValidities,
  type MetricCompare,
  SUITE_BENCHMARKS,
  SUITE_METRICS,
  type SuiteMetricDef,
} from '@xat/contracts';
import { pairWithBaseline, scaledMean, summarize } from '@xat/stats';
import { roundHalfEven } from '../../lib/round.ts';
import type { MetricRow } from './benchmark-runs.queries.ts';

const r4 = (v: number) => roundHalfEven(v, 4);
const r4OrNull = (v: number | null | undefined) => (v === null || v === undefined ? null : r4(v));
const r2 = (v: number) => roundHalfEven(v, 2);

/** The codes of the reasons stored with a benchmark, read loosely (they are jsonb). */
function reasonCodes(reasons: unknown): string[] {
  if (!Array.isArray(reasons)) return [];
  return reasons.flatMap((r) =>
    typeof r === 'object' && r !== null && typeof (r as { code?: unknown }).code === 'string'
      ? [(r as { code: string }).code]
      : [],
  );
}

export type Include = readonly ('suspect' | 'invalid')[];

/**
 * One server's metric rows split by benchmark verdict: the rows a comparison uses (valid benchmarks, and suspect or
 * invalid ones only when asked) and, per benchmark, how many runs it left out and why. A run's disk benchmark being
 * invalid leaves out its disk figures only.
 */
export function usedRows(rows: readonly MetricRow[], include: Include) {
  const wanted = new Set<string>(includedValidities(include));
  const used: MetricRow[] = [];
  const benchmarks: BenchmarkCompareServer['benchmarks'] = {};
  const seen = new Set<string>();
  for (const row of rows) {
    const ok = wanted.has(row.validity);
    if (ok) used.push(row);
    const runKey = `${row.runId}|${row.benchmark}`;
    if (seen.has(runKey)) continue;
    seen.add(runKey);
    const entry = benchmarks[row.benchmark] ?? { used: 0, excluded: { suspect: 0, invalid: 0, reasons: [] } };
    benchmarks[row.benchmark] = entry;
    if (ok) {
      entry.used += 1;
      continue;
    }
    if (row.validity === 'suspect' || row.validity === 'invalid') entry.excluded[row.validity] += 1;
    for (const code of reasonCodes(row.reasons))
      if (!entry.excluded.reasons.includes(code)) entry.excluded.reasons.push(code);
  }
  return { used, benchmarks };
}

/** Per metric, the runs' medians (each run counts once, oldest first). */
export function valuesByMetric(rows: readonly MetricRow[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const row of rows) {
    if (row.median === null || !Number.isFinite(row.median)) continue;
    out.set(row.key, [...(out.get(row.key) ?? []), row.median]);
  }
  return out;
}

/** Oriented so that more is better: the inverse where lower is better (latency), for ratios and verdicts. */
const oriented = (def: SuiteMetricDef, values: readonly number[]) =>
  def.better === 'higher' ? values : values.filter((v) => v > 0).map((v) => 1 / v);

/**
 * One metric of one server: n, median, mean, CV and the 95 % interval of the runs' medians (@xat/stats), and against
 * the baseline's runs (null: this is the baseline) the ratio of geometric means with Welch's interval and the verdict
 * — the load test's (faster, slower, indistinguishable, single_run), on values turned so that more is better.
 */
export function metricCompare(
  def: SuiteMetricDef,
  values: readonly number[],
  baseline: readonly number[] | null,
  hourlyCost: number | null,
): MetricCompare {
  const summary = values.length ? summarize(values) : null;
  const { exact: _, ...pair } = pairWithBaseline(
    oriented(def, values),
    baseline === null ? null : oriented(def, baseline),
    { again: 'benchmark', round: r2 },
  );
  const perDollar = def.better === 'higher' ? scaledMean(summary, hourlyCost, r4) : null;
  return {
    n: summary?.n ?? 0,
    median: r4OrNull(summary?.median),
    mean: r4OrNull(summary?.mean),
    cv_pct: r4OrNull(summary?.cv_pct),
    ci95_low: r4OrNull(summary?.ci95?.[0]),
    ci95_high: r4OrNull(summary?.ci95?.[1]),
    ...pair,
    per_dollar_hour: perDollar,
  };
}

/** Every metric of SUITE_METRICS for one server against the baseline's values (null: this is the baseline). */
export function metricsCompare(
  values: ReadonlyMap<string, number[]>,
  baseline: ReadonlyMap<string, number[]> | null,
  hourlyCost: number | null,
): Record<string, MetricCompare> {
  return Object.fromEntries(
    SUITE_METRICS.map((def) => [
      def.key,
      metricCompare(
        def,
        values.get(def.key) ?? [],
        baseline === null ? null : (baseline.get(def.key) ?? []),
        hourlyCost,
      ),
    ]),
  );
}

/** Median units/s per worker count over the runs' core-scaling curves, fewest workers first. */
export function medianCurve(points: readonly { workers: number; unitsPerS: number }[]) {
  const byWorkers = new Map<number, number[]>();
  for (const p of points)
    if (Number.isFinite(p.unitsPerS)) byWorkers.set(p.workers, [...(byWorkers.get(p.workers) ?? []), p.unitsPerS]);
  return [...byWorkers.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([workers, units]) => ({ workers, units_per_s: r4(summarize(units).median), n: units.length }));
}

/** Keeps only known benchmark names in the per-benchmark counts (the contract's order). */
export const orderedBenchmarks = (counts: BenchmarkCompareServer['benchmarks']): BenchmarkCompareServer['benchmarks'] =>
  Object.fromEntries(SUITE_BENCHMARKS.flatMap((name) => (counts[name] ? [[name, counts[name]]] : [])));
