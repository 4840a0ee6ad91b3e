import { HOST_FIELDS } from '@xat/contracts';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../../db/client.ts';
import { DEVICE_TABLES, ROLLUPS } from './flush-statement.ts';

/** What deleting a recording's series needs of it (a row of `recordings`). */
export interface RecordingWindow {
  id: string;
  collectorId: string;
  source: string;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** Host rows after device rows: a device row never outlives its host row (flush-statement.ts, `d0`…`d3`). */
export const RAW_TABLES = [...DEVICE_TABLES.map((d) => d.table), 'metric_samples'] as const;
/** The raw tables in the order a flush's statement locks them (host first): whoever else locks them goes the same way. */
export const LOCK_ORDER = ['metric_samples', ...DEVICE_TABLES.map((d) => d.table)] as const;

const epoch = (d: Date) => d.getTime() / 1000;

/**
 * Deletes a recording's series: the raw rows (device tables, then host rows) of its collector in its window, except
 * those also inside another recording of the same collector, then rebuilds the 1 m and 1 h buckets overlapping the
 * window from the raw rows that remain. In one transaction, so a device row never outlives its host row.
 *
 * A `live` recording only kept a window of live series: deleting it releases the window — the rows stay under the
 * tenant's live raw retention, and only those already past it (kept by the recording alone) are deleted.
 *
 * The recording's row is left as it is (deleteRecordingWithSeries deletes both). A rebuilt bucket counts the raw
 * rows left in it, so a bucket across the window's edge whose other raw rows were already past their retention keeps
 * only what is left. Returns the host rows deleted.
 */
export async function deleteRecordingSeries(
  db: Db,
  tenantId: string,
  recording: RecordingWindow,
  nowMs = Date.now(),
): Promise<{ deleted: number }> {
  const to = await deletableUntil(db, tenantId, recording, nowMs);
  if (to === undefined) return { deleted: 0 };
  return db.transaction(async (tx) => ({ deleted: await deleteRows(tx as unknown as Db, tenantId, recording, to) }));
}

/**
 * Deletes a recording and its series (deleteRecordingSeries) in one transaction; false when there is no such
 * recording (another tenant's, or deleted meanwhile by someone else).
 */
export async function deleteRecordingWithSeries(
  db: Db,
  tenantId: string,
  id: string,
  nowMs = Date.now(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    const rows = await queryRows<{
      id: string;
      c: string;
      source: string;
      s: Date | string | null;
      e: Date | string | null;
    }>(
      txDb,
      sql`delete from recordings where tenant_id = ${tenantId}::uuid and id = ${id}::uuid
          returning id::text, collector_id::text as c, source, started_at as s, ended_at as e`,
    );
    const row = rows[0];
    if (!row) return false;
    const date = (v: Date | string | null) => (v === null ? null : new Date(v));
    const recording = {
      id: row.id,
      collectorId: row.c,
      source: row.source,
      startedAt: date(row.s),
      endedAt: date(row.e),
    };
    const to = await deletableUntil(txDb, tenantId, recording, nowMs);
    if (to !== undefined) await deleteRows(txDb, tenantId, recording, to);
    return true;
  });
}

/** The end of the window whose rows go: a live recording's stops at its tenant's raw retention; undefined: none. */
async function deletableUntil(db: Db, tenantId: string, recording: RecordingWindow, nowMs: number) {
  if (!recording.startedAt || !recording.endedAt) return undefined;
  let to = epoch(recording.endedAt);
  if (recording.source === 'live') {
    const days = await queryRows<{ days: number }>(
      db,
      sql`select retention_raw_days as days from tenants where id = ${tenantId}::uuid`,
    );
    to = Math.min(to, nowMs / 1000 - Number(days[0]?.days ?? 7) * 86_400);
  }
  return to < epoch(recording.startedAt) ? undefined : to;
}

/** In the caller's transaction: the raw rows of [start, to] no other recording holds, then the rollups rebuilt. */
async function deleteRows(db: Db, tenantId: string, recording: RecordingWindow, to: number): Promise<number> {
  const from = epoch(recording.startedAt as Date);
  // The parents in the flush's and maintenance's order (host table first): no deadlock with either.
  await db.execute(sql.raw(`lock table ${LOCK_ORDER.map((t) => `only "${t}"`).join(', ')} in row exclusive mode`));
  let deleted = 0;
  for (const table of RAW_TABLES) {
    const rows = await queryRows<{ n: number }>(
      db,
      sql`with gone as (
            delete from ${sql.identifier(table)} m
            where m.tenant_id = ${tenantId}::uuid and m.collector_id = ${recording.collectorId}::uuid
              and m.ts >= to_timestamp(${from}::float8) and m.ts <= to_timestamp(${to}::float8)
              and not exists (
                select 1 from recordings r
                where r.tenant_id = m.tenant_id and r.collector_id = m.collector_id and r.id <> ${recording.id}::uuid
                  and m.ts >= r.started_at and m.ts <= r.ended_at)
            returning 1)
          select count(*)::int as n from gone`,
    );
    if (table === 'metric_samples') deleted = Number(rows[0]?.n ?? 0);
  }
  if (deleted > 0) await rebuildRollups(db, tenantId, recording.collectorId, from, to);
  return deleted;
}

const AGGREGATES = HOST_FIELDS.map((f) => `coalesce(sum("${f}"), 0), count("${f}")::int, max("${f}")`).join(', ');
const ROLLUP_COLUMNS = HOST_FIELDS.map((f) => `"sum_${f}", "n_${f}", "max_${f}"`).join(', ');

/**
 * The collector's 1 m and 1 h buckets overlapping [from, to] computed again from its raw rows. Only buckets that
 * exist are rebuilt: one whose month partition is gone (past its retention) stays gone.
 */
export async function rebuildRollups(db: Db, tenantId: string, collectorId: string, from: number, to: number) {
  for (const { table, seconds } of ROLLUPS) {
    const first = Math.floor(from / seconds) * seconds;
    const last = Math.floor(to / seconds) * seconds;
    const gone = await queryRows<{ b: number }>(
      db,
      sql`delete from ${sql.identifier(table)}
          where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid
            and bucket >= to_timestamp(${first}::float8) and bucket <= to_timestamp(${last}::float8)
          returning extract(epoch from bucket)::float8 as b`,
    );
    if (gone.length === 0) continue;
    const buckets = gone.map((g) => Number(g.b));
    const bin = sql.raw(`date_bin('${seconds} seconds', ts, timestamptz 'epoch')`);
    await db.execute(
      sql`insert into ${sql.identifier(table)} (tenant_id, collector_id, bucket, samples, ${sql.raw(ROLLUP_COLUMNS)})
          select tenant_id, collector_id, ${bin}, count(*)::int, ${sql.raw(AGGREGATES)}
          from metric_samples
          where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid
            and ts >= to_timestamp(${first}::float8) and ts < to_timestamp(${last + seconds}::float8)
            and extract(epoch from ${bin})::float8 = any(${sql.param(buckets)}::float8[])
          group by 1, 2, 3 order by 1, 2, 3`,
    );
  }
}
