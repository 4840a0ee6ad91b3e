import { and, eq, min, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.ts';
import { collectors, jobs } from '../../db/schema.ts';
import type { JobRow } from './jobs.queries.ts';

export interface Claim {
  /** The job the agent runs now (status running), if one was due. */
  job?: JobRow;
  /** When the next queued job of the collector may start (a staggered one), if any. */
  nextAt?: Date;
}

/**
 * An agent's poll: records that it asks for jobs (and what it can do), then hands it the earliest due queued job of
 * its collector — unless one of its jobs is running already (one at a time). The collector's row is updated first and
 * so locked until the commit: two polls of one collector (in any processes) take turns, and the second sees the
 * first's claim. `skip locked` keeps a claim from waiting on a job row someone else is changing (a cancel).
 */
export async function claimNextJob(
  db: Db,
  tenantId: string,
  collectorId: string,
  capabilities: string,
  now: Date,
): Promise<Claim> {
  return db.transaction(async (tx) => {
    const polled = await tx
      .update(collectors)
      .set({ jobsPolledAt: now, agentCapabilities: capabilities.slice(0, 200) })
      .where(and(eq(collectors.tenantId, tenantId), eq(collectors.id, collectorId)))
      .returning({ id: collectors.id });
    if (!polled.length) return {};
    const running = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.tenantId, tenantId), eq(jobs.collectorId, collectorId), eq(jobs.status, 'running')))
      .limit(1);
    if (running.length) return {};
    const at = now.toISOString();
    const claimed = await queryRows<{ id: string }>(
      tx,
      sql`update ${jobs} set status = 'running', started_at = ${at}::timestamptz, heartbeat_at = ${at}::timestamptz
        where tenant_id = ${tenantId} and status = 'queued' and id = (
          select id from ${jobs}
          where tenant_id = ${tenantId} and collector_id = ${collectorId} and status = 'queued'
            and not_before <= ${at}::timestamptz
          order by not_before, created_at, id
          limit 1
          for update skip locked)
        returning id`,
    );
    const id = claimed[0]?.id;
    if (id) {
      const [job] = await tx
        .select()
        .from(jobs)
        .where(and(eq(jobs.tenantId, tenantId), eq(jobs.id, id)));
      return job ? { job } : {};
    }
    const [next] = await tx
      .select({ at: min(jobs.notBefore) })
      .from(jobs)
      .where(and(eq(jobs.tenantId, tenantId), eq(jobs.collectorId, collectorId), eq(jobs.status, 'queued')));
    return next?.at ? { nextAt: next.at } : {};
  });
}

/** A progress report (and heartbeat) of a running job; the row as it is afterwards, undefined if not this agent's. */
export async function recordProgress(
  db: Db,
  tenantId: string,
  collectorId: string,
  id: string,
  progress: Record<string, unknown>,
  now: Date,
): Promise<Pick<JobRow, 'status' | 'error'> | undefined> {
  const where = and(eq(jobs.tenantId, tenantId), eq(jobs.collectorId, collectorId), eq(jobs.id, id));
  const updated = await db
    .update(jobs)
    .set({ progress, heartbeatAt: now })
    .where(and(where, eq(jobs.status, 'running')))
    .returning({ status: jobs.status, error: jobs.error });
  if (updated[0]) return updated[0];
  const [row] = await db.select({ status: jobs.status, error: jobs.error }).from(jobs).where(where);
  return row;
}

export interface JobEnd {
  status: 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  resultId: string | null;
  /** Kept beside the last progress report: the agent's machine-readable reason (busy, locked, …). */
  errorCode: string | null;
}

/**
 * Ends a running job of this collector, in the caller's transaction after it locked the row (lockCollectorJob), so a
 * result is stored once however often the agent retries.
 */
export async function endJob(db: Db, tenantId: string, id: string, end: JobEnd, now: Date): Promise<void> {
  await db
    .update(jobs)
    .set({
      status: end.status,
      error: end.error,
      resultId: end.resultId,
      finishedAt: now,
      heartbeatAt: now,
      ...(end.errorCode
        ? {
            progress: sql`coalesce(${jobs.progress}, '{}'::jsonb) || ${JSON.stringify({ error_code: end.errorCode })}::jsonb`,
          }
        : {}),
    })
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.id, id)));
}

/** The job row of this collector, locked until the transaction ends. */
export async function lockCollectorJob(db: Db, tenantId: string, collectorId: string, id: string) {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.collectorId, collectorId), eq(jobs.id, id)))
    .for('update');
  return rows[0];
}
