import { type CompareStatistics, type LevelStats, LOAD_LEVELS } from '@xat/contracts';
import { pairWithBaseline, type Summary, scaledMean, summarize } from '@xat/stats';
import { roundHalfEven } from '../../lib/round.ts';
import type { CompareRun } from './loadtests.queries.ts';
import { unitsOf } from './units.ts';

/** Hours in an average month (8 760 h / 12), for the monthly cost. */
export const HOURS_PER_MONTH = 730;

const r2 = (v: number) => roundHalfEven(v, 2);
const r2OrNull = (v: number | null | undefined) => (v === null || v === undefined ? null : r2(v));
/** The mean per CPU or per $/h with its interval, to 2 decimals. */
const scaled = (summary: Summary | null, divisor: number | null) => scaledMean(summary, divisor, r2);

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

const median = (values: readonly number[]): number | null => (values.length ? summarize(values).median : null);

/** The CPUs the load had: the runs' own count (median), else the collector's, else its vCPUs. */
export function effectiveCpusFor(
  runs: readonly CompareRun[],
  collector: { effectiveCpus: number | null; vcpus: number | null },
): number | null {
  const fromRuns = runs.flatMap((r) => (r.effectiveCpus !== null && r.effectiveCpus > 0 ? [r.effectiveCpus] : []));
  return median(fromRuns) ?? collector.effectiveCpus ?? collector.vcpus;
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
  const baseline = baselineRuns ? baselineRuns.map((r) => r.units100pct) : null;
  const { exact, ...pair } = pairWithBaseline(full, baseline, { again: 'test', round: r2 });
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
