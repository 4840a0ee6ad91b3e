import { and, asc, count, eq, getTableColumns, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { benchmarkSchedules, collectors } from '../../db/schema.ts';

export type ScheduleRow = typeof benchmarkSchedules.$inferSelect;
export type ScheduleValues = Partial<Omit<typeof benchmarkSchedules.$inferInsert, 'tenantId' | 'id'>>;
export type ScheduleWithName = ScheduleRow & { collectorName: string | null };

function selectWithName(db: Db) {
  return db
    .select({ ...getTableColumns(benchmarkSchedules), collectorName: collectors.name })
    .from(benchmarkSchedules)
    .leftJoin(
      collectors,
      and(eq(collectors.tenantId, benchmarkSchedules.tenantId), eq(collectors.id, benchmarkSchedules.collectorId)),
    );
}

export async function listSchedules(db: Db, tenantId: string, page: { limit: number; offset: number }) {
  const where = eq(benchmarkSchedules.tenantId, tenantId);
  const [rows, total] = await Promise.all([
    selectWithName(db)
      .where(where)
      .orderBy(asc(benchmarkSchedules.nextRunAt), asc(benchmarkSchedules.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(benchmarkSchedules).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function findSchedule(db: Db, tenantId: string, id: string): Promise<ScheduleWithName | undefined> {
  const rows = await selectWithName(db)
    .where(and(eq(benchmarkSchedules.tenantId, tenantId), eq(benchmarkSchedules.id, id)))
    .limit(1);
  return rows[0];
}

export async function insertSchedule(
  db: Db,
  tenantId: string,
  values: ScheduleValues & Pick<ScheduleRow, 'profile' | 'everyHours' | 'nextRunAt'>,
): Promise<ScheduleRow> {
  const [row] = await db
    .insert(benchmarkSchedules)
    .values({ ...values, tenantId })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateSchedule(db: Db, tenantId: string, id: string, values: ScheduleValues) {
  const rows = await db
    .update(benchmarkSchedules)
    .set(values)
    .where(and(eq(benchmarkSchedules.tenantId, tenantId), eq(benchmarkSchedules.id, id)))
    .returning({ id: benchmarkSchedules.id });
  return rows.length > 0;
}

export async function deleteSchedule(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(benchmarkSchedules)
    .where(and(eq(benchmarkSchedules.tenantId, tenantId), eq(benchmarkSchedules.id, id)))
    .returning({ id: benchmarkSchedules.id });
  return rows.length > 0;
}

/** The tenant's collectors whose agent runs jobs (it has asked for one): a fleet schedule's servers. */
export async function listJobCollectors(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .select({ id: collectors.id })
    .from(collectors)
    .where(and(eq(collectors.tenantId, tenantId), isNotNull(collectors.jobsPolledAt)))
    .orderBy(asc(collectors.name));
  return rows.map((r) => r.id);
}
