import { and, count, desc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
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

const avgOf = (column: AnyPgColumn) => sql<number | null>`avg(${column})::float8`;

/** Benchmarks per status, and score averages over completed benchmarks (null where no completed one has a score). */
export async function summarizeBenchmarks(db: Db, tenantId: string) {
  const mine = eq(benchmarks.tenantId, tenantId);
  const [byStatus, completed] = await Promise.all([
    db.select({ status: benchmarks.status, n: count() }).from(benchmarks).where(mine).groupBy(benchmarks.status),
    db
      .select({
        n: count(),
        cpu: avgOf(benchmarks.cpuScore),
        memory: avgOf(benchmarks.memoryScore),
        disk: avgOf(benchmarks.diskScore),
        network: avgOf(benchmarks.networkScore),
        overall: avgOf(benchmarks.overallScore),
      })
      .from(benchmarks)
      .where(and(mine, eq(benchmarks.status, 'completed'))),
  ]);
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  const c = completed[0];
  return {
    byStatus: new Map(byStatus.map((r) => [r.status, r.n])),
    completed: c?.n ?? 0,
    averages: {
      cpu: num(c?.cpu),
      memory: num(c?.memory),
      disk: num(c?.disk),
      network: num(c?.network),
      overall: num(c?.overall),
    },
  };
}
