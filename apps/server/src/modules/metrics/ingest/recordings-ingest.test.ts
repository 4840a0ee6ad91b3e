import { gzipSync } from 'node:zlib';
import { parseCollection } from '@xat/procfs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { fileForm } from '../../../../test/multipart.ts';
import { acrossTenants } from '../../../db/access-scope.ts';
import { queryRows } from '../../../db/client.ts';
import { ingestSamples } from '../storage/ingest-queue.ts';
import { maintainPartitions } from '../storage/maintenance.ts';
import { longestRetention } from '../storage/partitions.ts';
import { RECORDINGS_ONLY } from '../storage/raw-expiry.ts';
import {
  agentRequest,
  expectReferenceSeries,
  fixture,
  fixtureRounds,
  hostSeries,
  rawRound,
  sampleAt,
} from './test-support.ts';

// The done-when of recordings of any age: the January 2026 Azure recordings, uploaded as files and replayed round by
// round through /v1/trickle with their OWN timestamps, by a tenant with the default raw retention (7 days), give
// series equal to the reference's processed outputs, and keep them through the maintenance job.

const FIXTURES = ['sys-info-test', 'loadtest-cpuinfo'] as const;
const DAY = 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const upload = (t: TestTenant, key: string, name: string, content: Buffer | string, description?: string) => {
  const form = fileForm(name, content, description === undefined ? {} : { description });
  return agentRequest(t, key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    payload: form.payload,
    headers: form.headers,
  });
};

