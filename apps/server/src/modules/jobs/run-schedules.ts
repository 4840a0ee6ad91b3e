import { and, asc, eq, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { benchmarkSchedules } from '../../db/schema.ts';
import { ApiError } from '../../http/errors.ts';
import { collectorsWithUnfinishedJobs, type JobRow } from './jobs.queries.ts';
import { createJobs } from './jobs.service.ts';
import { listJobCollectors } from './schedules.queries.ts';

/** The first time after `now` on the schedule's grid (runs missed while the server was down are not made up). */
export function nextRunAfter(previous: Date, everyHours: number, now: Date): Date {
  const period = everyHours * 3_600_000;
  const k = Math.max(1, Math.floor((now.getTime() - previous.getTime()) / period) + 1);
  return new Date(previous.getTime() + k * period);
}

export interface ScheduledJobs {
  tenantId: string;
  scheduleId: string;
  jobs: JobRow[];
  /** Why nothing was started, when nothing was. */
  skipped?: string;
}

/**
 * Starts the due schedules' jobs, across tenants (the caller runs it as the owner): each due, enabled schedule gets
 * one job group — its server, or every server whose agent runs jobs — leaving out servers with a job of that profile
 * still queued or running (a schedule never piles up on itself), and moves to its next time. Rows are taken `for update skip locked`, so processes running this at once
 * share the due schedules instead of starting them twice.
 */
export async function runDueSchedulesForAllTenants(db: Db, now: Date, limit = 100): Promise<ScheduledJobs[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(benchmarkSchedules)
      .where(and(eq(benchmarkSchedules.enabled, true), lte(benchmarkSchedules.nextRunAt, now)))
      .orderBy(asc(benchmarkSchedules.nextRunAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const out: ScheduledJobs[] = [];
    for (const schedule of due) {
      const { tenantId } = schedule;
      await tx
        .update(benchmarkSchedules)
        .set({ nextRunAt: nextRunAfter(schedule.nextRunAt, schedule.everyHours, now) })
        .where(and(eq(benchmarkSchedules.tenantId, tenantId), eq(benchmarkSchedules.id, schedule.id)));
      const candidates = schedule.collectorId ? [schedule.collectorId] : await listJobCollectors(tx, tenantId);
      const busy = await collectorsWithUnfinishedJobs(tx, tenantId, candidates, schedule.profile);
      const ids = candidates.filter((id) => !busy.has(id));
      const entry: ScheduledJobs = { tenantId, scheduleId: schedule.id, jobs: [] };
      out.push(entry);
      if (ids.length === 0) {
        entry.skipped = candidates.length
          ? 'every server still has a job of this profile queued or running'
          : 'no server runs jobs';
        continue;
      }
      try {
        entry.jobs = await tx.transaction((inner) =>
          createJobs(inner, tenantId, { collector_ids: ids, profile: schedule.profile, createdBy: null }, now),
        );
      } catch (err) {
        // Its profile was deleted, or its server never asked for jobs: said in the log, tried again next time.
        if (!(err instanceof ApiError)) throw err;
        entry.skipped = JSON.stringify(err.body);
      }
    }
    return out;
  });
}
