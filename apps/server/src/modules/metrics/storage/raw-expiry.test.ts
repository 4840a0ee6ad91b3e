import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { acrossTenants } from '../../../db/access-scope.ts';
import { queryRows } from '../../../db/client.ts';
import { agentRequest, countRows, hostSeries, rawRound, sampleAt } from '../ingest/test-support.ts';
import { ingestSamples } from './ingest-queue.ts';
import { maintainPartitions } from './maintenance.ts';
import { dropPartitions, listPartitions } from './partitions.ts';
import { expiredRawDays, expireRawDays, RECORDINGS_ONLY } from './raw-expiry.ts';

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
      expect((await hostSeries(t.id, kept.id)).map((r) => r.t)).toEqual(
        Array.from({ length: 11 }, (_, i) => day + 600 + i * 60),
      );
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

const upload = (t: TestTenant, key: string, content: string) => {
  const boundary = 'xatboundary';
  const payload =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.json"\r\n` +
    `Content-Type: application/json\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return agentRequest(t, key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    payload,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
};

/** A small collection of rounds every 10 s from `from`, as a pcc writes it. */
const collection = (from: number, rounds: number) =>
  Array.from({ length: rounds }, (_, i) => rawRound(from, from + i * 10, i * 100))
    .flat()
    .map((m) => JSON.stringify(m))
    .join('\n');

describe('recordings retention', () => {
  it('deletes recordings that ended longer ago than the tenant’s setting, with their series; none by default', async () => {
    const now = Math.floor(Date.now() / 1000);
    const limited = await createTestTenant();
    const patch = await limited.request({
      method: 'PATCH',
      url: '/api/v1/tenant/',
      payload: { recordings_retention_days: 30 },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const keeping = await createTestTenant();
    const a = await createCollector(limited);
    const b = await createCollector(keeping);
    for (const [t, c] of [
      [limited, a],
      [keeping, b],
    ] as const) {
      for (const from of [now - 40 * DAY, now - 10 * DAY]) {
        const res = await upload(t, c.api_key, collection(from, 4));
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().metrics_count).toBe(3);
      }
    }
    // Live rows of the limited tenant, 40 days old and in no recording (only a test can put them there).
    await store(limited.id, a.id, now - 40 * DAY + 3600, now - 40 * DAY + 3600);

    const database = await db();
    const done = await acrossTenants(() =>
      maintainPartitions(database, now, {
        tenants: [limited.id, keeping.id],
        retention: { raw: 7, '1m': 90, '1h': 730 },
      }),
    );
    expect(done.recordingsDeleted).toBe(1);
    const recordings = await queryRows<{ t: string; s: number }>(
      database,
      sql`select tenant_id::text as t, extract(epoch from started_at)::float8 as s from recordings
          where tenant_id in (${limited.id}::uuid, ${keeping.id}::uuid) order by tenant_id, started_at`,
    );
    expect(recordings.filter((r) => r.t === limited.id).map((r) => r.s)).toEqual([now - 10 * DAY + 10]);
    expect(recordings.filter((r) => r.t === keeping.id).map((r) => r.s)).toEqual([
      now - 40 * DAY + 10,
      now - 10 * DAY + 10,
    ]);
    // The deleted recording's series went with it, and so did the stray live row past the raw retention.
    expect((await hostSeries(limited.id, a.id)).map((r) => r.t)).toEqual([10, 20, 30].map((s) => now - 10 * DAY + s));
    expect(await hostSeries(keeping.id, b.id)).toHaveLength(6);
  });
});
