import { CPU_FIELDS, DISK_FIELDS, FS_FIELDS, HOST_FIELDS, type MetricSample, NET_FIELDS } from '@xat/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.ts';
import { ensurePartitions, type PartitionedTable } from './partitions.ts';

export interface IngestResult {
  written: number;
  duplicates: number;
}

/** One caller's samples of one collector. */
interface Part {
  tenantId: string;
  collectorId: string;
  samples: MetricSample[];
}

type Column = { name: string; type: 'float8' | 'int4' | 'text' | 'uuid'; values: unknown[] };

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * INSERT … SELECT FROM unnest(arrays): one statement for any number of rows and collectors, on PGlite and PostgreSQL
 * alike. Rows whose key exists are skipped; returns the keys actually written.
 */
async function insertUnnest(db: Db, table: PartitionedTable, columns: Column[], returning: boolean) {
  if ((columns[0]?.values.length ?? 0) === 0) return [];
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const selects = columns.map((c, i) => (c.name === 'ts' ? `to_timestamp(u.c${i})` : `u.c${i}`)).join(', ');
  const arrays = sql.join(
    columns.map((c) => sql`${sql.param(c.values)}::${sql.raw(c.type)}[]`),
    sql`, `,
  );
  const aliases = columns.map((_, i) => `c${i}`).join(', ');
  return queryRows<{ tenant_id: string; collector_id: string; t: number }>(
    db,
    sql`insert into ${sql.identifier(table)} (${sql.raw(names)})
        select ${sql.raw(selects)} from unnest(${arrays}) as u(${sql.raw(aliases)})
        on conflict do nothing
        ${sql.raw(returning ? 'returning tenant_id, collector_id, extract(epoch from ts)::float8 as t' : '')}`,
  );
}

/** Columnar arrays of the host rows of `parts`, deduplicated per (collector, timestamp) — the last one wins. */
function hostColumns(parts: readonly Part[]): Column[] {
  const tenants: string[] = [];
  const collectorIds: string[] = [];
  const ts: number[] = [];
  const interval: (number | null)[] = [];
  const fields = HOST_FIELDS.map(() => [] as (number | null)[]);
  for (const part of parts) {
    for (const s of part.samples) {
      tenants.push(part.tenantId);
      collectorIds.push(part.collectorId);
      ts.push(s.timestamp);
      interval.push(numberOrNull(s.interval_seconds));
      HOST_FIELDS.forEach((f, i) => fields[i]?.push(numberOrNull(s.host[f])));
    }
  }
  return [
    { name: 'tenant_id', type: 'uuid', values: tenants },
    { name: 'collector_id', type: 'uuid', values: collectorIds },
    { name: 'ts', type: 'float8', values: ts },
    { name: 'interval_seconds', type: 'float8', values: interval },
    ...HOST_FIELDS.map((f, i) => ({ name: f, type: 'float8' as const, values: fields[i] ?? [] })),
  ];
}

/** One row per (written sample, device) as columnar arrays. */
function deviceColumns<D extends Record<string, unknown>>(
  parts: readonly Part[],
  pick: (s: MetricSample) => readonly D[] | undefined,
  key: { name: string; type: 'int4' | 'text'; of: (d: D) => unknown },
  fields: readonly string[],
): Column[] {
  const tenants: string[] = [];
  const collectorIds: string[] = [];
  const ts: number[] = [];
  const keys: unknown[] = [];
  const values = fields.map(() => [] as unknown[]);
  for (const part of parts) {
    for (const s of part.samples) {
      const seen = new Set<unknown>();
      for (const d of pick(s) ?? []) {
        const k = key.of(d);
        if (seen.has(k)) continue; // a device listed twice in one sample: keep the first
        seen.add(k);
        tenants.push(part.tenantId);
        collectorIds.push(part.collectorId);
        ts.push(s.timestamp);
        keys.push(k);
        fields.forEach((f, i) => values[i]?.push(numberOrNull(d[f])));
      }
    }
  }
  return [
    { name: 'tenant_id', type: 'uuid', values: tenants },
    { name: 'collector_id', type: 'uuid', values: collectorIds },
    { name: 'ts', type: 'float8', values: ts },
    { name: key.name, type: key.type, values: keys },
    ...fields.map((f, i) => ({ name: f, type: 'float8' as const, values: values[i] ?? [] })),
  ];
}

