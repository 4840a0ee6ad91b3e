import type { Database } from '../../db/database.ts';
import { sweepJobTimeouts } from './job-timeouts.queries.ts';
import type { JobWaiters } from './job-waiters.ts';
import { type JobWake, jobWake } from './job-wake.ts';

/** What the jobs routes share: the clock, the waiting long polls, and the throttled timeout sweep. */
export interface JobsContext {
  readonly now: () => Date;
  readonly waiters: JobWaiters;
  /** Reaches the waiting polls of the other server processes on the database. */
  readonly wake: JobWake;
  /** Jobs were queued for these collectors: their waiting polls look again, in this process and the others. */
  jobsQueued(tenantId: string, collectorIds: readonly string[]): void;
  /** Ends the tenant's jobs that timed out, at most once every few seconds per tenant (this process). */
  sweep(tenantId: string): Promise<void>;
}

/** At most one sweep per tenant this often, on its requests (polls, lists, shows). */
const SWEEP_EVERY_MS = 5000;

export function createJobsContext(
  database: Database,
  waiters: JobWaiters,
  now: () => Date = () => new Date(),
  onAnnounceError: (err: unknown) => void = () => undefined,
): JobsContext {
  const last = new Map<string, number>();
  const wake = jobWake(database);
  return {
    now,
    waiters,
    wake,
    jobsQueued(tenantId, collectorIds) {
      if (collectorIds.length === 0) return;
      waiters.wake(tenantId, collectorIds);
      // The jobs are stored: a failed announcement only means the other processes' polls find them a little later.
      wake.announce(tenantId, collectorIds).catch(onAnnounceError);
    },
    async sweep(tenantId) {
      const at = now();
      const previous = last.get(tenantId);
      if (previous !== undefined && Math.abs(at.getTime() - previous) < SWEEP_EVERY_MS) return;
      last.set(tenantId, at.getTime());
      if (last.size > 10_000) last.clear();
      await sweepJobTimeouts(database.db, tenantId, at);
    },
  };
}
