import {
  type CompareEntry,
  type CompareError,
  isUnsteadySpeed,
  LOAD_LEVELS,
  type MetricsCompare,
} from '@xat/contracts';
import { toCsv } from './csv.ts';
import { providerLabel } from './providers.ts';

export const isCompareEntry = (e: CompareEntry | CompareError): e is CompareEntry => !('error' in e);

/** What the table marks: the most units at 100 %, and the most units per $/h (only among servers with a cost). */
export interface Winners {
  mostUnits?: string;
  bestValue?: string;
}

export function findWinners(entries: readonly CompareEntry[]): Winners {
  const best = (score: (e: CompareEntry) => number | null) => {
    let winner: CompareEntry | undefined;
    for (const e of entries) {
      const s = score(e);
      if (s === null || s <= 0) continue;
      const w = winner ? score(winner) : null;
      if (w === null || s > w) winner = e;
    }
    return winner?.collector_id;
  };
  const winners: Winners = {};
  const mostUnits = best((e) => e.max_units);
  const bestValue = best((e) => e.price_performance);
  if (mostUnits) winners.mostUnits = mostUnits;
  if (bestValue) winners.bestValue = bestValue;
  return winners;
}

/** Units per level in LOAD_LEVELS order (0 where a level is missing). */
export function unitsByLevel(entry: Pick<CompareEntry, 'data_points'>): number[] {
  const byLevel = new Map(entry.data_points.map((p) => [p.utilization, p.work_units]));
  return LOAD_LEVELS.map((level) => byLevel.get(level) ?? 0);
}

/** Curves of work units against utilization, one per server: x = 10 … 100. */
export function loadTestColumns(entries: readonly Pick<CompareEntry, 'data_points'>[]): [number[], ...number[][]] {
  return [[...LOAD_LEVELS], ...entries.map(unitsByLevel)];
}

/** The comparison as CSV: one row per server, its figures and its units at each level. */
export function compareCsv(entries: readonly CompareEntry[], providers: ReadonlyMap<string, string>): string {
  const winners = findWinners(entries);
  const header = [
    'server',
    'provider',
    'specs',
    'vcpus',
    'hourly_cost_usd',
    'max_units',
    'avg_units',
    'units_per_vcpu',
    'ratio_to_baseline',
    'price_performance',
    'winner',
    ...LOAD_LEVELS.map((l) => `units_${l}pct`),
    'tested_at',
  ];
  const rows = entries.map((e) => [
    e.collector_name,
    providerLabel(providers.get(e.collector_id)),
    e.specs,
    e.vcpus,
    e.hourly_cost,
    e.max_units,
    e.avg_units,
    e.units_per_vcpu,
    e.ratio_to_baseline,
    e.price_performance,
    [
      winners.mostUnits === e.collector_id ? 'most units' : '',
      winners.bestValue === e.collector_id ? 'best price-performance' : '',
    ]
      .filter(Boolean)
      .join('; '),
    ...unitsByLevel(e),
    e.created_at,
  ]);
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

/** How a load test was measured, from what pcc keeps in `details` (absent for imports and other tools). */
export interface Measurement {
  /** The load's own share of the machine at each level of LOAD_LEVELS, percent; undefined where not reported. */
  achieved: (number | undefined)[];
  /** Flat-out speed at the end against the start, percent. */
  speedChangePct: number | undefined;
  /** The speed moved past UNSTEADY_SPEED_PCT (isUnsteadySpeed): every level's units may be off by about as much. */
  unsteady: boolean;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function measurementOf(details: Readonly<Record<string, unknown>> | null | undefined): Measurement {
  const raw = details?.achieved_utilization;
  const achieved = LOAD_LEVELS.map((level) =>
    raw && typeof raw === 'object' ? finite((raw as Record<string, unknown>)[String(level)]) : undefined,
  );
  const speedChangePct = finite(details?.speed_change_pct);
  return { achieved, speedChangePct, unsteady: isUnsteadySpeed(speedChangePct) };
}
