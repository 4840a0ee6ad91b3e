import {
  judgeBenchmark,
  type MetricSummary,
  type RunConditions,
  type StoredBenchmarkResult,
  type SuiteBenchmarkResult,
  type SuiteResult,
  type Validity,
  type ValidityReason,
} from '@xat/contracts';
import { summarize } from '@xat/stats';

/** One metric's repeats as the server counts them: from the values (the repeats' own figures), not the agent's summary. */
function resummarize(key: string, given: MetricSummary | undefined, runs: SuiteBenchmarkResult['runs']): MetricSummary {
  const fromRuns = runs.map((r) => r.metrics[key]).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const values = given?.values.length ? given.values.filter(Number.isFinite) : fromRuns;
  if (values.length === 0) return given ?? { n: 0, median: null, cv_pct: null, values: [] };
  const s = summarize(values);
  return { n: s.n, median: s.median, cv_pct: s.cv_pct, values };
}

/** A benchmark judged again from its repeats (never the agent's verdict): its metrics re-summarised beside it. */
function judgeOne(b: SuiteBenchmarkResult, result: SuiteResult): StoredBenchmarkResult {
  const keys = new Set([...Object.keys(b.metrics), ...b.runs.flatMap((r) => Object.keys(r.metrics))]);
  const metrics: Record<string, MetricSummary> = {};
  for (const key of keys) metrics[key] = resummarize(key, b.metrics[key], b.runs);
  // Repeats the figures count but the agent sent no conditions for: counted, with nothing known about them.
  const repeats = Math.max(b.runs.length, ...Object.values(metrics).map((s) => s.n));
  const conditions: RunConditions[] = [...b.runs.map((r) => r.conditions)];
  while (conditions.length < repeats) conditions.push({});
  const judged = judgeBenchmark({
    runs: conditions,
    cv_pct: Object.fromEntries(Object.entries(metrics).map(([k, s]) => [k, s.cv_pct])),
    forced: result.forced,
    background_busy_pct: result.background_busy_pct,
  });
  return { ...b, metrics, ...judged, agent_validity: b.validity };
}

const RANK: Record<Validity, number> = { valid: 0, suspect: 1, invalid: 2 };
/** Reasons about the whole run rather than one benchmark: said once, not once per benchmark. */
const RUN_WIDE = new Set(['forced', 'background_load']);

/**
 * The server's verdict on an uploaded suite result: each benchmark judged with judgeBenchmark from its repeats,
 * and the run as a whole as bad as its worst benchmark that ran, with their reasons (each prefixed by its benchmark).
 */
export function judgeSuiteResult(result: SuiteResult): {
  validity: Validity;
  validity_reasons: ValidityReason[];
  benchmarks: StoredBenchmarkResult[];
} {
  const benchmarks = result.benchmarks.map((b) => judgeOne(b, result));
  let validity: Validity = 'valid';
  const reasons: ValidityReason[] = [];
  const seen = new Set<string>();
  for (const b of benchmarks) {
    // A benchmark that could not run has no figures to doubt; its error is shown beside it.
    if (b.error && Object.values(b.metrics).every((m) => m.median === null)) continue;
    if (RANK[b.validity] > RANK[validity]) validity = b.validity;
    for (const r of b.validity_reasons) {
      const reason = RUN_WIDE.has(r.code) ? r : { ...r, message: `${b.name}: ${r.message}` };
      const key = `${reason.code}|${reason.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      reasons.push(reason);
    }
  }
  return { validity, validity_reasons: reasons, benchmarks };
}
