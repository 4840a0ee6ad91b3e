import { type CompareEntry, type CompareError, type Interval, LOAD_LEVELS, type MetricsCompare } from '@xat/contracts';
import { levelCurve } from './compare-stats.ts';
import { toCsv } from './csv.ts';
import { providerLabel } from './providers.ts';

export const isCompareEntry = (e: CompareEntry | CompareError): e is CompareEntry => !('error' in e);

/** Units per level in LOAD_LEVELS order (0 where a level is missing). */
export function unitsByLevel(entry: Pick<CompareEntry, 'data_points'>): number[] {
  const byLevel = new Map(entry.data_points.map((p) => [p.utilization, p.work_units]));
  return LOAD_LEVELS.map((level) => byLevel.get(level) ?? 0);
}

const ivCells = (iv: Interval | null | undefined) => [iv?.value ?? null, iv?.ci95_low ?? null, iv?.ci95_high ?? null];
const ivHeader = (name: string) => [name, `${name}_ci95_low`, `${name}_ci95_high`];

/**
 * The comparison as CSV: one row per server with the runs it used, its verdict against the baseline with the
 * interval, price-performance, and the median units at each level.
 */
export function compareCsv(entries: readonly CompareEntry[], providers: ReadonlyMap<string, string>): string {
  const header = [
    'server',
    'provider',
    'specs',
    'vcpus',
    'effective_cpus',
    'hourly_cost_usd',
    'run_set',
    'runs',
    'verdict',
    'verdict_text',
    ...ivHeader('ratio_to_baseline'),
    ...ivHeader('units_per_vcpu'),
    ...ivHeader('units_per_effective_cpu'),
    ...ivHeader('units_per_dollar_hour'),
    'monthly_cost_to_match_usd',
    ...LOAD_LEVELS.map((l) => `median_units_${l}pct`),
  ];
  const rows = entries.map((e) => {
    const s = e.statistics;
    return [
      e.collector_name,
      providerLabel(providers.get(e.collector_id)),
      e.specs,
      e.vcpus,
      s?.effective_cpus ?? null,
      e.hourly_cost,
      s?.set ?? null,
      s?.runs.length ?? null,
      s?.verdict ?? null,
      s?.verdict_text ?? null,
      ...ivCells(s?.ratio),
      ...ivCells(s?.per_vcpu),
      ...ivCells(s?.per_effective_cpu),
      ...ivCells(s?.units_per_dollar_hour),
      s?.monthly_cost_to_match ?? null,
      ...levelCurve(s).median,
    ];
  });
  return toCsv([header, ...rows]);
}

/** The compare answer with its series in the order the servers were chosen (the first is the baseline). */
export function orderCompare(data: MetricsCompare, order: readonly string[]): MetricsCompare {
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i < 0 ? order.length : i;
  };
  return { ...data, series: [...data.series].sort((a, b) => rank(a.collector_id) - rank(b.collector_id)) };
}

/** One metric across servers as CSV: a timestamp (or offset) column, then one column per server. */
export function compareMetricsCsv(data: MetricsCompare): string {
  const first = data.align === 'start' ? 'seconds_since_start' : 'timestamp';
  const header = [first, ...data.series.map((s) => s.collector_name || s.collector_id)];
  const rows = data.timestamps.map((t, i) => [
    data.align === 'start' ? t : new Date(t * 1000).toISOString(),
    ...data.series.map((s) => s.values[i] ?? null),
  ]);
  return toCsv([header, ...rows]);
}
