import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../../db/client.ts';
import { dropPartitions, forgetPartitions, listPartitions } from './partitions.ts';
import { LOCK_ORDER, RAW_TABLES } from './recording-series.ts';

/**
 * A raw day past the longest live retention is dropped whole, unless a recording overlaps it: then its rows outside
 * every recording of their (tenant, collector) are deleted, once, and its partitions are marked with this comment so
 * that later runs leave them alone (a recording's rows landing there later belong to it). A kept day whose
 * recordings are all deleted is dropped by the next run: it overlaps none any more.
 */
export const RECORDINGS_ONLY = 'xat: past retention, rows outside recordings deleted';

const DAY = 86_400;

export interface RawExpiry {
  /** Partitions dropped, device tables' before the host table's of each day. */
  dropped: string[];
  /** Partitions kept for recordings whose other rows were deleted (this run). */
  trimmed: string[];
}

/** The raw days ending at or before `cutoff` (epoch s) that have partitions: day start → its partitions. */
export async function expiredRawDays(db: Db, cutoff: number): Promise<Map<number, string[]>> {
  const days = new Map<number, string[]>();
  for (const table of RAW_TABLES)
    for (const p of await listPartitions(db, table))
      if (p.end <= cutoff) days.set(p.start, [...(days.get(p.start) ?? []), p.name]);
  return new Map([...days].sort((a, b) => a[0] - b[0]));
}

/** Rows outside every recording of their (tenant, collector), in one partition. */
const deleteOutside = (partition: string, tenants?: readonly string[]) =>
  sql`delete from ${sql.identifier(partition)} m
      where ${tenants ? sql`m.tenant_id = any(${sql.param([...tenants])}::uuid[])` : sql`true`}
        and not exists (
          select 1 from recordings r
          where r.tenant_id = m.tenant_id and r.collector_id = m.collector_id
            and m.ts >= r.started_at and m.ts <= r.ended_at)`;

/**
 * Expires raw days (as the owner, the caller's maintenance lock held). Each is judged in a short transaction that
 * first locks the raw tables against writes — in the flush's order — so no flush writes into a day between the
 * judgment and the drop, and a trickle session extended by a flush in flight is seen with its rows. A kept day is
 * then trimmed in a transaction of its own, without that lock: rows outside every recording cannot arrive there (live
 * data is refused past the raw retention), and a recording's rows written meanwhile are not in the deletion's
 * snapshot. Partitions are listed device tables first.
 */
export async function expireRawDays(db: Db, days: ReadonlyMap<number, readonly string[]>): Promise<RawExpiry> {
  const out: RawExpiry = { dropped: [], trimmed: [] };
  for (const [start, partitions] of days) {
    const verdict = await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      await txDb.execute(sql.raw(`lock table ${LOCK_ORDER.map((t) => `only "${t}"`).join(', ')} in share mode`));
      const overlap = await queryRows<{ kept: boolean }>(
        txDb,
        sql`select exists (
              select 1 from recordings
              where started_at < to_timestamp(${start + DAY}::float8) and ended_at >= to_timestamp(${start}::float8)
            ) as kept`,
      );
      if (overlap[0]?.kept) return 'kept';
      await dropPartitions(txDb, partitions);
      return 'dropped';
    });
    if (verdict === 'dropped') {
      forgetPartitions(db, partitions);
      out.dropped.push(...partitions);
    } else if (await trimDay(db, partitions)) out.trimmed.push(...partitions);
  }
  return out;
}

/** A kept day's rows outside every recording deleted and its partitions marked, unless marked already. */
async function trimDay(db: Db, partitions: readonly string[]): Promise<boolean> {
  const host = partitions.find((p) => p.startsWith('metric_samples_')) ?? partitions[0];
  const mark = await queryRows<{ c: string | null }>(
    db,
    sql`select obj_description(c.oid, 'pg_class') as c from pg_class c where c.relname = ${host}`,
  );
  if (mark[0]?.c === RECORDINGS_ONLY) return false;
  await db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    for (const p of partitions) {
      await txDb.execute(deleteOutside(p));
      await txDb.execute(sql.raw(`comment on table "${p}" is '${RECORDINGS_ONLY}'`));
    }
  });
  return true;
}

/**
 * Maintenance narrowed to some tenants (a test on a shared database, an operator): their rows outside their
 * recordings in the expired raw days are deleted; nothing is dropped or marked, other tenants are untouched.
 */
export async function expireRawDaysOf(
  db: Db,
  days: ReadonlyMap<number, readonly string[]>,
  tenants: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (const partitions of days.values())
    await db.transaction(async (tx) => {
      for (const p of partitions) {
        const rows = await queryRows<{ n: number }>(
          tx as unknown as Db,
          sql`with gone as (${deleteOutside(p, tenants)} returning 1) select count(*)::int as n from gone`,
        );
        if (p.startsWith('metric_samples_')) deleted += Number(rows[0]?.n ?? 0);
      }
    });
  return deleted;
}
