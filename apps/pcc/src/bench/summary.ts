/**
 * One benchmark's repeats, summarised and judged: per metric the median and the coefficient of variation (@xat/stats),
 * the core-scaling curve as medians per worker count, and judgeBenchmark's verdict — the load test's limits on the
 * worst repeat's conditions, and the spread of the metrics that count in a score (latency percentiles and the
 * derived scaling figures are reported, not judged: a p99 moves with a handful of slow operations).
 */
import {
  judgeBenchmark,
  type MetricSummary,
  type RunConditions,
  SUITE_METRICS,
  type SuiteBenchmark,
  type SuiteBenchmarkResult,
  type Validity,
  type ValidityReason,
} from '@xat/contracts';
import { type RepeatResult, round } from './types.ts';

export interface Repeat extends RepeatResult {
  conditions: RunConditions;
}

export async function summarizeBenchmark(
  name: SuiteBenchmark,
  repeats: readonly Repeat[],
  o: { forced: boolean; backgroundBusyPct: number | null; engine?: string | undefined },
): Promise<SuiteBenchmarkResult> {
  const { summarize } = await import('@xat/stats');
  const metrics: Record<string, MetricSummary> = {};
  const spread: Record<string, number | null> = {};
  for (const def of SUITE_METRICS.filter((d) => d.benchmark === name)) {
    const values = repeats
      .map((r) => r.metrics[def.key])
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length === 0) continue;
    const s = summarize(values);
    const cv = s.cv_pct === null ? null : round(s.cv_pct, 2);
    metrics[def.key] = { n: s.n, median: round(s.median, 4), cv_pct: cv, values };
    if (def.component !== null) spread[def.key] = cv;
  }
  const result: SuiteBenchmarkResult = {
    name,
    runs: repeats.map((r) => ({ metrics: r.metrics, conditions: r.conditions })),
    metrics,
    ...(o.engine ? { engine: o.engine } : {}),
    ...judgeBenchmark({
      runs: repeats.map((r) => r.conditions),
      cv_pct: spread,
      forced: o.forced,
      background_busy_pct: o.backgroundBusyPct,
    }),
  };
  const curve = medianCurve(repeats, summarize);
  if (curve) result.curve = curve;
  return result;
}

function medianCurve(repeats: readonly Repeat[], summarize: (v: number[]) => { median: number }) {
  const byWorkers = new Map<number, number[]>();
  for (const r of repeats)
    for (const p of r.curve ?? []) byWorkers.set(p.workers, [...(byWorkers.get(p.workers) ?? []), p.units_per_s]);
  if (byWorkers.size === 0) return undefined;
  return [...byWorkers.entries()]
    .sort(([a], [b]) => a - b)
    .map(([workers, values]) => ({ workers, units_per_s: round(summarize(values).median) }));
}

/** A benchmark that could not run: its reason, no figures. */
export function failedBenchmark(name: SuiteBenchmark, error: string, engine?: string): SuiteBenchmarkResult {
  return {
    name,
    runs: [],
    metrics: {},
    ...(engine ? { engine } : {}),
    validity: 'invalid',
    validity_reasons: [],
    error: error.slice(0, 2000),
  };
}

const RANK: Record<Validity, number> = { valid: 0, suspect: 1, invalid: 2 };
/** Said once for the whole suite, not once per benchmark. */
const WHOLE_RUN = new Set(['forced', 'background_load']);

/** The suite's verdict: the worst of the benchmarks that ran (one that could not run has no figures to doubt). */
export function judgeSuite(benchmarks: readonly SuiteBenchmarkResult[]): {
  validity: Validity;
  validity_reasons: ValidityReason[];
} {
  const ran = benchmarks.filter((b) => b.error === undefined);
  if (ran.length === 0) return { validity: 'invalid', validity_reasons: [] };
  const validity = ran.reduce<Validity>((w, b) => (RANK[b.validity] > RANK[w] ? b.validity : w), 'valid');
  const reasons: ValidityReason[] = [];
  const seen = new Set<string>();
  for (const b of ran)
    for (const r of b.validity_reasons) {
      if (WHOLE_RUN.has(r.code)) {
        if (seen.has(r.code)) continue;
        seen.add(r.code);
        reasons.push(r);
      } else reasons.push({ ...r, message: `${b.name}: ${r.message}` });
    }
  return { validity, validity_reasons: reasons };
}
