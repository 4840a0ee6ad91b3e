import {
  type BenchmarkAlerts,
  type BenchmarkHistory,
  DEFAULT_DROP_ALERT_PCT,
  DROP_MIN_RUNS,
  SUITE_METRICS,
  type SuiteMetricDef,
  type Validity,
} from '@xat/contracts';
import { summarize } from '@xat/stats';
import type { Db } from '../../db/client.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { listCollectorFacts, listDropAlertPcts, listMetricRows, type MetricRow } from './benchmark-runs.queries.ts';

const DAY_MS = 86_400_000;
const r4 = (v: number) => roundHalfEven(v, 4);
const r2 = (v: number) => roundHalfEven(v, 2);

/** How far `value` is worse than `median`, % of the median (negative: better). */
export const dropPctOf = (def: SuiteMetricDef, value: number, median: number) =>
  ((def.better === 'higher' ? median - value : value - median) / median) * 100;

/** A server's own median of a metric: over its valid runs in the window, and only with enough of them to judge by. */
export function ownMedian(rows: readonly MetricRow[]): { median: number | null; runs: number } {
  const values = rows.flatMap((r) => (r.validity === 'valid' && r.median !== null && r.median > 0 ? [r.median] : []));
  return { median: values.length >= DROP_MIN_RUNS ? summarize(values).median : null, runs: values.length };
}

/** Whether a run's value fell more than `pct` below (worse than) the median. */
export function dropOf(def: SuiteMetricDef, value: number, median: number | null, pct: number) {
  if (median === null || !(median > 0)) return { drop: false, drop_pct: null };
  const dropPct = dropPctOf(def, value, median);
  return { drop: dropPct > pct, drop_pct: r2(dropPct) };
}

/** The drop alert share of each collector: its own schedule's, else the fleet schedule's, else the default. */
async function dropAlertPctOf(db: Db, tenantId: string) {
  const { fleet, byCollector } = await listDropAlertPcts(db, tenantId);
  return (collectorId: string) => byCollector.get(collectorId) ?? fleet ?? DEFAULT_DROP_ALERT_PCT;
}

/** One server's values of one metric over the last `days`, oldest first, each flagged when it dropped. */
export async function benchmarkHistory(
  db: Db,
  tenantId: string,
  collectorId: string,
  def: SuiteMetricDef,
  days: number,
  now = new Date(),
): Promise<BenchmarkHistory> {
  const since = new Date(now.getTime() - days * DAY_MS);
  const [rows, pctOf] = await Promise.all([
    listMetricRows(db, tenantId, { collectorIds: [collectorId], since }),
    dropAlertPctOf(db, tenantId),
  ]);
  const mine = rows.filter((r) => r.key === def.key && r.median !== null);
  const { median, runs } = ownMedian(mine);
  const pct = pctOf(collectorId);
  return {
    collector_id: collectorId,
    metric: def,
    days,
    drop_alert_pct: pct,
    median: median === null ? null : r4(median),
    median_runs: runs,
    points: mine.map((r) => ({
      run_id: r.runId,
      at: new Date(r.finishedAt).toISOString(),
      value: r.median ?? 0,
      validity: r.validity as Validity,
      ...dropOf(def, r.median ?? 0, median, pct),
    })),
  };
}

/** Every server whose latest run (within `days`) fell more than its drop share below its own median, per metric. */
export async function benchmarkAlerts(
  db: Db,
  tenantId: string,
  days: number,
  now = new Date(),
): Promise<BenchmarkAlerts> {
  const since = new Date(now.getTime() - days * DAY_MS);
  const [rows, pctOf] = await Promise.all([listMetricRows(db, tenantId, { since }), dropAlertPctOf(db, tenantId)]);
  const byCollector = new Map<string, MetricRow[]>();
  for (const row of rows) byCollector.set(row.collectorId, [...(byCollector.get(row.collectorId) ?? []), row]);
  const names = new Map(
    (await listCollectorFacts(db, tenantId, [...byCollector.keys()])).map((c) => [c.id, c.name] as const),
  );
  const results: BenchmarkAlerts['results'] = [];
  for (const [collectorId, mine] of byCollector) {
    const latest = mine[mine.length - 1]?.runId;
    const pct = pctOf(collectorId);
    for (const def of SUITE_METRICS) {
      const ofMetric = mine.filter((r) => r.key === def.key && r.median !== null);
      const last = ofMetric.find((r) => r.runId === latest);
      if (!last || last.median === null) continue;
      const { median } = ownMedian(ofMetric);
      const { drop, drop_pct } = dropOf(def, last.median, median, pct);
      if (!drop || median === null || drop_pct === null) continue;
      results.push({
        collector_id: collectorId,
        collector_name: names.get(collectorId) ?? '',
        run_id: last.runId,
        at: new Date(last.finishedAt).toISOString(),
        metric: def.key,
        label: def.label,
        unit: def.unit,
        value: last.median,
        median: r4(median),
        drop_pct,
        drop_alert_pct: pct,
        validity: last.validity as Validity,
      });
    }
  }
  results.sort((a, b) => b.drop_pct - a.drop_pct);
  return { days, count: results.length, results };
}
