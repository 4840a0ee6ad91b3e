import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  createCollector,
  createTestTenant,
  getApp,
  NO_SHARED_DATABASE,
  SHARED_DATABASE_URL,
  type TestTenant,
  withAppsOnSharedDatabase,
} from '../../../test/helpers.ts';
import type { App } from '../../app-types.ts';
import { withTenant } from '../../db/access-scope.ts';
import { queryRows } from '../../db/client.ts';
import { hostSeries, rawRound } from '../metrics/ingest/test-support.ts';
import { completeSession, completeStaleSessions, NO_SESSION } from './sessions.ts';

// Trickle sessions: the original pcc's rounds form recordings (source trickle), split by the data's timestamps.

const T0 = Date.UTC(2026, 0, 9, 16, 46) / 1000; // an old day: sessions are recordings, kept whatever their age

const send = async (
  t: TestTenant,
  key: string,
  ts: number,
  opts: { identifier?: string | null; user?: number } = {},
) => {
  const { app } = await getApp();
  const res = await app.inject({
    method: 'POST',
    url: '/v1/trickle',
    headers: { host: t.host, apikey: key, 'content-type': 'application/json' },
    payload: JSON.stringify({
      ...(opts.identifier === null ? {} : { identifier: opts.identifier ?? 'vm-1' }),
      measurements: rawRound(T0, ts, opts.user ?? (ts - T0) * 10),
    }),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ session_id: string; metrics_count: number }>().session_id;
};

type Row = { id: string; name: string; status: string; s: number; e: number; n: number; iv: number | null };

async function sessionsOf(tenantId: string, collectorId: string): Promise<Row[]> {
  const { database } = await getApp();
  return queryRows<Row>(
    database.db,
    sql`select id::text, name, status, extract(epoch from started_at)::float8 as s,
          extract(epoch from ended_at)::float8 as e, sample_count as n, interval_seconds as iv
        from recordings where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid
          and source = 'trickle'
        order by started_at`,
  );
}

const minute = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 16).replace('T', ' ');

async function silence(collectorId: string, minutes: number) {
  const { database } = await getApp();
  await database.db.execute(
    sql`update recordings set last_data_at = now() - make_interval(mins => ${minutes}::int)
        where collector_id = ${collectorId}::uuid and status = 'active'`,
  );
}

describe('trickle sessions', () => {
  it('split where the data pauses longer than the timeout, named after the identifier and their first round', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const first = [T0, T0 + 10, T0 + 20, T0 + 320]; // 300 s after T0 + 20: still the timeout (5 minutes), not past it
    const ids = [];
    for (const ts of first) ids.push(await send(t, c.api_key, ts));
    expect(new Set(ids).size).toBe(1);
    const second = await send(t, c.api_key, T0 + 621); // 301 s after the newest round: a new session
    expect(second).not.toBe(ids[0]);
    expect(await send(t, c.api_key, T0 + 631)).toBe(second);

    expect(await sessionsOf(t.id, c.id)).toEqual([
      { id: ids[0], name: `Trickle vm-1 ${minute(T0)}`, status: 'completed', s: T0, e: T0 + 320, n: 3, iv: 10 },
      {
        id: second,
        name: `Trickle vm-1 ${minute(T0 + 621)}`,
        status: 'active',
        s: T0 + 621,
        e: T0 + 631,
        n: 1,
        iv: 10,
      },
    ]);
    // Within a session every round after the first gives an interval (the 300 s one too); a session's first round
    // never pairs with the round before it, as the reference's first round of a session.
    expect((await hostSeries(t.id, c.id)).map((r) => r.t)).toEqual([T0 + 10, T0 + 20, T0 + 320, T0 + 631]);
  });

  it('follow the tenant’s timeout, and take the server’s name when the pcc sends no identifier', async () => {
    const t = await createTestTenant();
    const patch = await t.request({
      method: 'PATCH',
      url: '/api/v1/tenant/',
      payload: { trickle_session_timeout_minutes: 1 },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const c = await createCollector(t, { name: 'db-07' });
    const a = await send(t, c.api_key, T0, { identifier: null });
    expect(await send(t, c.api_key, T0 + 60, { identifier: null })).toBe(a);
    const b = await send(t, c.api_key, T0 + 121, { identifier: null });
    expect(b).not.toBe(a);
    expect((await sessionsOf(t.id, c.id)).map((s) => s.name)).toEqual([
      `Trickle db-07 ${minute(T0)}`,
      `Trickle db-07 ${minute(T0 + 121)}`,
    ]);
  });

  it('a replay of older rounds after newer ones starts its own session and chains from its own rounds', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const live = await send(t, c.api_key, T0 + 3600);
    await send(t, c.api_key, T0 + 3610);
    // A round sent out of order, less than the timeout before the session's first: it joins the session.
    expect(await send(t, c.api_key, T0 + 3590)).toBe(live);
    const replay = await send(t, c.api_key, T0); // an hour before the session's start: a session of its own
    expect(replay).not.toBe(live);
    expect(await send(t, c.api_key, T0 + 10)).toBe(replay);
    expect(await send(t, c.api_key, T0 + 20)).toBe(replay);
    const rows = await sessionsOf(t.id, c.id);
    expect(rows.map((r) => [r.id, r.status, r.s, r.e, r.n])).toEqual([
      [replay, 'active', T0, T0 + 20, 2],
      [live, 'completed', T0 + 3590, T0 + 3610, 1],
    ]);
    expect((await hostSeries(t.id, c.id)).map((r) => [r.t, r.cpu_user])).toEqual([
      [T0 + 10, 10],
      [T0 + 20, 10],
      [T0 + 3610, 10],
    ]);
  });

  it('end when silent longer than the timeout by the wall clock: on the next round, or by completeStaleSessions', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const a = await send(t, c.api_key, T0);
    await silence(c.id, 6);
    const b = await send(t, c.api_key, T0 + 10); // 10 s later by the data, but 6 minutes of silence: a new session
    expect(b).not.toBe(a);
    expect((await sessionsOf(t.id, c.id)).map((s) => [s.id, s.status])).toEqual([
      [a, 'completed'],
      [b, 'active'],
    ]);

    const { database } = await getApp();
    const db = database.db;
    await silence(c.id, 4);
    expect(await withTenant(t.id, () => completeStaleSessions(db, t.id))).toEqual([]); // 4 < 5 minutes
    expect(await withTenant(t.id, () => completeStaleSessions(db, t.id, 3))).toEqual([
      { id: b, tenantId: t.id, collectorId: c.id, name: `Trickle vm-1 ${minute(T0 + 10)}`, sampleCount: 0 },
    ]);
    const after = await send(t, c.api_key, T0 + 20);
    expect([a, b]).not.toContain(after);
  });

  it('are completed by completeSession, once, and only in their tenant; another tenant never sees or extends one', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const c = await createCollector(t);
    const d = await createCollector(t);
    const o = await createCollector(other);
    // Two servers of one tenant, interleaved, and a server of another tenant with the same identifier: three sessions.
    const sc = await send(t, c.api_key, T0);
    const so = await send(other, o.api_key, T0);
    const sd = await send(t, d.api_key, T0);
    expect(await send(t, c.api_key, T0 + 10)).toBe(sc);
    expect(await send(other, o.api_key, T0 + 10)).toBe(so);
    expect(await send(t, d.api_key, T0 + 10)).toBe(sd);
    expect(new Set([sc, sd, so]).size).toBe(3);
    expect((await sessionsOf(t.id, c.id)).map((s) => s.n)).toEqual([1]);
    expect((await sessionsOf(other.id, o.id)).map((s) => s.n)).toEqual([1]);

    const { database } = await getApp();
    const db = database.db;
    expect(await withTenant(other.id, () => completeSession(db, other.id, sc))).toBeUndefined();
    expect(await withTenant(other.id, () => completeSession(db, t.id, sc))).toBeUndefined(); // row-level security
    const seen = await withTenant(other.id, () =>
      queryRows<{ id: string }>(db, sql`select id::text from recordings where source = 'trickle'`),
    );
    expect(seen.map((r) => r.id)).toEqual([so]);

    const done = await withTenant(t.id, () => completeSession(db, t.id, sc));
    expect(done).toMatchObject({ id: sc, status: 'completed', source: 'trickle', sampleCount: 1 });
    expect(await withTenant(t.id, () => completeSession(db, t.id, sc))).toBeUndefined();
    // The next round of that server starts a new session; the other servers' go on.
    const next = await send(t, c.api_key, T0 + 20);
    expect(next).not.toBe(sc);
    expect(await send(t, d.api_key, T0 + 20)).toBe(sd);
    expect(await send(other, o.api_key, T0 + 20)).toBe(so);
    expect(NO_SESSION).not.toBe(next);
  });
});

