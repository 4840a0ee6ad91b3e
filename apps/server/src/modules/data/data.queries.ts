import { and, count, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { collectedData, collectors, recordings } from '../../db/schema.ts';

export type CollectedDataRow = typeof collectedData.$inferSelect;
export type CollectedDataWithCollector = CollectedDataRow & { collectorName: string; recordingId: string | null };

/** The recording made of the file's series (metrics ingest makes at most one per upload). */
const recordingOf = sql<string | null>`(select ${recordings.id} from ${recordings}
  where ${recordings.tenantId} = ${collectedData.tenantId} and ${recordings.dataId} = ${collectedData.id} limit 1)`;

function selectWithCollector(db: Db) {
  return db
    .select({ ...getTableColumns(collectedData), collectorName: collectors.name, recordingId: recordingOf })
    .from(collectedData)
    .innerJoin(
      collectors,
      and(eq(collectors.tenantId, collectedData.tenantId), eq(collectors.id, collectedData.collectorId)),
    );
}

/** A collector's files, newest first. */
export async function listCollectedData(
  db: Db,
  tenantId: string,
  collectorId: string,
  opts: { limit: number; offset: number },
) {
  const where = and(eq(collectedData.tenantId, tenantId), eq(collectedData.collectorId, collectorId));
  const [rows, total] = await Promise.all([
    selectWithCollector(db)
      .where(where)
      .orderBy(desc(collectedData.createdAt), desc(collectedData.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(collectedData).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function findCollectedData(
  db: Db,
  tenantId: string,
  id: string,
): Promise<CollectedDataWithCollector | undefined> {
  const rows = await selectWithCollector(db)
    .where(and(eq(collectedData.tenantId, tenantId), eq(collectedData.id, id)))
    .limit(1);
  return rows[0];
}

export async function insertCollectedData(
  db: Db,
  tenantId: string,
  values: { id: string; collectorId: string; description: string; fileName: string; fileSize: number },
): Promise<CollectedDataRow> {
  const rows = await db
    .insert(collectedData)
    .values({ ...values, tenantId })
    .returning();
  if (!rows[0]) throw new Error('insert returned no row');
  return rows[0];
}

/** Deletes the file's record; the recording made of it stays (its series are what it is kept for), without a file. */
export async function deleteCollectedData(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(collectedData)
    .where(and(eq(collectedData.tenantId, tenantId), eq(collectedData.id, id)))
    .returning({ id: collectedData.id });
  if (rows.length > 0)
    await db
      .update(recordings)
      .set({ dataId: null })
      .where(and(eq(recordings.tenantId, tenantId), eq(recordings.dataId, id)));
  return rows.length > 0;
}

/** What parsing the file found: its records and the time they span. */
export async function updateCollectedDataSummary(
  db: Db,
  tenantId: string,
  id: string,
  summary: { rowCount: number; dataStart: Date | null; dataEnd: Date | null },
): Promise<void> {
  await db
    .update(collectedData)
    .set(summary)
    .where(and(eq(collectedData.tenantId, tenantId), eq(collectedData.id, id)));
}