const trickle = (t: TestTenant, key: string, body: unknown) =>
  agentRequest(t, undefined, {
    method: 'POST',
    url: '/v1/trickle',
    headers: { apikey: key, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

type RecordingRow = {
  id: string;
  name: string;
  source: string;
  status: string;
  data_id: string | null;
  s: number;
  e: number;
  n: number;
  iv: number | null;
};

async function commentOf(table: string): Promise<string | null | undefined> {
  const { database } = await getApp();
  const rows = await queryRows<{ c: string | null }>(
    database.db,
    sql`select obj_description(oid, 'pg_class') as c from pg_class where relname = ${table}`,
  );
  return rows[0]?.c;
}

async function recordingsOf(tenantId: string, collectorId: string): Promise<RecordingRow[]> {
  const { database } = await getApp();
  return queryRows<RecordingRow>(
    database.db,
    sql`select id::text, name, source, status, data_id::text, extract(epoch from started_at)::float8 as s,
          extract(epoch from ended_at)::float8 as e, sample_count as n, interval_seconds as iv
        from recordings where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid
        order by started_at`,
  );
}

describe.each(FIXTURES)('the January recording %s, with its own timestamps and a 7-day raw retention', (name) => {
  const collection = fixture(name, `${name}.json`);
  const rounds = fixtureRounds(name);
  const measurements = parseCollection(collection.toString('utf8')).measurements;

  it('uploaded as a file and replayed through /v1/trickle: series equal pcprocess’s, kept through maintenance', {
    timeout: 120_000,
  }, async () => {
    const t = await createTestTenant();
    expect(rounds[0]).toBeLessThan(Date.now() / 1000 - 30 * DAY); // older than any live retention here

    const uploaded = await createCollector(t);
    const res = await upload(t, uploaded.api_key, `${name}.json.gz`, gzipSync(collection), 'Azure run, January');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'uploaded',
      metrics_count: rounds.length - 1,
      skipped: 0,
      out_of_range: 0,
      recording_id: expect.stringMatching(UUID),
      messages: [],
    });
    expect(await recordingsOf(t.id, uploaded.id)).toEqual([
      {
        id: res.json().recording_id,
        name: 'Azure run, January',
        source: 'upload',
        status: 'completed',
        data_id: res.json().data_id,
        s: rounds[1],
        e: rounds.at(-1),
        n: rounds.length - 1,
        iv: expect.any(Number),
      },
    ]);
    await expectReferenceSeries(name, t.id, uploaded.id);

    const trickled = await createCollector(t);
    let session: string | undefined;
    for (const ts of rounds) {
      const r = await trickle(t, trickled.api_key, {
        identifier: 'azure-vm',
        measurements: measurements.filter((m) => m.timestamp === ts),
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ status: 'ok', identifier: 'azure-vm', metrics_count: 1, skipped: 0 });
      session ??= r.json().session_id;
      expect(r.json().session_id).toBe(session);
    }
    const sessions = await recordingsOf(t.id, trickled.id);
    const minute = new Date((rounds[0] ?? 0) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    expect(sessions).toEqual([
      {
        id: session,
        name: `Trickle azure-vm ${minute}`,
        source: 'trickle',
        status: 'active',
        data_id: null,
        s: rounds[0],
        e: rounds.at(-1),
        n: rounds.length - 1,
        iv: expect.any(Number),
      },
    ]);
    await expectReferenceSeries(name, t.id, trickled.id);
    expect(await hostSeries(t.id, trickled.id)).toEqual(await hostSeries(t.id, uploaded.id));

    // The hourly job as the server runs it (this tenant's raw retention is 7 days: January is long past it)…
    const { database } = await getApp();
    await acrossTenants(() => maintainPartitions(database.db));
    // The January day is past every tenant's live retention (here: unless another test file's tenant keeps years):
    // its partition stays for the recordings, marked as holding recordings only.
    const day = new Date((rounds[0] ?? 0) * 1000).toISOString().slice(0, 10).replaceAll('-', '');
    const longest = await longestRetention(database.db);
    if ((rounds.at(-1) ?? 0) < Date.now() / 1000 - (longest.raw + 1) * DAY)
      expect(await commentOf(`metric_samples_p${day}`)).toBe(RECORDINGS_ONLY);
    await expectReferenceSeries(name, t.id, uploaded.id);
    await expectReferenceSeries(name, t.id, trickled.id);
    // …and 30 days later (narrowed to this tenant, with the default retentions: the database is shared with other
    // test files, whose partitions must not go): the session, silent since, is completed; the series stay.
    const later = await acrossTenants(() =>
      maintainPartitions(database.db, Date.now() / 1000 + 30 * DAY, {
        tenants: [t.id],
        retention: { raw: 7, '1m': 90, '1h': 730 },
      }),
    );
    expect(later.sessionsCompleted).toBe(1);
    expect((await recordingsOf(t.id, trickled.id))[0]?.status).toBe('completed');
    await expectReferenceSeries(name, t.id, uploaded.id);
    await expectReferenceSeries(name, t.id, trickled.id);
  });
});

describe('what cannot be stored is counted and said', () => {
  it('a file’s rounds from the future or before 2000 are out of range, with the reason; the rest is a recording', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const future = Math.floor(Date.now() / 1000) + 3600;
    const shifted = (ts: number) => (m: { subsystem: string; measurement: string }) =>
      JSON.stringify({ timestamp: ts, subsystem: m.subsystem, measurement: m.measurement });
    const rounds = fixtureRounds('sys-info-test');
    const first = parseCollection(fixture('sys-info-test', 'sys-info-test.json').toString('utf8')).measurements;
    const lines = [
      ...first.filter((m) => m.timestamp === rounds[0]).map(shifted(900_000_000)), // 1998
      ...first.filter((m) => m.timestamp <= (rounds[3] ?? 0)).map((m) => JSON.stringify(m)),
      ...first.filter((m) => m.timestamp === rounds[4]).map(shifted(future)),
    ];
    const res = await upload(t, api_key, 'mixed.json', `${lines.join('\n')}\n`);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ metrics_count: 3, out_of_range: 2 });
    expect(res.json().messages).toEqual([
      '2 rounds or rows are outside the accepted time range (before 2000-01-01 or more than 10 minutes ahead of the server clock).',
    ]);
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual(rounds.slice(1, 4));
    expect((await recordingsOf(t.id, id)).map((r) => [r.s, r.e, r.n])).toEqual([[rounds[1], rounds[3], 3]]);

    // The same file again: nothing new is written, the answer says the samples were there already, and a second
    // recording holds them too.
    const again = await upload(t, api_key, 'mixed.json', `${lines.join('\n')}\n`);
    expect(again.json()).toMatchObject({ metrics_count: 0, out_of_range: 2 });
    expect(again.json().messages).toContain(
      '3 samples were already stored for this server at the same time (kept as they were; the recording holds them).',
    );
    expect(await recordingsOf(t.id, id)).toHaveLength(2);
  });

  it('a trickle round ahead of the clock is skipped with its reason; a server without rounds has no session', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const future = Math.floor(Date.now() / 1000) + 3600;
    const round = parseCollection(fixture('sys-info-test', 'sys-info-test.json').toString('utf8'))
      .measurements.filter((m) => m.timestamp === fixtureRounds('sys-info-test')[0])
      .map((m) => ({ ...m, timestamp: future }));
    const res = await trickle(t, api_key, { identifier: 'x', measurements: round });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      identifier: 'x',
      metrics_count: 0,
      session_id: '00000000-0000-0000-0000-000000000000',
      skipped: 1,
      messages: [
        '1 round is outside the accepted time range (before 2000-01-01 or more than 10 minutes ahead of the server clock).',
      ],
    });
    expect(await recordingsOf(t.id, id)).toEqual([]);
  });
});

