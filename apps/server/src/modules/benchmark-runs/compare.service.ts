import { type BenchmarkCompare, type BenchmarkCompareServer, SUITE_METRICS } from '@xat/contracts';
import { summarize } from '@xat/stats';
import type { Db } from '../../db/client.ts';
import { listCollectorFacts, listCurvePoints, listMetricRows, type MetricRow } from './benchmark-runs.queries.ts';
import {
  type Include,
  medianCurve,
  metricsCompare,
  orderedBenchmarks,
  usedRows,
  valuesByMetric,
} from './compare.stats.ts';
import { baselineMedians, resolveScoreBaseline } from './scores.service.ts';
import { emptyScores, scoresOf } from './scores.ts';

const DAY_MS = 86_400_000;

export interface BenchmarkCompareOptions {
  include: Include;
  days: number;
  now?: Date;
}

/** Per metric, the median of the runs' medians. */
const mediansOf = (values: ReadonlyMap<string, number[]>) =>
  new Map([...values].filter(([, v]) => v.length > 0).map(([key, v]) => [key, summarize(v).median]));

/**
 * Every benchmark of 2–10 servers side by side over the last `days`: per server and metric the statistics of its
 * runs' medians, against the first server the ratio and verdict, per-$ figures, the core-scaling curve and the scores
 * (against the tenant's baseline server, else the first one). Unknown collectors: their ids.
 */
export async function compareBenchmarks(
  db: Db,
  tenantId: string,
  collectorIds: readonly string[],
  opts: BenchmarkCompareOptions,
): Promise<{ comparison: BenchmarkCompare } | { unknown: string[] }> {
  const facts = await listCollectorFacts(db, tenantId, collectorIds);
  const byId = new Map(facts.map((f) => [f.id, f]));
  const unknown = collectorIds.filter((id) => !byId.has(id));
  if (unknown.length) return { unknown };
  const since = new Date((opts.now ?? new Date()).getTime() - opts.days * DAY_MS);
  const [rows, scoreBaseline] = await Promise.all([
    listMetricRows(db, tenantId, { collectorIds, since }),
    resolveScoreBaseline(db, tenantId, collectorIds[0]),
  ]);
  const rowsOf = new Map<string, MetricRow[]>(collectorIds.map((id) => [id, []]));
  for (const row of rows) rowsOf.get(row.collectorId)?.push(row);

  const picked = collectorIds.map((id) => {
    const { used, benchmarks } = usedRows(rowsOf.get(id) ?? [], opts.include);
    return { id, used, benchmarks, values: valuesByMetric(used) };
  });
  const curveRuns = picked.flatMap((p) => p.used.filter((r) => r.benchmark === 'core_scaling').map((r) => r.runId));
  const curvePoints = await listCurvePoints(db, tenantId, [...new Set(curveRuns)]);

  // Scores: the baseline's figures over the same window when it is compared, else its latest valid runs.
  const inSet = picked.find((p) => p.id === scoreBaseline);
  const reference = inSet
    ? mediansOf(inSet.values)
    : scoreBaseline
      ? await baselineMedians(db, tenantId, scoreBaseline)
      : new Map<string, number>();

  const first = picked[0];
  const servers: BenchmarkCompareServer[] = picked.map((p, i) => {
    const fact = byId.get(p.id);
    const hourlyCost = fact?.hourlyCost ?? null;
    const runIds = new Set(p.used.filter((r) => r.benchmark === 'core_scaling').map((r) => r.runId));
    return {
      collector_id: p.id,
      collector_name: fact?.name ?? '',
      hourly_cost: hourlyCost,
      benchmarks: orderedBenchmarks(p.benchmarks),
      metrics: metricsCompare(p.values, i === 0 || !first ? null : first.values, hourlyCost),
      curve: medianCurve(curvePoints.filter((c) => runIds.has(c.runId))),
      scores: scoreBaseline ? scoresOf(mediansOf(p.values), reference, scoreBaseline) : emptyScores(null),
    };
  });
  return {
    comparison: {
      days: opts.days,
      include: [...opts.include],
      baseline_collector: collectorIds[0] ?? '',
      metrics: [...SUITE_METRICS],
      servers,
    },
  };
}
