import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../../test/helpers.ts';
import { acrossTenants } from '../../../db/access-scope.ts';
import { queryRows } from '../../../db/client.ts';
import { ingestSamples } from './ingest-queue.ts';
import { dropPartitions, listPartitions } from './partitions.ts';
import { expiredRawDays, expireRawDays, RECORDINGS_ONLY } from './raw-expiry.ts';
import { countRows, hostTimes, sampleAt } from './test-support.ts';

const DAY = 86_400;
const RAW = ['metric_cpus', 'metric_disks', 'metric_net', 'metric_fs', 'metric_samples'] as const;

async function db() {
  return (await getApp()).database.db;
}

async function insertRecording(tenantId: string, collectorId: string, from: number, to: number) {
  const rows = await queryRows<{ id: string }>(
    await db(),
    sql`insert into recordings (tenant_id, collector_id, name, source, started_at, ended_at)
        values (${tenantId}::uuid, ${collectorId}::uuid, 'r', 'upload', to_timestamp(${from}::float8),
                to_timestamp(${to}::float8))
        returning id::text`,
  );
  return rows[0]?.id as string;
}

async function store(tenantId: string, collectorId: string, from: number, to: number, step = 60) {
  const samples = [];
  for (let ts = from; ts <= to; ts += step) samples.push(sampleAt(ts));
  await ingestSamples(await db(), tenantId, collectorId, samples);
}

const commentOf = async (table: string) =>
  (
    await queryRows<{ c: string | null }>(
      await db(),
      sql`select obj_description(oid, 'pg_class') as c from pg_class where relname = ${table}`,
    )
  )[0]?.c;

describe('an expired raw day', () => {
  it('is kept while a recording overlaps it, with only the recordings’ rows; dropped once none does', async () => {
    // A day of its own far ahead (no other test's data, no real maintenance reaches it), expired explicitly.
    const day = Date.UTC(2041, 0, 1) / 1000 + randomInt(0, 3000) * DAY;
    const stamp = new Date(day * 1000).toISOString().slice(0, 10).replaceAll('-', '');
    const names = RAW.map((t) => `${t}_p${stamp}`);
    const database = await db();
    try {
      const t = await createTestTenant();
      const other = await createTestTenant();
      const kept = await createCollector(t);
      const bare = await createCollector(t);
      const stranger = await createCollector(other);
      // As an upload does: the recording first, then its samples.
      const recording = await insertRecording(t.id, kept.id, day + 600, day + 1200);
      await store(t.id, kept.id, day, day + 1800);
      await store(t.id, bare.id, day, day + 1800);
      await store(other.id, stranger.id, day, day + 1800);
      const days = new Map([...(await expiredRawDays(database, day + DAY))].filter(([start]) => start === day));
      expect(days.get(day)).toEqual(names); // device tables first, the host table last

      const first = await acrossTenants(() => expireRawDays(database, days));
      expect(first).toEqual({ dropped: [], trimmed: names });
      expect(await hostTimes(t.id, kept.id)).toEqual(Array.from({ length: 11 }, (_, i) => day + 600 + i * 60));
      expect(await countRows('metric_cpus', t.id, kept.id)).toBe(22);
      for (const table of ['metric_samples', 'metric_cpus', 'metric_fs']) {
        expect(await countRows(table, t.id, bare.id)).toBe(0);
        expect(await countRows(table, other.id, stranger.id)).toBe(0);
      }
      for (const name of names) expect(await commentOf(name)).toBe(RECORDINGS_ONLY);

      // Marked: the next runs leave it alone (rows landing there later are a recording's).
      await store(t.id, bare.id, day + 3600, day + 3600);
      expect(await acrossTenants(() => expireRawDays(database, days))).toEqual({ dropped: [], trimmed: [] });
      expect(await countRows('metric_samples', t.id, bare.id)).toBe(1);

      // Its recording gone, the day goes whole, device partitions before the host's.
      await database.execute(sql`delete from recordings where id = ${recording}::uuid`);
      expect(await acrossTenants(() => expireRawDays(database, days))).toEqual({ dropped: names, trimmed: [] });
      const left = (await listPartitions(database, 'metric_samples')).map((p) => p.name);
      expect(left).not.toContain(`metric_samples_p${stamp}`);
    } finally {
      await acrossTenants(() => dropPartitions(database, names));
    }
  });
});
