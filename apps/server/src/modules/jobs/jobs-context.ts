import type { Db } from '../../db/client.ts';
import { sweepJobTimeouts } from './job-timeouts.queries.ts';
import type { JobWaiters } from './job-waiters.ts';

/** What the jobs routes share: the clock, the waiting long polls, and the throttled timeout sweep. */
export interface JobsContext {
  readonly now: () => Date;
  readonly waiters: JobWaiters;
  /** Ends the tenant's jobs that timed out, at most once every few seconds per tenant (this process). */
  sweep(tenantId: string): Promise<void>;
}

/** At most one sweep per tenant this often, on its requests (polls, lists, shows). */
const SWEEP_EVERY_MS = 5000;

export function createJobsContext(db: Db, waiters: JobWaiters, now: () => Date = () => new Date()): JobsContext {
  const last = new Map<string, number>();
  return {
    now,
    waiters,
    async sweep(tenantId) {
      const at = now();
      const previous = last.get(tenantId);
      if (previous !== undefined && Math.abs(at.getTime() - previous) < SWEEP_EVERY_MS) return;
      last.set(tenantId, at.getTime());
      if (last.size > 10_000) last.clear();
      await sweepJobTimeouts(db, tenantId, at);
    },
  };
}
