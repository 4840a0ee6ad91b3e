import { COMPARE_DAYS, type CollectorPerformance, type Validity } from '@xat/contracts';
import { and, eq, gte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { collectors, loadTestResults } from '../../db/schema.ts';

const valid = sql`${loadTestResults.validity} = 'valid'`;
const median = (column: SQL | typeof loadTestResults.units100pct | typeof loadTestResults.effectiveCpus) =>
  sql<number | null>`percentile_cont(0.5) within group (order by ${column}) filter (where ${valid})`;
const newestValidity = sql<Validity>`(array_agg(${loadTestResults.validity}
  order by ${loadTestResults.createdAt} desc, ${loadTestResults.id} desc))[1]`;

/**
 * Per collector with load tests in the window, one row: counts by validity, the medians of its valid runs and its
 * newest run's validity. A subquery to join, so a whole page (or the whole fleet, to sort on it) costs one query.
 */
export function performanceSubquery(db: Db, tenantId: string, collectorId?: string) {
  const conditions: (SQL | undefined)[] = [
    eq(loadTestResults.tenantId, tenantId),
    gte(loadTestResults.createdAt, sql`now() - make_interval(days => ${COMPARE_DAYS})`),
  ];
  if (collectorId) conditions.push(eq(loadTestResults.collectorId, collectorId));
  return db
    .select({
      collectorId: loadTestResults.collectorId,
      runs: sql<number>`(count(*) filter (where ${valid}))::int`.as('runs'),
      otherRuns: sql<number>`(count(*) filter (where ${loadTestResults.validity} in ('suspect', 'invalid')))::int`.as(
        'other_runs',
      ),
      units: median(loadTestResults.units100pct).as('units'),
      // The CPUs the runs themselves measured beat the collector's current registration.
      cpus: median(loadTestResults.effectiveCpus).as('cpus'),
      latestValidity: newestValidity.as('latest_validity'),
    })
    .from(loadTestResults)
    .where(and(...conditions))
    .groupBy(loadTestResults.collectorId)
    .as('perf');
}

export type PerformanceSubquery = ReturnType<typeof performanceSubquery>;

/** The derived columns, as SQL over a row of collectors left-joined to the subquery (null where undefined). */
export function performanceColumns(perf: PerformanceSubquery) {
  const cpus = sql`nullif(coalesce(${perf.cpus}, ${collectors.effectiveCpus}, ${collectors.vcpus}::float8), 0)`;
  return {
    perfRuns: sql<number>`coalesce(${perf.runs}, 0)`,
    perfOtherRuns: sql<number>`coalesce(${perf.otherRuns}, 0)`,
    perfUnits: perf.units,
    perfPerEffectiveCpu: sql<number | null>`${perf.units} / ${cpus}`,
    perfPerDollarHour: sql<number | null>`${perf.units} / nullif(${collectors.hourlyCost}::float8, 0)`,
    perfLatestValidity: perf.latestValidity,
  };
}

export interface PerformanceFields {
  perfRuns: number;
  perfOtherRuns: number;
  perfUnits: number | null;
  perfPerEffectiveCpu: number | null;
  perfPerDollarHour: number | null;
  perfLatestValidity: Validity | null;
}

// Drivers differ on whether aggregates come back as numbers or strings; the wire wants numbers.
const numberOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function toPerformanceDto(row: PerformanceFields): CollectorPerformance {
  return {
    runs: Number(row.perfRuns),
    other_runs: Number(row.perfOtherRuns),
    units_100pct: numberOrNull(row.perfUnits),
    per_effective_cpu: numberOrNull(row.perfPerEffectiveCpu),
    units_per_dollar_hour: numberOrNull(row.perfPerDollarHour),
    latest_validity: row.perfLatestValidity ?? null,
  };
}

/** One collector's performance (its detail page); undefined when there is no such collector. */
export async function findCollectorPerformance(
  db: Db,
  tenantId: string,
  id: string,
): Promise<CollectorPerformance | undefined> {
  const perf = performanceSubquery(db, tenantId, id);
  const rows = await db
    .select(performanceColumns(perf))
    .from(collectors)
    .leftJoin(perf, eq(perf.collectorId, collectors.id))
    .where(and(eq(collectors.tenantId, tenantId), eq(collectors.id, id)));
  return rows[0] && toPerformanceDto(rows[0]);
}
