import { and, count, desc, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.ts';
import { benchmarkRuns, benchmarkSchedules, benchmarks, collectors } from '../../db/schema.ts';

export type BenchmarkRunRow = typeof benchmarkRuns.$inferSelect;
export type BenchmarkRunValues = Omit<typeof benchmarkRuns.$inferInsert, 'tenantId' | 'id' | 'createdAt'>;
export type BenchmarkRunWithCollector = BenchmarkRunRow & { collectorName: string; benchmarkId: string | null };

/** What the seed's benchmark row of a run holds (its scores are computed when read). */
export interface SeedBenchmarkValues {
  name: string;
  benchmarkType: string;
  startTime: Date;
  endTime: Date;
  durationSeconds: number;
  errorMessage: string;
}

/** A run and the seed benchmark row that shows it, in one transaction; returns the run's id. */
export async function insertBenchmarkRun(
  db: Db,
  tenantId: string,
  values: BenchmarkRunValues,
  seed: SeedBenchmarkValues,
): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(benchmarkRuns)
      .values({ ...values, tenantId })
      .returning({ id: benchmarkRuns.id });
    const id = rows[0]?.id;
    if (!id) throw new Error('insert returned no row');
    await tx.insert(benchmarks).values({
      ...seed,
      tenantId,
      collectorId: values.collectorId,
      status: 'completed',
      source: 'pcc',
      runId: id,
    });
    return id;
  });
}

function selectWithCollector(db: Db) {
  return db
    .select({ ...getTableColumns(benchmarkRuns), collectorName: collectors.name, benchmarkId: benchmarks.id })
    .from(benchmarkRuns)
    .innerJoin(
      collectors,
      and(eq(collectors.tenantId, benchmarkRuns.tenantId), eq(collectors.id, benchmarkRuns.collectorId)),
    )
    .leftJoin(benchmarks, and(eq(benchmarks.tenantId, benchmarkRuns.tenantId), eq(benchmarks.runId, benchmarkRuns.id)));
}

export interface BenchmarkRunFilter {
  limit: number;
  offset: number;
  collectorId?: string;
  profile?: string;
  validity?: string;
}

