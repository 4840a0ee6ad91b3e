import type { Scores } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { findCollectors } from '../collectors/collectors.queries.ts';
import { findTenantBaseline } from '../tenants/tenants.queries.ts';
import {
  findFirstBenchmarkedCollector,
  listLatestValidMedians,
  listMetricRows,
  type MetricRow,
} from './benchmark-runs.queries.ts';
import { emptyScores, type Medians, scoresOf } from './scores.ts';

/**
 * The server scores are ratios against: the tenant's chosen one while it exists, else `fallback` (the first server
 * of a request), else the oldest server of the fleet with a benchmark judged valid; null when there is none.
 */
export async function resolveScoreBaseline(db: Db, tenantId: string, fallback?: string): Promise<string | null> {
  const chosen = await findTenantBaseline(db, tenantId);
  if (chosen && (await findCollectors(db, tenantId, [chosen])).length) return chosen;
  return fallback ?? (await findFirstBenchmarkedCollector(db, tenantId)) ?? null;
}

/** Per metric, the latest positive median among `rows` (oldest first). */
export function latestMedians(rows: readonly MetricRow[]): Map<string, number> {
  const medians = new Map<string, number>();
  for (const row of rows) if (row.median !== null && row.median > 0) medians.set(row.key, row.median);
  return medians;
}

/** The baseline's figures: per metric, the median of its latest run in which that metric's benchmark was valid. */
export const baselineMedians = (db: Db, tenantId: string, collectorId: string): Promise<Medians> =>
  listLatestValidMedians(db, tenantId, collectorId);

/** The scores of each run against the baseline (resolved as above), computed now. */
export async function scoresForRuns(db: Db, tenantId: string, runIds: readonly string[]): Promise<Map<string, Scores>> {
  const out = new Map<string, Scores>();
  if (runIds.length === 0) return out;
  const baseline = await resolveScoreBaseline(db, tenantId);
  const [reference, rows] = await Promise.all([
    baseline ? baselineMedians(db, tenantId, baseline) : Promise.resolve(new Map<string, number>()),
    listMetricRows(db, tenantId, { runIds }),
  ]);
  const byRun = new Map<string, MetricRow[]>();
  for (const row of rows) byRun.set(row.runId, [...(byRun.get(row.runId) ?? []), row]);
  for (const id of runIds) {
    const own = latestMedians(byRun.get(id) ?? []);
    out.set(id, baseline ? scoresOf(own, reference, baseline) : emptyScores(null));
  }
  return out;
}
