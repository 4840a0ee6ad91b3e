import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../../db/client.ts';
import { deleteRecordingWithSeries } from './recording-series.ts';

// What the hourly maintenance does to recordings (the recordings table is read and written here as the partitions'
// keeper reads it; the recordings module builds on these, never the other way round).

/**
 * SQL: the median interval of the raw rows of the recording `alias` (a row of recordings in the statement) between
 * `start` and `end` (SQL expressions), null when it holds none: its typical interval, from its rows.
 */
export const medianIntervalSql = (alias: string, start = `${alias}.started_at`, end = `${alias}.ended_at`) =>
  `(select percentile_cont(0.5) within group (order by m.interval_seconds) from metric_samples m
     where m.tenant_id = ${alias}.tenant_id and m.collector_id = ${alias}.collector_id
       and m.ts >= ${start} and m.ts <= ${end})`;

export interface CompletedSession {
  id: string;
  tenantId: string;
  collectorId: string;
  name: string;
  sampleCount: number;
}

/**
 * Completes the active trickle sessions whose last data arrived (wall clock) longer ago than the timeout — the
 * tenant's trickle_session_timeout_minutes unless `timeoutMinutes` is given — at `now` (epoch s). All tenants the
 * caller's access sees, or only `tenantId`. A session a flush is extending right now (its row locked) is skipped:
 * it is not silent. Its typical interval is taken again from its rows. Returns what was completed.
 */
export async function completeSilentSessions(
  db: Db,
  opts: { tenantId?: string; timeoutMinutes?: number; now?: number } = {},
): Promise<CompletedSession[]> {
  const now = opts.now ?? Date.now() / 1000;
  const timeout = opts.timeoutMinutes ?? null;
  const rows = await queryRows<{ id: string; t: string; c: string; name: string; n: number }>(
    db,
    sql`with silent as (
          select r.tenant_id, r.id from recordings r join tenants t on t.id = r.tenant_id
          where r.source = 'trickle' and r.status = 'active'
            and ${opts.tenantId ? sql`r.tenant_id = ${opts.tenantId}::uuid` : sql`true`}
            and coalesce(r.last_data_at, r.updated_at) < to_timestamp(${now}::float8)
              - make_interval(mins => coalesce(${timeout}::int, t.trickle_session_timeout_minutes))
          order by r.tenant_id, r.collector_id, r.id
          for update of r skip locked)
        update recordings r set status = 'completed', updated_at = now(),
          interval_seconds = coalesce(${sql.raw(medianIntervalSql('r'))}, r.interval_seconds)
        from silent where r.tenant_id = silent.tenant_id and r.id = silent.id
        returning r.id::text as id, r.tenant_id::text as t, r.collector_id::text as c, r.name, r.sample_count as n`,
  );
  return rows.map((r) => ({ id: r.id, tenantId: r.t, collectorId: r.c, name: r.name, sampleCount: Number(r.n) }));
}

/**
 * Deletes, with their series, the completed recordings kept longer than their tenant's recordings_retention_days —
 * counted from when XAT got them (created_at), not from their data: an upload of last year's run is kept that many days
 * from its upload, not deleted at once (tenants without a setting keep them; an active session is still growing): all
 * tenants the caller's access sees, or only `tenants`. Returns how many.
 */
export async function deleteExpiredRecordings(db: Db, now: number, tenants?: readonly string[]): Promise<number> {
  const expired = await queryRows<{ id: string; t: string }>(
    db,
    sql`select r.id::text as id, r.tenant_id::text as t from recordings r join tenants t on t.id = r.tenant_id
        where t.recordings_retention_days is not null and r.status = 'completed'
          and ${tenants ? sql`r.tenant_id = any(${sql.param([...tenants])}::uuid[])` : sql`true`}
          and r.created_at < to_timestamp(${now}::float8) - make_interval(days => t.recordings_retention_days)
        order by r.tenant_id, r.created_at`,
  );
  let deleted = 0;
  for (const r of expired) if (await deleteRecordingWithSeries(db, r.t, r.id, now * 1000)) deleted++;
  return deleted;
}
