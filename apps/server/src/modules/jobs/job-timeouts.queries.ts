import { JOB_HEARTBEAT_TIMEOUT_SECONDS, JOB_PICKUP_TIMEOUT_SECONDS } from '@xat/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.ts';
import { jobs } from '../../db/schema.ts';

export const AGENT_GONE = `The agent stopped reporting: nothing heard from it for ${JOB_HEARTBEAT_TIMEOUT_SECONDS} s.`;
export const NOT_PICKED_UP = `No agent picked it up within ${JOB_PICKUP_TIMEOUT_SECONDS / 60} min of its start time.`;

/**
 * Ends the jobs that can no longer end by themselves, as of `now`: running ones whose agent has been silent for
 * JOB_HEARTBEAT_TIMEOUT_SECONDS or that ran past their timeout_seconds, and queued ones no agent took within
 * JOB_PICKUP_TIMEOUT_SECONDS of not_before. They become `timed_out` with the reason in `error` — except a running job
 * someone had asked to cancel, which is `cancelled`. One statement: safe to run from any number of processes at once.
 */
function sweep(db: Db, tenantFilter: SQL, now: Date) {
  const at = now.toISOString();
  const silentSince = new Date(now.getTime() - JOB_HEARTBEAT_TIMEOUT_SECONDS * 1000).toISOString();
  const unclaimedSince = new Date(now.getTime() - JOB_PICKUP_TIMEOUT_SECONDS * 1000).toISOString();
  const silent = sql`coalesce(heartbeat_at, started_at) < ${silentSince}::timestamptz`;
  const overdue = sql`started_at + timeout_seconds * interval '1 second' < ${at}::timestamptz`;
  return queryRows<{ tenant_id: string; id: string; status: string }>(
    db,
    sql`update ${jobs} set
        status = case when status = 'running' and error is not null then 'cancelled' else 'timed_out' end,
        finished_at = ${at}::timestamptz,
        error = case
          when status = 'queued' then ${NOT_PICKED_UP}
          when error is not null then error
          when ${silent} then ${AGENT_GONE}
          else 'It ran past its timeout of ' || timeout_seconds || ' s.' end
      where ${tenantFilter} and (
        (status = 'running' and (${silent} or ${overdue}))
        or (status = 'queued' and not_before < ${unclaimedSince}::timestamptz))
      returning tenant_id, id, status`,
  );
}

/** The sweep for one tenant (on its requests). */
export const sweepJobTimeouts = (db: Db, tenantId: string, now: Date) => sweep(db, sql`tenant_id = ${tenantId}`, now);

/** The sweep over every tenant (the server's timer, as the owner). */
export const sweepJobTimeoutsForAllTenants = (db: Db, now: Date) => sweep(db, sql`true`, now);
