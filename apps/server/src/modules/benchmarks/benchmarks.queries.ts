import { and, count, desc, eq, getTableColumns, ne, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { benchmarks, collectors, loadTestResults } from '../../db/schema.ts';

export type BenchmarkRow = typeof benchmarks.$inferSelect;
export type BenchmarkValues = Partial<Omit<typeof benchmarks.$inferInsert, 'tenantId' | 'id'>>;
export type BenchmarkWithCollector = BenchmarkRow & { collectorName: string };

function selectWithCollector(db: Db) {
  return db
    .select({ ...getTableColumns(benchmarks), collectorName: collectors.name })
    .from(benchmarks)
    .innerJoin(
      collectors,
      and(eq(collectors.tenantId, benchmarks.tenantId), eq(collectors.id, benchmarks.collectorId)),
    );
}

export async function listBenchmarks(
  db: Db,
  tenantId: string,
  opts: { limit: number; offset: number; status?: string; collectorId?: string },
) {
  const conditions: SQL[] = [eq(benchmarks.tenantId, tenantId)];
  if (opts.status) conditions.push(eq(benchmarks.status, opts.status));
  if (opts.collectorId) conditions.push(eq(benchmarks.collectorId, opts.collectorId));
  const where = and(...conditions);
  const [rows, total] = await Promise.all([
    selectWithCollector(db)
      .where(where)
      .orderBy(desc(benchmarks.createdAt), desc(benchmarks.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(benchmarks).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function findBenchmark(db: Db, tenantId: string, id: string): Promise<BenchmarkWithCollector | undefined> {
  const rows = await selectWithCollector(db)
    .where(and(eq(benchmarks.tenantId, tenantId), eq(benchmarks.id, id)))
    .limit(1);
  return rows[0];
}

export async function insertBenchmark(
  db: Db,
  tenantId: string,
  values: BenchmarkValues & { collectorId: string; name: string },
): Promise<BenchmarkRow> {
  const rows = await db
    .insert(benchmarks)
    .values({ ...values, tenantId })
    .returning();
  if (!rows[0]) throw new Error('insert returned no row');
  return rows[0];
}

export async function updateBenchmark(
  db: Db,
  tenantId: string,
  id: string,
  values: BenchmarkValues,
): Promise<BenchmarkRow | undefined> {
  const rows = await db
    .update(benchmarks)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(benchmarks.tenantId, tenantId), eq(benchmarks.id, id)))
    .returning();
  return rows[0];
}

/** Deletes a benchmark and detaches its load-test results (the reference's SET_NULL; the column has no FK). */
export async function deleteBenchmark(db: Db, tenantId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(benchmarks)
      .where(and(eq(benchmarks.tenantId, tenantId), eq(benchmarks.id, id)))
      .returning({ id: benchmarks.id });
    if (rows.length === 0) return false;
    await tx
      .update(loadTestResults)
      .set({ benchmarkId: null })
      .where(and(eq(loadTestResults.tenantId, tenantId), eq(loadTestResults.benchmarkId, id)));
    return true;
  });
}

const sumOf = (column: AnyPgColumn) => sql<number | null>`sum(${column})::float8`;
const countOf = (column: AnyPgColumn) => sql<number>`count(${column})::int`;

export type ScoreTotals = Record<'cpu' | 'memory' | 'disk' | 'network' | 'overall', { sum: number; n: number }>;

/**
 * Benchmarks per status; over the completed ones, the sums and counts of the typed-in scores (manual rows) and the
 * runs of the measured ones (source pcc), whose scores are computed when read.
 */
export async function summarizeBenchmarks(db: Db, tenantId: string) {
  const mine = eq(benchmarks.tenantId, tenantId);
  const completed = and(mine, eq(benchmarks.status, 'completed'));
  const [byStatus, typed, measured] = await Promise.all([
    db.select({ status: benchmarks.status, n: count() }).from(benchmarks).where(mine).groupBy(benchmarks.status),
    db
      .select({
        n: count(),
        cpu: sumOf(benchmarks.cpuScore),
        cpuN: countOf(benchmarks.cpuScore),
        memory: sumOf(benchmarks.memoryScore),
        memoryN: countOf(benchmarks.memoryScore),
        disk: sumOf(benchmarks.diskScore),
        diskN: countOf(benchmarks.diskScore),
        network: sumOf(benchmarks.networkScore),
        networkN: countOf(benchmarks.networkScore),
        overall: sumOf(benchmarks.overallScore),
        overallN: countOf(benchmarks.overallScore),
      })
      .from(benchmarks)
      .where(and(completed, ne(benchmarks.source, 'pcc'))),
    db
      .select({ runId: benchmarks.runId })
      .from(benchmarks)
      .where(and(completed, eq(benchmarks.source, 'pcc'))),
  ]);
  const c = typed[0];
  const total = (sum: number | string | null | undefined, n: number | string | undefined) => ({
    sum: Number(sum ?? 0),
    n: Number(n ?? 0),
  });
  const totals: ScoreTotals = {
    cpu: total(c?.cpu, c?.cpuN),
    memory: total(c?.memory, c?.memoryN),
    disk: total(c?.disk, c?.diskN),
    network: total(c?.network, c?.networkN),
    overall: total(c?.overall, c?.overallN),
  };
  return {
    byStatus: new Map(byStatus.map((r) => [r.status, r.n])),
    completed: (c?.n ?? 0) + measured.length,
    typed: totals,
    measuredRunIds: measured.flatMap((r) => (r.runId ? [r.runId] : [])),
  };
}
