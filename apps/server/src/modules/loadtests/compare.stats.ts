import { type CompareStatistics, type Interval, type LevelStats, LOAD_LEVELS, type PairVerdict } from '@xat/contracts';
import { ratioOf, type Summary, summarize } from '@xat/stats';
import { roundHalfEven } from '../../lib/round.ts';
import type { CompareRun } from './loadtests.queries.ts';
import { unitsOf } from './units.ts';

/** Hours in an average month (8 760 h / 12), for the monthly cost. */
export const HOURS_PER_MONTH = 730;

const r2 = (v: number) => roundHalfEven(v, 2);
const r2OrNull = (v: number | null | undefined) => (v === null || v === undefined ? null : r2(v));

/** n, median, mean, CV and the 95 % interval of the mean of every level over the runs (none without runs). */
export function levelStats(runs: readonly CompareRun[]): LevelStats[] {
  if (runs.length === 0) return [];
  const units = runs.map(unitsOf);
  return LOAD_LEVELS.map((utilization, i) => {
    const s = summarize(units.map((u) => u[i] ?? 0));
    return {
      utilization,
      n: s.n,
      median: r2(s.median),
      mean: r2(s.mean),
      cv_pct: r2OrNull(s.cv_pct),
      ci95_low: r2OrNull(s.ci95?.[0]),
      ci95_high: r2OrNull(s.ci95?.[1]),
    };
  });
}

/** The mean with its interval, divided by `divisor` (per CPU, per $/h); null without a positive divisor. */
export function scaled(summary: Summary | null, divisor: number | null): Interval | null {
  if (!summary || divisor === null || !(divisor > 0)) return null;
  return {
    value: r2(summary.mean / divisor),
    ci95_low: r2OrNull(summary.ci95 ? summary.ci95[0] / divisor : null),
    ci95_high: r2OrNull(summary.ci95 ? summary.ci95[1] / divisor : null),
  };
}

const median = (values: readonly number[]): number | null => (values.length ? summarize(values).median : null);

/** The CPUs the load had: the runs' own count (median), else the collector's, else its vCPUs. */
export function effectiveCpusFor(
  runs: readonly CompareRun[],
  collector: { effectiveCpus: number | null; vcpus: number | null },
): number | null {
  const fromRuns = runs.flatMap((r) => (r.effectiveCpus !== null && r.effectiveCpus > 0 ? [r.effectiveCpus] : []));
  return median(fromRuns) ?? collector.effectiveCpus ?? collector.vcpus;
}

export interface Pair {
  ratio: Interval | null;
  verdict: PairVerdict;
  verdict_text: string;
  /** The ratio unrounded, for figures derived from it. */
  exact: number | null;
}

const x = (v: number) => `${v.toFixed(2)}×`;
const runsText = (n: number, baseline: number) => (n === baseline ? `${n} runs each` : `${n} and ${baseline} runs`);

/**
 * This server's units at 100 % against the baseline's: the ratio of geometric means with its 95 % interval and
 * the verdict, in numbers and words. One run on either side gives a figure but no verdict (`single_run`).
 */
export function pairWithBaseline(units: readonly number[], baseline: readonly number[] | null): Pair {
  if (baseline === null)
    return {
      ratio: { value: 1, ci95_low: null, ci95_high: null },
      verdict: 'baseline',
      verdict_text: 'baseline',
      exact: 1,
    };
  // ratioOf needs positive units: a run without units at 100 % (judged invalid) has no ratio to give.
  const a = units.filter((u) => u > 0);
  const b = baseline.filter((u) => u > 0);
  const none = (whose: string): Pair => ({
    ratio: null,
    verdict: 'no_runs',
    verdict_text: `no runs of ${whose} to compare`,
    exact: null,
  });
  if (a.length === 0) return none('this server');
  if (b.length === 0) return none('the baseline');
  const r = ratioOf(a, b);
  const ratio = { value: r2(r.value), ci95_low: r2OrNull(r.ci95?.[0]), ci95_high: r2OrNull(r.ci95?.[1]) };
  if (r.verdict === 'single_run' || !r.ci95)
    return {
      ratio,
      verdict: 'single_run',
      verdict_text: `single run: ${x(r.value)} — run the test again to know`,
      exact: r.value,
    };
  const runs = runsText(a.length, b.length);
  // Slower is said as the baseline's multiple of this server ("2.00× slower"), the interval inverted with it.
  const [factor, low, high] =
    r.verdict === 'slower' ? [1 / r.value, 1 / r.ci95[1], 1 / r.ci95[0]] : [r.value, r.ci95[0], r.ci95[1]];
  const interval = `95 %: ${low.toFixed(2)}–${high.toFixed(2)}`;
  const verdict_text =
    r.verdict === 'indistinguishable'
      ? `indistinguishable (${x(r.value)}, ${interval}, ${runs})`
      : `${x(factor)} ${r.verdict}, ${interval}, ${runs}`;
  return { ratio, verdict: r.verdict, verdict_text, exact: r.value };
}

export interface ServerFacts {
  vcpus: number | null;
  effectiveCpus: number | null;
  hourlyCost: number | null;
}

/** One server's statistics over the runs used, against the baseline's runs (null: this is the baseline). */
export function serverStatistics(
  set: CompareStatistics['set'],
  used: readonly CompareRun[],
  excluded: CompareStatistics['excluded'],
  server: ServerFacts,
  baselineRuns: readonly CompareRun[] | null,
): CompareStatistics {
  const full = used.map((r) => r.units100pct);
  const summary = full.length ? summarize(full) : null;
  const effective_cpus = effectiveCpusFor(used, server);
  const { exact, ...pair } = pairWithBaseline(full, baselineRuns ? baselineRuns.map((r) => r.units100pct) : null);
  const cost = server.hourlyCost;
  return {
    set,
    runs: used.map((r) => ({
      id: r.id,
      created_at: r.createdAt.toISOString(),
      validity: r.validity as CompareStatistics['runs'][number]['validity'],
      series_id: r.seriesId,
      units_100pct: r.units100pct,
    })),
    excluded,
    levels: levelStats(used),
    effective_cpus,
    per_vcpu: scaled(summary, server.vcpus),
    per_effective_cpu: scaled(summary, effective_cpus),
    units_per_dollar_hour: scaled(summary, cost),
    ...pair,
    // hourly cost × 730 h × (baseline units ÷ this server's units): what matching the baseline costs a month.
    monthly_cost_to_match: cost === null || exact === null ? null : r2((cost * HOURS_PER_MONTH) / exact),
  };
}
