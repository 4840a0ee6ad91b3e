import { and, asc, count, desc, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { collectors, jobs, users } from '../../db/schema.ts';

export type JobRow = typeof jobs.$inferSelect;
export type JobInsert = Omit<typeof jobs.$inferInsert, 'tenantId'>;
export type JobWithNames = JobRow & { collectorName: string; createdByName: string | null };

/** Jobs still to run or running: at most one running per collector, any number queued. */
export const UNFINISHED = ['queued', 'running'] as const;

function selectWithNames(db: Db) {
  return db
    .select({ ...getTableColumns(jobs), collectorName: collectors.name, createdByName: users.username })
    .from(jobs)
    .innerJoin(collectors, and(eq(collectors.tenantId, jobs.tenantId), eq(collectors.id, jobs.collectorId)))
    .leftJoin(users, and(eq(users.tenantId, jobs.tenantId), eq(users.id, jobs.createdBy)));
}

export async function insertJobs(db: Db, tenantId: string, values: readonly JobInsert[]): Promise<JobRow[]> {
  if (values.length === 0) return [];
  return db
    .insert(jobs)
    .values(values.map((v) => ({ ...v, tenantId })))
    .returning();
}

export interface JobFilter {
  limit: number;
  offset: number;
  collectorId?: string;
  groupId?: string;
  status?: string;
}

export async function listJobs(db: Db, tenantId: string, filter: JobFilter) {
  const conditions: SQL[] = [eq(jobs.tenantId, tenantId)];
  if (filter.collectorId) conditions.push(eq(jobs.collectorId, filter.collectorId));
  if (filter.groupId) conditions.push(eq(jobs.groupId, filter.groupId));
  if (filter.status) conditions.push(eq(jobs.status, filter.status));
  const where = and(...conditions);
  const [rows, total] = await Promise.all([
    selectWithNames(db)
      .where(where)
      .orderBy(desc(jobs.createdAt), asc(jobs.notBefore), desc(jobs.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ n: count() }).from(jobs).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

/** A group's jobs in the order they were asked for (not_before follows the stagger). */
export async function listGroupJobs(db: Db, tenantId: string, groupId: string): Promise<JobWithNames[]> {
  return selectWithNames(db)
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.groupId, groupId)))
    .orderBy(asc(jobs.notBefore), asc(jobs.createdAt), asc(jobs.id));
}

export async function findJob(db: Db, tenantId: string, id: string): Promise<JobWithNames | undefined> {
  const rows = await selectWithNames(db)
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.id, id)))
    .limit(1);
  return rows[0];
}

/** A job of this collector (an agent sees its own jobs only). */
export async function findCollectorJob(db: Db, tenantId: string, collectorId: string, id: string) {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.id, id), eq(jobs.collectorId, collectorId)))
    .limit(1);
  return rows[0];
}

/** The collectors among these that have a queued or running job of this profile. */
export async function collectorsWithUnfinishedJobs(
  db: Db,
  tenantId: string,
  collectorIds: readonly string[],
  profile: string,
) {
  if (collectorIds.length === 0) return new Set<string>();
  const rows = await db
    .selectDistinct({ id: jobs.collectorId })
    .from(jobs)
    .where(
      and(
        eq(jobs.tenantId, tenantId),
        eq(jobs.profile, profile),
        inArray(jobs.status, [...UNFINISHED]),
        sql`${jobs.collectorId} = any(${sql.param([...collectorIds])}::uuid[])`,
      ),
    );
  return new Set(rows.map((r) => r.id));
}

/**
 * Cancels a job: a queued one at once; a running one is marked (its `error` says who asked) and stays running until
 * its agent, told on its next progress report, stops and says so. A finished job is left as it is.
 */
export async function cancelJob(db: Db, tenantId: string, id: string, reason: string, now: Date): Promise<void> {
  await db
    .update(jobs)
    .set({
      status: sql`case when ${jobs.status} = 'queued' then 'cancelled' else ${jobs.status} end`,
      finishedAt: sql`case when ${jobs.status} = 'queued' then ${now.toISOString()}::timestamptz else null end`,
      error: reason,
    })
    .where(
      and(
        eq(jobs.tenantId, tenantId),
        eq(jobs.id, id),
        sql`(${jobs.status} = 'queued' or (${jobs.status} = 'running' and ${jobs.error} is null))`,
      ),
    );
}

/** A running job whose `error` is set was asked to stop (cancelJob). */
export const cancelRequested = (row: Pick<JobRow, 'status' | 'error'>) =>
  row.status !== 'running' || row.error !== null;
