import { sql } from 'drizzle-orm';
import { acrossTenants } from '../../../db/access-scope.ts';
import { type Db, queryRows } from '../../../db/client.ts';
import { isDuplicateTable, isUniqueViolation } from '../../../db/errors.ts';

/** Which retention setting governs a table, and how wide its partitions are. */
export const PARTITIONED = {
  metric_samples: { period: 'day', retention: 'raw' },
  metric_cpus: { period: 'day', retention: 'raw' },
  metric_disks: { period: 'day', retention: 'raw' },
  metric_net: { period: 'day', retention: 'raw' },
  metric_fs: { period: 'day', retention: 'raw' },
  metric_rollup_1m: { period: 'month', retention: '1m' },
  metric_rollup_1h: { period: 'month', retention: '1h' },
} as const;
export type PartitionedTable = keyof typeof PARTITIONED;
type Period = 'day' | 'month';

const DAY = 86_400;

/** Start (epoch s, UTC) of the partition holding `ts`. */
export function periodStart(ts: number, period: Period): number {
  if (period === 'day') return Math.floor(ts / DAY) * DAY;
  const d = new Date(ts * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

function periodEnd(start: number, period: Period): number {
  if (period === 'day') return start + DAY;
  const d = new Date(start * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

function partitionName(table: PartitionedTable, start: number, period: Period): string {
  const iso = new Date(start * 1000).toISOString();
  const stamp = period === 'day' ? iso.slice(0, 10).replaceAll('-', '') : iso.slice(0, 7).replace('-', '');
  return `${table}_p${stamp}`;
}

// Partitions known to exist, per database: ingest asks for them on every batch and must not hit the catalog each time.
const known = new WeakMap<Db, Set<string>>();

/**
 * Creates the partitions of `table` covering every timestamp in `timestamps` (idempotent, safe concurrently). As the
 * schema's owner, whoever asks (ingest asks for late data): only the owner may add a partition to a table.
 */
export async function ensurePartitions(db: Db, table: PartitionedTable, timestamps: Iterable<number>): Promise<void> {
  const { period } = PARTITIONED[table];
  let cache = known.get(db);
  if (!cache) {
    cache = new Set();
    known.set(db, cache);
  }
  const starts = new Set<number>();
  for (const ts of timestamps) starts.add(periodStart(ts, period));
  for (const start of starts) {
    const name = partitionName(table, start, period);
    if (cache.has(name)) continue;
    const from = new Date(start * 1000).toISOString();
    const to = new Date(periodEnd(start, period) * 1000).toISOString();
    try {
      await acrossTenants(() =>
        db.execute(
          sql.raw(
            `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "${table}" FOR VALUES FROM ('${from}') TO ('${to}')`,
          ),
        ),
      );
    } catch (err) {
      // Another process created it between our IF NOT EXISTS check and the insert into the catalog.
      if (!isUniqueViolation(err) && !isDuplicateTable(err)) throw err;
    }
    cache.add(name);
  }
}

/** Partitions of a table with their ranges, oldest first. */
export async function listPartitions(db: Db, table: PartitionedTable) {
  const { period } = PARTITIONED[table];
  const rows = await queryRows<{ name: string }>(
    db,
    sql`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = ${table}
    order by c.relname`,
  );
  return rows.flatMap(({ name }) => {
    const m = /_p(\d{4})(\d{2})(\d{2})?$/.exec(name);
    if (!m) return [];
    const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1) / 1000;
    return [{ name, start, end: periodEnd(start, period) }];
  });
}

export interface RetentionDays {
  raw: number;
  '1m': number;
  '1h': number;
}

/** The longest retention any active tenant asks for, per resolution: partitions older than that can go whole. */
export async function longestRetention(db: Db): Promise<RetentionDays> {
  const rows = await queryRows<{ raw: number | null; m: number | null; h: number | null }>(
    db,
    sql`
    select max(retention_raw_days) as raw, max(retention_1m_days) as m, max(retention_1h_days) as h from tenants`,
  );
  const row = rows[0];
  return { raw: row?.raw ?? 7, '1m': row?.m ?? 90, '1h': row?.h ?? 730 };
}

/**
 * Partitions entirely past the longest retention at `now`, device tables' before the host table's. Rollups are
 * dropped whole; raw days go through raw-expiry.ts, which keeps the rows of recordings.
 */
export async function expiredPartitions(
  db: Db,
  now = Date.now() / 1000,
  retention: RetentionDays | undefined = undefined,
): Promise<string[]> {
  retention ??= await longestRetention(db);
  const expired: string[] = [];
  for (const [table, { retention: key }] of Object.entries(PARTITIONED) as [
    PartitionedTable,
    { retention: keyof RetentionDays },
  ][]) {
    const cutoff = now - retention[key] * DAY;
    for (const p of await listPartitions(db, table)) if (p.end <= cutoff) expired.push(p.name);
  }
  // Host rows go last: a device row must never outlive its host row, or a late sample's device rows would collide.
  const hostLast = (name: string) => (name.startsWith('metric_samples_') ? 1 : 0);
  return expired.sort((a, b) => hostLast(a) - hostLast(b));
}

/** Creates the partitions of every table ahead of `now`: today and the next two days, this month and the next. */
export async function createPartitionsAhead(db: Db, now = Date.now() / 1000): Promise<number> {
  let created = 0;
  for (const [table, { period }] of Object.entries(PARTITIONED) as [PartitionedTable, { period: Period }][]) {
    const ahead =
      period === 'day' ? [now, now + DAY, now + 2 * DAY] : [now, periodEnd(periodStart(now, 'month'), 'month')];
    const before = (await listPartitions(db, table)).length;
    await ensurePartitions(db, table, ahead);
    created += (await listPartitions(db, table)).length - before;
  }
  return created;
}

/** Forgets the partitions this process knew of: the next ensurePartitions looks at the catalog again. */
export function forgetPartitions(db: Db, names?: readonly string[]): void {
  const cache = known.get(db);
  if (!names) cache?.clear();
  else for (const name of names) cache?.delete(name);
}

/** An insert found no partition for its row: another process dropped one this process believed was there. */
export function isMissingPartition(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === '23514' && typeof message === 'string' && message.includes('no partition of relation')) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export async function dropPartitions(db: Db, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (!/^metric_[a-z0-9_]+_p\d{6,8}$/.test(name)) throw new Error(`not a metric partition: ${name}`);
    await acrossTenants(() => db.execute(sql.raw(`DROP TABLE IF EXISTS "${name}"`)));
    known.get(db)?.delete(name);
  }
}