export async function listBenchmarkRuns(db: Db, tenantId: string, opts: BenchmarkRunFilter) {
  const conditions: SQL[] = [eq(benchmarkRuns.tenantId, tenantId)];
  if (opts.collectorId) conditions.push(eq(benchmarkRuns.collectorId, opts.collectorId));
  if (opts.profile) conditions.push(eq(benchmarkRuns.profile, opts.profile));
  if (opts.validity) conditions.push(eq(benchmarkRuns.validity, opts.validity));
  const where = and(...conditions);
  const [rows, total] = await Promise.all([
    selectWithCollector(db)
      .where(where)
      .orderBy(desc(benchmarkRuns.finishedAt), desc(benchmarkRuns.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(benchmarkRuns).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function findBenchmarkRun(
  db: Db,
  tenantId: string,
  id: string,
): Promise<BenchmarkRunWithCollector | undefined> {
  const rows = await selectWithCollector(db)
    .where(and(eq(benchmarkRuns.tenantId, tenantId), eq(benchmarkRuns.id, id)))
    .limit(1);
  return rows[0];
}

/** Deletes a run and the seed benchmark row that showed it. */
export async function deleteBenchmarkRun(db: Db, tenantId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(benchmarkRuns)
      .where(and(eq(benchmarkRuns.tenantId, tenantId), eq(benchmarkRuns.id, id)))
      .returning({ id: benchmarkRuns.id });
    if (rows.length === 0) return false;
    await tx
      .delete(benchmarks)
      .where(and(eq(benchmarks.tenantId, tenantId), eq(benchmarks.source, 'pcc'), eq(benchmarks.runId, id)));
    return true;
  });
}

/** One metric of one benchmark of one run: the run's median over its repeats, with that benchmark's verdict. */
export interface MetricRow {
  runId: string;
  collectorId: string;
  /** Epoch milliseconds. */
  finishedAt: number;
  benchmark: string;
  validity: string;
  reasons: unknown;
  key: string;
  median: number | null;
}

interface RawMetricRow {
  run_id: string;
  collector_id: string;
  finished_ms: number | string;
  benchmark: string;
  validity: string;
  reasons: unknown;
  key: string;
  median: number | string | null;
}

export interface MetricRowFilter {
  collectorIds?: readonly string[];
  runIds?: readonly string[];
  /** Runs finished at or after. */
  since?: Date;
}

/**
 * Every metric median of the matching runs, one row per (run, benchmark, metric), oldest run first: read out of the
 * stored results in SQL, so the repeats and curves stay in the database.
 */
export async function listMetricRows(db: Db, tenantId: string, filter: MetricRowFilter): Promise<MetricRow[]> {
  const where: SQL[] = [sql`r.tenant_id = ${tenantId}::uuid`];
  if (filter.collectorIds) where.push(sql`r.collector_id = any(${sql.param([...filter.collectorIds])}::uuid[])`);
  if (filter.runIds) where.push(sql`r.id = any(${sql.param([...filter.runIds])}::uuid[])`);
  if (filter.since) where.push(sql`r.finished_at >= ${filter.since.toISOString()}::timestamptz`);
  const rows = await queryRows<RawMetricRow>(
    db,
    sql`select r.id as run_id, r.collector_id, (extract(epoch from r.finished_at) * 1000)::float8 as finished_ms,
          b.value->>'name' as benchmark, b.value->>'validity' as validity, b.value->'validity_reasons' as reasons,
          m.key, (m.value->>'median')::float8 as median
        from benchmark_runs r
        cross join lateral jsonb_array_elements(r.results) as b(value)
        cross join lateral jsonb_each(b.value->'metrics') as m(key, value)
        where ${sql.join(where, sql` and `)}
        order by r.finished_at, r.id, b.value->>'name', m.key`,
  );
  return rows.map((r) => ({
    runId: r.run_id,
    collectorId: r.collector_id,
    finishedAt: Number(r.finished_ms),
    benchmark: r.benchmark,
    validity: r.validity,
    reasons: r.reasons,
    key: r.key,
    median: r.median === null ? null : Number(r.median),
  }));
}

/** Per metric, the positive median of the collector's latest run in which that metric's benchmark was judged valid. */
export async function listLatestValidMedians(db: Db, tenantId: string, collectorId: string) {
  const rows = await queryRows<{ key: string; median: number | string }>(
    db,
    sql`select distinct on (m.key) m.key, (m.value->>'median')::float8 as median
        from benchmark_runs r
        cross join lateral jsonb_array_elements(r.results) as b(value)
        cross join lateral jsonb_each(b.value->'metrics') as m(key, value)
        where r.tenant_id = ${tenantId}::uuid and r.collector_id = ${collectorId}::uuid
          and b.value->>'validity' = 'valid' and (m.value->>'median')::float8 > 0
        order by m.key, r.finished_at desc, r.id desc`,
  );
  return new Map(rows.map((r) => [r.key, Number(r.median)]));
}

/** The core-scaling curves of the runs: one row per (run, worker count). */
export async function listCurvePoints(db: Db, tenantId: string, runIds: readonly string[]) {
  if (runIds.length === 0) return [];
  const rows = await queryRows<{ run_id: string; workers: number | string; units: number | string }>(
    db,
    sql`select r.id as run_id, (p.value->>'workers')::int as workers, (p.value->>'units_per_s')::float8 as units
        from benchmark_runs r
        cross join lateral jsonb_array_elements(r.results) as b(value)
        cross join lateral jsonb_array_elements(coalesce(b.value->'curve', '[]'::jsonb)) as p(value)
        where r.tenant_id = ${tenantId}::uuid and r.id = any(${sql.param([...runIds])}::uuid[])
          and b.value->>'name' = 'core_scaling'`,
  );
  return rows.map((r) => ({ runId: r.run_id, workers: Number(r.workers), unitsPerS: Number(r.units) }));
}

/** The collector the fleet's scores fall back to: the oldest one with a benchmark judged valid. */
export async function findFirstBenchmarkedCollector(db: Db, tenantId: string): Promise<string | undefined> {
  const rows = await db
    .select({ id: collectors.id })
    .from(collectors)
    .where(
      and(
        eq(collectors.tenantId, tenantId),
        sql`exists (select 1 from benchmark_runs r cross join lateral jsonb_array_elements(r.results) as b(value)
          where r.tenant_id = ${collectors.tenantId} and r.collector_id = ${collectors.id}
            and b.value->>'validity' = 'valid')`,
      ),
    )
    .orderBy(collectors.createdAt, collectors.id)
    .limit(1);
  return rows[0]?.id;
}

/** Collectors' names and hourly costs. */
export async function listCollectorFacts(db: Db, tenantId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: collectors.id, name: collectors.name, hourlyCost: collectors.hourlyCost })
    .from(collectors)
    .where(and(eq(collectors.tenantId, tenantId), inArray(collectors.id, [...ids])));
  return rows.map((r) => ({ ...r, hourlyCost: r.hourlyCost === null ? null : Number(r.hourlyCost) }));
}

/** Every collector of the tenant that has a run since `since`, with its name. */
export async function listBenchmarkedCollectors(db: Db, tenantId: string, since: Date) {
  return db
    .selectDistinct({ id: collectors.id, name: collectors.name })
    .from(collectors)
    .innerJoin(
      benchmarkRuns,
      and(eq(benchmarkRuns.tenantId, collectors.tenantId), eq(benchmarkRuns.collectorId, collectors.id)),
    )
    .where(
      and(eq(collectors.tenantId, tenantId), sql`${benchmarkRuns.finishedAt} >= ${since.toISOString()}::timestamptz`),
    );
}

/**
 * The drop alert share (%) of each collector: its own enabled schedule's, else an enabled fleet schedule's (the
 * newest wins), else none (the caller's default).
 */
export async function listDropAlertPcts(
  db: Db,
  tenantId: string,
): Promise<{ fleet: number | null; byCollector: Map<string, number> }> {
  const rows = await db
    .select({ collectorId: benchmarkSchedules.collectorId, pct: benchmarkSchedules.dropAlertPct })
    .from(benchmarkSchedules)
    .where(and(eq(benchmarkSchedules.tenantId, tenantId), eq(benchmarkSchedules.enabled, true)))
    .orderBy(desc(benchmarkSchedules.createdAt), desc(benchmarkSchedules.id));
  let fleet: number | null = null;
  const byCollector = new Map<string, number>();
  for (const row of rows) {
    if (row.collectorId === null) fleet ??= row.pct;
    else if (!byCollector.has(row.collectorId)) byCollector.set(row.collectorId, row.pct);
  }
  return { fleet, byCollector };
}
