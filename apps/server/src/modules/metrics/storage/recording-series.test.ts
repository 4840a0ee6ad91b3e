import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../../test/helpers.ts';
import { withTenant } from '../../../db/access-scope.ts';
import { queryRows } from '../../../db/client.ts';
import { ingestSamples } from './ingest-queue.ts';
import { deleteRecordingSeries, deleteRecordingWithSeries } from './recording-series.ts';
import { countRows, sampleAt } from './test-support.ts';

const T = Date.UTC(2026, 0, 10) / 1000; // an old day, as recordings have
const DAY = 86_400;

async function db() {
  return (await getApp()).database.db;
}

/** A recording row of [from, to] (epoch s), as the recordings module makes them. */
async function insertRecording(tenantId: string, collectorId: string, source: string, from: number, to: number) {
  const rows = await queryRows<{ id: string }>(
    await db(),
    sql`insert into recordings (tenant_id, collector_id, name, source, started_at, ended_at, sample_count)
        values (${tenantId}::uuid, ${collectorId}::uuid, 'r', ${source}, to_timestamp(${from}::float8),
                to_timestamp(${to}::float8), 0)
        returning id::text`,
  );
  return rows[0]?.id as string;
}

/** Samples every 10 s over [from, to], busy varying so that sums and maxima tell buckets apart. */
async function store(tenantId: string, collectorId: string, from: number, to: number) {
  const samples = [];
  for (let ts = from; ts <= to; ts += 10) samples.push(sampleAt(ts, (ts / 10) % 97));
  await ingestSamples(await db(), tenantId, collectorId, samples);
}

const times = async (tenantId: string, collectorId: string) =>
  (
    await queryRows<{ t: number }>(
      await db(),
      sql`select extract(epoch from ts)::float8 as t from metric_samples
          where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid order by ts`,
    )
  ).map((r) => r.t);

type Bucket = { b: number; n: number; sum: number; max: number };

/** The collector's stored buckets, and the same computed from its raw rows now. */
async function bucketsOf(table: 'metric_rollup_1m' | 'metric_rollup_1h', tenantId: string, collectorId: string) {
  const seconds = table === 'metric_rollup_1m' ? 60 : 3600;
  const where = sql`tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid`;
  const stored = await queryRows<Bucket>(
    await db(),
    sql`select extract(epoch from bucket)::float8 as b, samples as n, sum_cpu_busy as sum, max_cpu_busy as max
        from ${sql.identifier(table)} where ${where} order by bucket`,
  );
  const raw = await queryRows<Bucket>(
    await db(),
    sql`select extract(epoch from date_bin(${sql.raw(`'${seconds} seconds'`)}, ts, timestamptz 'epoch'))::float8 as b,
          count(*)::int as n, sum(cpu_busy) as sum, max(cpu_busy) as max
        from metric_samples where ${where} group by 1 order by 1`,
  );
  return { stored, raw };
}

const round = (rows: Bucket[]) => rows.map((r) => ({ ...r, sum: Math.round(r.sum * 1e6) / 1e6 }));

