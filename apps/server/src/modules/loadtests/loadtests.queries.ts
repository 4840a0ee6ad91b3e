import { and, count, desc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { collectors, loadTestResults } from '../../db/schema.ts';

export type LoadTestRow = typeof loadTestResults.$inferSelect;
export type LoadTestValues = Partial<Omit<typeof loadTestResults.$inferInsert, 'tenantId' | 'id'>>;
export type LoadTestWithCollector = LoadTestRow & { collectorName: string };

function selectWithCollector(db: Db) {
  return db
    .select({ ...getTableColumns(loadTestResults), collectorName: collectors.name })
    .from(loadTestResults)
    .innerJoin(
      collectors,
      and(eq(collectors.tenantId, loadTestResults.tenantId), eq(collectors.id, loadTestResults.collectorId)),
    );
}

const newestFirst = [desc(loadTestResults.createdAt), desc(loadTestResults.id)];

export async function listLoadTests(
  db: Db,
  tenantId: string,
  opts: { limit: number; offset: number; collectorId?: string },
) {
  const conditions: SQL[] = [eq(loadTestResults.tenantId, tenantId)];
  if (opts.collectorId) conditions.push(eq(loadTestResults.collectorId, opts.collectorId));
  const where = and(...conditions);
  const [rows, total] = await Promise.all([
    selectWithCollector(db)
      .where(where)
      .orderBy(...newestFirst)
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(loadTestResults).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function findLoadTest(db: Db, tenantId: string, id: string): Promise<LoadTestWithCollector | undefined> {
  const rows = await selectWithCollector(db)
    .where(and(eq(loadTestResults.tenantId, tenantId), eq(loadTestResults.id, id)))
    .limit(1);
  return rows[0];
}

/** The newest result of each of the given collectors (one query); collectors without results are absent. */
export async function listLatestLoadTests(db: Db, tenantId: string, collectorIds: readonly string[]) {
  if (collectorIds.length === 0) return [];
  return db
    .selectDistinctOn([loadTestResults.collectorId])
    .from(loadTestResults)
    .where(
      and(
        eq(loadTestResults.tenantId, tenantId),
        sql`${loadTestResults.collectorId} = any(${sql.param([...collectorIds])}::uuid[])`,
      ),
    )
    .orderBy(loadTestResults.collectorId, ...newestFirst);
}

export async function insertLoadTest(
  db: Db,
  tenantId: string,
  values: LoadTestValues & { collectorId: string },
): Promise<LoadTestRow> {
  const rows = await db
    .insert(loadTestResults)
    .values({ ...values, tenantId })
    .returning();
  if (!rows[0]) throw new Error('insert returned no row');
  return rows[0];
}

export async function updateLoadTest(
  db: Db,
  tenantId: string,
  id: string,
  values: LoadTestValues,
): Promise<LoadTestRow | undefined> {
  const rows = await db
    .update(loadTestResults)
    .set(values)
    .where(and(eq(loadTestResults.tenantId, tenantId), eq(loadTestResults.id, id)))
    .returning();
  return rows[0];
}

export async function deleteLoadTest(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(loadTestResults)
    .where(and(eq(loadTestResults.tenantId, tenantId), eq(loadTestResults.id, id)))
    .returning({ id: loadTestResults.id });
  return rows.length > 0;
}
