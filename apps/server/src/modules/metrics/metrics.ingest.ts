import { CPU_FIELDS, DISK_FIELDS, FS_FIELDS, HOST_FIELDS, type MetricSample, NET_FIELDS } from '@xat/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.ts';
import { ensurePartitions, type PartitionedTable } from './partitions.ts';

export interface IngestResult {
  written: number;
  duplicates: number;
}

type Column = { name: string; type: 'float8' | 'int4' | 'text'; values: unknown[] };

/**
 * INSERT … SELECT FROM unnest(arrays): one statement and one round trip for any number of rows, on PGlite and
 * PostgreSQL alike. Rows whose key exists are skipped; returns the timestamps actually written.
 */
async function insertUnnest(
  db: Db,
  table: PartitionedTable,
  tenantId: string,
  collectorId: string,
  ts: number[],
  columns: Column[],
): Promise<number[]> {
  if (ts.length === 0) return [];
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`);
  const arrays: SQL[] = [sql`${sql.param(ts)}::float8[]`];
  for (const c of columns) arrays.push(sql`${sql.param(c.values)}::${sql.raw(c.type)}[]`);
  const rows = await queryRows<{ t: number }>(
    db,
    sql`
    insert into ${sql.identifier(table)} (tenant_id, collector_id, ts${sql.raw(names ? `, ${names}` : '')})
    select ${tenantId}::uuid, ${collectorId}::uuid, to_timestamp(u.t)${sql.raw(aliases.map((a) => `, u.${a}`).join(''))}
    from unnest(${sql.join(arrays, sql`, `)}) as u(t${sql.raw(aliases.map((a) => `, ${a}`).join(''))})
    on conflict do nothing
    returning extract(epoch from ts)::float8 as t`,
  );
  return rows.map((r) => Number(r.t));
}

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One row per (sample, device) for the samples that were written, as columnar arrays. */
function deviceRows<D extends Record<string, unknown>>(
  samples: readonly MetricSample[],
  pick: (s: MetricSample) => readonly D[] | undefined,
  key: { name: string; type: 'int4' | 'text'; of: (d: D) => unknown },
  fields: readonly string[],
) {
  const ts: number[] = [];
  const keys: unknown[] = [];
  const values = fields.map(() => [] as unknown[]);
  for (const s of samples) {
    const seen = new Set<unknown>();
    for (const d of pick(s) ?? []) {
      const k = key.of(d);
      if (seen.has(k)) continue; // a device listed twice in one sample: keep the first
      seen.add(k);
      ts.push(s.timestamp);
      keys.push(k);
      fields.forEach((f, i) => values[i]?.push(numberOrNull(d[f])));
    }
  }
  const columns: Column[] = [
    { name: key.name, type: key.type, values: keys },
    ...fields.map((f, i) => ({ name: f, type: 'float8' as const, values: values[i] ?? [] })),
  ];
  return { ts, columns };
}

const ROLLUPS = [
  { table: 'metric_rollup_1m', seconds: 60 },
  { table: 'metric_rollup_1h', seconds: 3600 },
] as const;

/** Recomputes the 1-minute and 1-hour buckets touching [minTs, maxTs] from the raw rows (late data included). */
async function refreshRollups(db: Db, tenantId: string, collectorId: string, minTs: number, maxTs: number) {
  for (const { table, seconds } of ROLLUPS) {
    const from = Math.floor(minTs / seconds) * seconds;
    const to = Math.floor(maxTs / seconds) * seconds + seconds;
    const aggregates = HOST_FIELDS.map((f) => `avg("${f}"), max("${f}")`).join(', ');
    const columns = HOST_FIELDS.map((f) => `"avg_${f}", "max_${f}"`).join(', ');
    const updates = HOST_FIELDS.map((f) => `"avg_${f}" = excluded."avg_${f}", "max_${f}" = excluded."max_${f}"`).join(
      ', ',
    );
    await db.execute(sql`
      insert into ${sql.identifier(table)} (tenant_id, collector_id, bucket, samples, ${sql.raw(columns)})
      select tenant_id, collector_id, to_timestamp(floor(extract(epoch from ts) / ${seconds}) * ${seconds}) as bucket,
             count(*)::int, ${sql.raw(aggregates)}
      from metric_samples
      where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid
        and ts >= to_timestamp(${from}) and ts < to_timestamp(${to})
      group by tenant_id, collector_id, bucket
      on conflict (tenant_id, collector_id, bucket) do update set samples = excluded.samples, ${sql.raw(updates)}`);
  }
}

/**
 * Stores interval samples of one collector: host rows, per-CPU/disk/interface/filesystem rows and the rollups, in
 * one transaction. A sample whose (collector, timestamp) is already stored is counted as a duplicate, not stored again.
 */
export async function ingestSamples(
  db: Db,
  tenantId: string,
  collectorId: string,
  samples: readonly MetricSample[],
): Promise<IngestResult> {
  if (samples.length === 0) return { written: 0, duplicates: 0 };
  // Last one wins inside a batch that repeats a timestamp; across batches the first stored one stays.
  const byTs = new Map<number, MetricSample>();
  for (const s of samples) byTs.set(s.timestamp, s);
  const unique = [...byTs.values()].sort((a, b) => a.timestamp - b.timestamp);
  const timestamps = unique.map((s) => s.timestamp);

  // Partitions first, outside the transaction: their creation must not roll back with a failed batch.
  for (const table of ['metric_samples', 'metric_cpus', 'metric_disks', 'metric_net', 'metric_fs'] as const)
    await ensurePartitions(db, table, timestamps);
  for (const { table } of ROLLUPS) await ensurePartitions(db, table, timestamps);

  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // One writer per collector at a time, so two batches cannot overwrite each other's rollup buckets.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${collectorId}))`);
    const host: Column[] = [
      { name: 'interval_seconds', type: 'float8', values: unique.map((s) => numberOrNull(s.interval_seconds)) },
      ...HOST_FIELDS.map((f) => ({
        name: f,
        type: 'float8' as const,
        values: unique.map((s) => numberOrNull(s.host[f])),
      })),
    ];
    const writtenTs = new Set(await insertUnnest(tx, 'metric_samples', tenantId, collectorId, timestamps, host));
    const written = unique.filter((s) => writtenTs.has(s.timestamp));
    if (written.length > 0) {
      const devices = [
        [
          'metric_cpus',
          deviceRows(written, (s) => s.cpus, { name: 'cpu', type: 'int4', of: (d) => d.cpu }, CPU_FIELDS),
        ],
        [
          'metric_disks',
          deviceRows(written, (s) => s.disks, { name: 'name', type: 'text', of: (d) => d.name }, DISK_FIELDS),
        ],
        [
          'metric_net',
          deviceRows(written, (s) => s.interfaces, { name: 'name', type: 'text', of: (d) => d.name }, NET_FIELDS),
        ],
        [
          'metric_fs',
          deviceRows(
            written,
            (s) => s.filesystems,
            { name: 'mount_point', type: 'text', of: (d) => d.mount_point },
            FS_FIELDS,
          ),
        ],
      ] as const;
      for (const [table, rows] of devices) await insertUnnest(tx, table, tenantId, collectorId, rows.ts, rows.columns);
      const first = written[0]?.timestamp ?? 0;
      const last = written[written.length - 1]?.timestamp ?? first;
      await refreshRollups(tx, tenantId, collectorId, first, last);
    }
    return { written: written.length, duplicates: samples.length - written.length };
  });
}