describe('deleting a recording’s series', () => {
  it('deletes its rows in every raw table, keeps those another recording holds, and rebuilds the rollups', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const neighbour = await createCollector(t);
    const whole = await insertRecording(t.id, c.id, 'upload', T, T + 1790);
    const middle = await insertRecording(t.id, c.id, 'trickle', T + 600, T + 900);
    const theirs = await insertRecording(t.id, neighbour.id, 'upload', T, T + 1790);
    await store(t.id, c.id, T, T + 1790);
    await store(t.id, neighbour.id, T, T + 1790);
    expect((await bucketsOf('metric_rollup_1m', t.id, c.id)).stored).toHaveLength(30);

    const database = await db();
    // Another tenant's: not found, nothing deleted.
    const other = await createTestTenant();
    expect(await withTenant(other.id, () => deleteRecordingWithSeries(database, other.id, whole))).toBe(false);
    expect(await times(t.id, c.id)).toHaveLength(180);

    expect(await withTenant(t.id, () => deleteRecordingWithSeries(database, t.id, whole))).toBe(true);
    const left = Array.from({ length: 31 }, (_, i) => T + 600 + i * 10);
    expect(await times(t.id, c.id)).toEqual(left);
    for (const table of ['metric_cpus', 'metric_disks', 'metric_net', 'metric_fs'])
      expect(await countRows(table, t.id, c.id)).toBe(table === 'metric_cpus' ? 62 : 31);
    for (const table of ['metric_rollup_1m', 'metric_rollup_1h'] as const) {
      const { stored, raw } = await bucketsOf(table, t.id, c.id);
      expect(round(stored)).toEqual(round(raw));
    }
    expect((await bucketsOf('metric_rollup_1m', t.id, c.id)).stored.map((b) => b.n)).toEqual([6, 6, 6, 6, 6, 1]);
    expect(await times(t.id, neighbour.id)).toHaveLength(180);
    expect((await bucketsOf('metric_rollup_1m', t.id, neighbour.id)).stored).toHaveLength(30);
    const ids = await queryRows<{ id: string }>(
      database,
      sql`select id::text from recordings where tenant_id = ${t.id}`,
    );
    expect(ids.map((r) => r.id).sort()).toEqual([middle, theirs].sort());

    // The series alone (the recordings API deletes the row itself): nothing of the collector is left.
    const row = { id: middle, collectorId: c.id, source: 'trickle', startedAt: new Date((T + 600) * 1000) };
    const done = await withTenant(t.id, () =>
      deleteRecordingSeries(database, t.id, { ...row, endedAt: new Date((T + 900) * 1000) }),
    );
    expect(done).toEqual({ deleted: 31 });
    expect(await times(t.id, c.id)).toEqual([]);
    expect(await countRows('metric_cpus', t.id, c.id)).toBe(0);
    expect((await bucketsOf('metric_rollup_1m', t.id, c.id)).stored).toEqual([]);
    expect((await bucketsOf('metric_rollup_1h', t.id, c.id)).stored).toEqual([]);
  });

  it('of a live recording only releases its window: rows within the live retention stay', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const now = Math.floor(Date.now() / 1000 / 60) * 60;
    const recent = await insertRecording(t.id, c.id, 'live', now - 3600, now - 3000);
    const old = await insertRecording(t.id, c.id, 'live', T, T + 300);
    const upload = await insertRecording(t.id, c.id, 'upload', T + 200, T + 300);
    await store(t.id, c.id, now - 3600, now - 3000);
    await store(t.id, c.id, T, T + 300);
    const database = await db();

    expect(await withTenant(t.id, () => deleteRecordingWithSeries(database, t.id, recent))).toBe(true);
    expect(await times(t.id, c.id)).toHaveLength(61 + 31);
    // Past the 7-day live retention, the rows only the live recording kept go; those the upload holds stay.
    expect(T).toBeLessThan(now - 8 * DAY);
    expect(await withTenant(t.id, () => deleteRecordingWithSeries(database, t.id, old))).toBe(true);
    expect((await times(t.id, c.id)).filter((ts) => ts < now - DAY)).toEqual(
      Array.from({ length: 11 }, (_, i) => T + 200 + i * 10),
    );
    expect((await times(t.id, c.id)).filter((ts) => ts > now - DAY)).toHaveLength(61);
    const { stored, raw } = await bucketsOf('metric_rollup_1m', t.id, c.id);
    expect(round(stored.filter((b) => b.b < now - DAY))).toEqual(round(raw.filter((b) => b.b < now - DAY)));
    expect(await withTenant(t.id, () => deleteRecordingWithSeries(database, t.id, upload))).toBe(true);
    expect((await times(t.id, c.id)).filter((ts) => ts < now - DAY)).toEqual([]);
  });
});