describe.skipIf(!SHARED_DATABASE_URL)(
  `trickle sessions on two servers sharing one PostgreSQL${NO_SHARED_DATABASE}`,
  () => {
    it('are one session per server however its rounds are spread and raced between the servers', async () => {
      const t = await createTestTenant();
      await withAppsOnSharedDatabase(2, async (apps) => {
        const collectors = await Promise.all([1, 2, 3].map(() => createCollector(t)));
        const send = (app: App, key: string, ts: number) =>
          app.inject({
            method: 'POST',
            url: '/v1/trickle',
            headers: { host: t.host, apikey: key, 'content-type': 'application/json' },
            payload: JSON.stringify({ identifier: 'race', measurements: rawRound(T0, ts, (ts - T0) * 10) }),
          });
        // Round j to one server and round j+1 to the other at the same moment, for every server's rounds at once.
        await Promise.all(
          collectors.map(async ({ api_key }) => {
            for (let j = 0; j < 40; j += 2) {
              const answers = await Promise.all([
                send(apps[0] as App, api_key, T0 + j * 10),
                send(apps[1] as App, api_key, T0 + (j + 1) * 10),
              ]);
              for (const a of answers) expect(a.statusCode, a.body).toBe(200);
              expect(answers[0]?.json().session_id).toBe(answers[1]?.json().session_id);
            }
          }),
        );
        for (const c of collectors) {
          const sessions = await sessionsOf(t.id, c.id);
          const rows = await hostSeries(t.id, c.id);
          expect(sessions).toHaveLength(1);
          // Raced rounds give 10 s or 20 s intervals (a round that lost the race pairs with none): the typical one is
          // the median of the rows while the session is small.
          const intervals = rows.map((r) => r.interval_seconds ?? 0).sort((a, b) => a - b);
          const mid = intervals.length / 2;
          const median =
            intervals.length % 2 ? intervals[Math.floor(mid)] : ((intervals[mid - 1] ?? 0) + (intervals[mid] ?? 0)) / 2;
          expect(sessions[0]).toMatchObject({ status: 'active', s: T0, e: T0 + 390, n: rows.length, iv: median });
          // 40 rounds give 39 intervals when no race is lost; each pair whose later round lands first loses one (the
          // earlier round then has a newer state before it), so at least one row per pair but the first: 19.
          expect(rows.length).toBeGreaterThanOrEqual(19);
        }
      });
    }, 120_000);
  },
);