const ROLLUPS = [
  { table: 'metric_rollup_1m', seconds: 60 },
  { table: 'metric_rollup_1h', seconds: 3600 },
] as const;

/**
 * Recomputes, from the raw rows, the 1-minute and 1-hour buckets each collector's written samples touch (late data
 * included). Runs after the rows are committed and under a per-collector lock taken in a stable order, so the last
 * recompute of a bucket always sees every committed row — also when several server processes ingest.
 */
async function refreshRollups(
  db: Db,
  ranges: Map<string, { tenantId: string; collectorId: string; min: number; max: number }>,
) {
  if (ranges.size === 0) return;
  const list = [...ranges.values()].sort((a, b) => a.collectorId.localeCompare(b.collectorId));
  await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(c)) from unnest(${sql.param(list.map((r) => r.collectorId))}::text[]) as c`,
    );
    for (const { table, seconds } of ROLLUPS) {
      const from = list.map((r) => Math.floor(r.min / seconds) * seconds);
      const to = list.map((r) => Math.floor(r.max / seconds) * seconds + seconds);
      const aggregates = HOST_FIELDS.map((f) => `avg(s."${f}"), max(s."${f}")`).join(', ');
      const columns = HOST_FIELDS.map((f) => `"avg_${f}", "max_${f}"`).join(', ');
      const updates = HOST_FIELDS.map((f) => `"avg_${f}" = excluded."avg_${f}", "max_${f}" = excluded."max_${f}"`).join(
        ', ',
      );
      await tx.execute(sql`
        insert into ${sql.identifier(table)} (tenant_id, collector_id, bucket, samples, ${sql.raw(columns)})
        select s.tenant_id, s.collector_id, to_timestamp(floor(extract(epoch from s.ts) / ${seconds}) * ${seconds}) as bucket,
               count(*)::int, ${sql.raw(aggregates)}
        from unnest(${sql.param(list.map((r) => r.tenantId))}::uuid[], ${sql.param(list.map((r) => r.collectorId))}::uuid[],
                    ${sql.param(from)}::float8[], ${sql.param(to)}::float8[]) as r(t, c, f, e)
        join metric_samples s on s.tenant_id = r.t and s.collector_id = r.c
                             and s.ts >= to_timestamp(r.f) and s.ts < to_timestamp(r.e)
        group by s.tenant_id, s.collector_id, bucket
        on conflict (tenant_id, collector_id, bucket) do update set samples = excluded.samples, ${sql.raw(updates)}`);
    }
  });
}

/** Writes the parts of one flush: rows in one transaction, then the rollups; returns what each part wrote. */
async function writeParts(db: Db, parts: readonly Part[]): Promise<IngestResult[]> {
  const timestamps = parts.flatMap((p) => p.samples.map((s) => s.timestamp));
  // Partitions first, outside the transaction: their creation must not roll back with a failed write.
  for (const table of ['metric_samples', 'metric_cpus', 'metric_disks', 'metric_net', 'metric_fs'] as const)
    await ensurePartitions(db, table, timestamps);
  for (const { table } of ROLLUPS) await ensurePartitions(db, table, timestamps);

  const writtenKeys = await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const rows = await insertUnnest(tx, 'metric_samples', hostColumns(parts), true);
    const written = new Set(rows.map((r) => `${r.collector_id}|${Number(r.t)}`));
    const writtenParts = parts.map((p) => ({
      ...p,
      samples: p.samples.filter((s) => written.has(`${p.collectorId}|${s.timestamp}`)),
    }));
    await insertUnnest(
      tx,
      'metric_cpus',
      deviceColumns(writtenParts, (s) => s.cpus, { name: 'cpu', type: 'int4', of: (d) => d.cpu }, CPU_FIELDS),
      false,
    );
    await insertUnnest(
      tx,
      'metric_disks',
      deviceColumns(writtenParts, (s) => s.disks, { name: 'name', type: 'text', of: (d) => d.name }, DISK_FIELDS),
      false,
    );
    await insertUnnest(
      tx,
      'metric_net',
      deviceColumns(writtenParts, (s) => s.interfaces, { name: 'name', type: 'text', of: (d) => d.name }, NET_FIELDS),
      false,
    );
    await insertUnnest(
      tx,
      'metric_fs',
      deviceColumns(
        writtenParts,
        (s) => s.filesystems,
        { name: 'mount_point', type: 'text', of: (d) => d.mount_point },
        FS_FIELDS,
      ),
      false,
    );
    return written;
  });

  const ranges = new Map<string, { tenantId: string; collectorId: string; min: number; max: number }>();
  for (const p of parts) {
    for (const s of p.samples) {
      if (!writtenKeys.has(`${p.collectorId}|${s.timestamp}`)) continue;
      const r = ranges.get(p.collectorId);
      if (!r)
        ranges.set(p.collectorId, {
          tenantId: p.tenantId,
          collectorId: p.collectorId,
          min: s.timestamp,
          max: s.timestamp,
        });
      else {
        r.min = Math.min(r.min, s.timestamp);
        r.max = Math.max(r.max, s.timestamp);
      }
    }
  }
  await refreshRollups(db, ranges);
  // A timestamp sent twice in one flush is written once: the first part holding it gets the credit.
  const credited = new Set<string>();
  return parts.map((p) => {
    let written = 0;
    for (const s of p.samples) {
      const key = `${p.collectorId}|${s.timestamp}`;
      if (writtenKeys.has(key) && !credited.has(key)) {
        credited.add(key);
        written++;
      }
    }
    return { written, duplicates: p.samples.length - written };
  });
}

/**
 * Group commit: while one flush is being written, new requests queue up, and the next flush writes all of them in
 * one transaction. At low load a request is written at once; under load many agents share one round of statements.
 */
class IngestQueue {
  private pending: { part: Part; resolve: (r: IngestResult) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly maxSamplesPerFlush = 20_000,
  ) {}

  submit(part: Part): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ part, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch: typeof this.pending = [];
      let samples = 0;
      while (this.pending.length > 0 && (batch.length === 0 || samples < this.maxSamplesPerFlush)) {
        const next = this.pending.shift();
        if (!next) break;
        batch.push(next);
        samples += next.part.samples.length;
      }
      try {
        const results = await writeParts(
          this.db,
          batch.map((b) => b.part),
        );
        batch.forEach((b, i) => b.resolve(results[i] ?? { written: 0, duplicates: b.part.samples.length }));
      } catch (err) {
        if (batch.length === 1) batch[0]?.reject(err);
        else {
          // One bad part must not fail its neighbours: retry each on its own.
          for (const b of batch)
            await writeParts(this.db, [b.part]).then((r) => b.resolve(r[0] ?? { written: 0, duplicates: 0 }), b.reject);
        }
      }
    }
    this.flushing = false;
  }
}

const queues = new WeakMap<Db, IngestQueue>();

/**
 * Stores interval samples of one collector: host rows and per-CPU/disk/interface/filesystem rows in one transaction
 * (shared with other requests in flight), then the rollups. A sample whose (collector, timestamp) is already stored
 * is counted as a duplicate, not stored again; inside one call a repeated timestamp keeps its last sample.
 */
export async function ingestSamples(
  db: Db,
  tenantId: string,
  collectorId: string,
  samples: readonly MetricSample[],
): Promise<IngestResult> {
  if (samples.length === 0) return { written: 0, duplicates: 0 };
  const byTs = new Map<number, MetricSample>();
  for (const s of samples) byTs.set(s.timestamp, s);
  let queue = queues.get(db);
  if (!queue) {
    queue = new IngestQueue(db);
    queues.set(db, queue);
  }
  const result = await queue.submit({ tenantId, collectorId, samples: [...byTs.values()] });
  return { written: result.written, duplicates: samples.length - result.written };
}