describe('people’s upload of a collection', () => {
  it('stores its series as a recording named after the file, and keeps any other file as it is', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const form = fileForm('loadtest-cpuinfo-portal.csv', fixture('loadtest-cpuinfo', 'loadtest-cpuinfo-portal.csv'));
    const res = await t.request({ method: 'POST', url: `/api/v1/collectors/${id}/data/`, ...form, auth: 'member' });
    expect(res.statusCode, res.body).toBe(201);
    const rows = fixture('loadtest-cpuinfo', 'loadtest-cpuinfo-portal.csv').toString('utf8').trim().split('\n');
    expect(res.json()).toMatchObject({
      file_name: 'loadtest-cpuinfo-portal.csv',
      row_count: rows.length - 1,
      recording_id: expect.stringMatching(UUID),
      metrics_count: rows.length - 1,
      skipped: 0,
      messages: [],
    });
    const [recording] = await recordingsOf(t.id, id);
    expect(recording).toMatchObject({
      id: res.json().recording_id,
      name: 'loadtest-cpuinfo-portal.csv',
      source: 'upload',
    });
    const item = await t.request({ method: 'GET', url: `/api/v1/data/${res.json().id}/` });
    expect(item.json().recording_id).toBe(res.json().recording_id);

    const notes = fileForm('notes.txt', 'ran sysbench at 10:00\n');
    const plain = await t.request({ method: 'POST', url: `/api/v1/collectors/${id}/data/`, ...notes });
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json()).toMatchObject({ recording_id: null, metrics_count: 0 });
    expect(plain.json().messages).toEqual([expect.stringMatching(/^Kept as a file, no series: Not a pcc collection/)]);
    expect(await recordingsOf(t.id, id)).toHaveLength(1);

    // Deleting the file keeps the recording (its series are what it is kept for), without its file.
    expect((await t.request({ method: 'DELETE', url: `/api/v1/data/${res.json().id}/` })).statusCode).toBe(204);
    expect(await recordingsOf(t.id, id)).toMatchObject([{ id: res.json().recording_id, data_id: null }]);
  });
});

/** A small collection of rounds every 10 s from `from`, as a pcc writes it. */
const collection = (from: number, rounds: number) =>
  Array.from({ length: rounds }, (_, i) => rawRound(from, from + i * 10, i * 100))
    .flat()
    .map((m) => JSON.stringify(m))
    .join('\n');

describe('recordings retention', () => {
  it('deletes recordings kept longer than the tenant’s setting, with their series; none by default', async () => {
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
        const res = await upload(t, c.api_key, 'c.json', collection(from, 4));
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().metrics_count).toBe(3);
      }
    }
    const { database } = await getApp();
    // Kept since their data was taken (as a trickle session is): counted from created_at, not from the data.
    await acrossTenants(() =>
      database.db.execute(sql`update recordings set created_at = started_at
        where tenant_id = any(${sql.param([limited.id, keeping.id])}::uuid[])`),
    );
    // A fresh upload of data 40 days old is kept: its 30 days count from the upload.
    const fresh = await upload(limited, a.api_key, 'fresh.json', collection(now - 45 * DAY, 4));
    expect(fresh.statusCode, fresh.body).toBe(201);
    // A live row of the limited tenant, 40 days old and in no recording (only a test can put one there).
    await ingestSamples(database.db, limited.id, a.id, [sampleAt(now - 40 * DAY + 3600)]);

    const done = await acrossTenants(() =>
      maintainPartitions(database.db, now, {
        tenants: [limited.id, keeping.id],
        retention: { raw: 7, '1m': 90, '1h': 730 },
      }),
    );
    expect(done.recordingsDeleted).toBe(1);
    expect((await recordingsOf(limited.id, a.id)).map((r) => r.s)).toEqual([now - 45 * DAY + 10, now - 10 * DAY + 10]);
    expect((await recordingsOf(keeping.id, b.id)).map((r) => r.s)).toEqual([now - 40 * DAY + 10, now - 10 * DAY + 10]);
    // The deleted recording's series went with it, and so did the stray live row past the raw retention.
    expect((await hostSeries(limited.id, a.id)).map((r) => r.t)).toEqual([
      ...[10, 20, 30].map((s) => now - 45 * DAY + s),
      ...[10, 20, 30].map((s) => now - 10 * DAY + s),
    ]);
    expect(await hostSeries(keeping.id, b.id)).toHaveLength(6);
  });
});
