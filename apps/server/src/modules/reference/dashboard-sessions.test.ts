import { randomUUID } from 'node:crypto';
import { parseCollection } from '@xat/procfs';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../test/helpers.ts';
import { recordings } from '../../db/schema.ts';
import {
  CHECK_INACTIVE,
  expectShape,
  SESSION_COMPLETE,
  SESSION_DATES,
  SESSION_DETAIL,
  SESSIONS,
  TRICKLE_ACTIVE,
} from './test-shapes.ts';
import { agentRequest, fixture, hostSeries, ingest, insertRecording, iso, nowSeconds } from './test-support.ts';

// /dashboard/api/… trickle sessions: the reference's session routes over our trickle recordings.

const get = (t: TestTenant, url: string) => t.request({ method: 'GET', url, auth: 'viewer' });
const post = (t: TestTenant, url: string, payload?: object) =>
  t.request({ method: 'POST', url, auth: 'member', ...(payload ? { payload } : {}) });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function recordingsOf(tenantId: string) {
  const { database } = await getApp();
  return database.db.select().from(recordings).where(eq(recordings.tenantId, tenantId)).orderBy(asc(recordings.id));
}

/** An active session receiving now: three samples in the last minutes, and one just before it that is not its own. */
async function activeSession(t: TestTenant, name = 'web') {
  const c = await createCollector(t, { name });
  const now = nowSeconds();
  const times = [now - 150, now - 100, now - 50];
  const busy = [10, 20, 35];
  const mem = [50, 60, 70.5];
  await ingest(t.id, c.id, [
    { timestamp: now - 400, interval_seconds: 50, host: { cpu_busy: 99, mem_used_pct: 99 } },
    ...times.map((timestamp, i) => ({
      timestamp,
      interval_seconds: 50,
      host: { cpu_busy: busy[i], cpu_user: busy[i], mem_used_pct: mem[i], disk_read_bps: 1e6 },
    })),
  ]);
  const id = await insertRecording(t.id, {
    collectorId: c.id,
    source: 'trickle',
    status: 'active',
    name: `${name} session`,
    startedAt: times[0],
    endedAt: times[2],
    sampleCount: 3,
    lastDataAt: minutesAgo(0.5),
  });
  return { c, id, times, busy, mem };
}

describe('GET /dashboard/api/trickle/active/', () => {
  it('lists the active sessions with their means, and changes nothing', async () => {
    const t = await createTestTenant();
    const { c, id, times, busy, mem } = await activeSession(t);
    // Not listed: a completed session, one still marked active but silent past the tenant's timeout (5 min), and a
    // collector that sends data without a session (the reference created one here).
    await insertRecording(t.id, { collectorId: c.id, source: 'trickle', startedAt: 1767977170, endedAt: 1767977270 });
    const stale = await createCollector(t);
    await insertRecording(t.id, {
      collectorId: stale.id,
      source: 'trickle',
      status: 'active',
      lastDataAt: minutesAgo(6),
    });
    const lone = await createCollector(t);
    await ingest(t.id, lone.id, [{ timestamp: nowSeconds() - 10, host: { cpu_busy: 1 } }]);
    await activeSession(await createTestTenant(), 'other tenant');

    const before = await recordingsOf(t.id);
    const res = await get(t, '/dashboard/api/trickle/active/');
    expect(res.statusCode, res.body).toBe(200);
    expectShape(res.json(), TRICKLE_ACTIVE);
    expect(res.json()).toEqual({
      active_count: 1,
      sessions: [
        {
          session_id: id,
          collector_id: c.id,
          collector_name: 'web',
          started_at: iso(times[0] ?? 0),
          last_data_at: before.find((r) => r.id === id)?.lastDataAt?.toISOString(),
          sample_count: 3,
          duration_seconds: (times[2] ?? 0) - (times[0] ?? 0),
          avg_cpu_percent: round2(mean(busy)),
          avg_mem_percent: round2(mean(mem)),
        },
      ],
    });
    expect(await recordingsOf(t.id)).toEqual(before);
  });
});

describe('POST /dashboard/api/trickle/check-inactive/', () => {
  it('completes the active sessions silent for the timeout, only this tenant’s', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t, { name: 'a' });
    const b = await createCollector(t, { name: 'b' });
    const quiet3 = await insertRecording(t.id, {
      collectorId: a.id,
      source: 'trickle',
      status: 'active',
      sampleCount: 7,
      lastDataAt: minutesAgo(3),
    });
    const quiet1 = await insertRecording(t.id, {
      collectorId: b.id,
      source: 'trickle',
      status: 'active',
      lastDataAt: minutesAgo(1),
    });
    const other = await createTestTenant();
    const foreign = await insertRecording(other.id, {
      collectorId: (await createCollector(other)).id,
      source: 'trickle',
      status: 'active',
      lastDataAt: minutesAgo(30),
    });

    expect(
      (await t.request({ method: 'POST', url: '/dashboard/api/trickle/check-inactive/', auth: 'viewer' })).statusCode,
    ).toBe(403);
    const res = await post(t, '/dashboard/api/trickle/check-inactive/?timeout_minutes=2');
    expect(res.statusCode, res.body).toBe(200);
    expectShape(res.json(), CHECK_INACTIVE);
    expect(res.json()).toEqual({
      completed_count: 1,
      completed_sessions: [{ session_id: quiet3, collector_name: 'a', sample_count: 7 }],
    });
    const status = async (tenantId: string, id: string) =>
      (await recordingsOf(tenantId)).find((r) => r.id === id)?.status;
    expect(await status(t.id, quiet3)).toBe('completed');
    expect(await status(t.id, quiet1)).toBe('active');
    expect(await status(other.id, foreign)).toBe('active');
    expect((await post(t, '/dashboard/api/trickle/check-inactive/?timeout_minutes=2')).json().completed_count).toBe(0);

    // Without timeout_minutes: the tenant's session timeout.
    await t.request({ method: 'PATCH', url: '/api/v1/tenant/', payload: { trickle_session_timeout_minutes: 1 } });
    expect((await post(t, '/dashboard/api/trickle/check-inactive/')).json().completed_sessions).toEqual([
      { session_id: quiet1, collector_name: 'b', sample_count: 0 },
    ]);
    expect((await post(t, '/dashboard/api/trickle/check-inactive/?timeout_minutes=0')).statusCode).toBe(400);
  });
});

describe('a collector’s sessions and session dates', () => {
  it('groups sessions by start date, newest first, filtered by status', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t, { name: 'db' });
    const jan9 = Date.UTC(2026, 0, 9, 16, 0) / 1000;
    const jan10 = Date.UTC(2026, 0, 10, 9, 30) / 1000;
    const s1 = await insertRecording(t.id, {
      collectorId: c.id,
      source: 'trickle',
      name: 'first',
      startedAt: jan9,
      endedAt: jan9 + 600,
      sampleCount: 120,
    });
    const s2 = await insertRecording(t.id, {
      collectorId: c.id,
      source: 'trickle',
      name: 'second',
      startedAt: jan9 + 3600,
      endedAt: jan9 + 3630,
      sampleCount: 6,
    });
    const s3 = await insertRecording(t.id, {
      collectorId: c.id,
      source: 'trickle',
      name: 'third',
      startedAt: jan10,
      endedAt: jan10 + 90,
      sampleCount: 18,
    });
    const now = nowSeconds();
    const live = await insertRecording(t.id, {
      collectorId: c.id,
      source: 'trickle',
      status: 'active',
      startedAt: now - 150,
      endedAt: now - 50,
      sampleCount: 3,
      lastDataAt: minutesAgo(0.5),
    });
    await insertRecording(t.id, { collectorId: c.id, source: 'upload', startedAt: jan10, endedAt: jan10 + 5 }); // no session
    const today = iso(now - 150).slice(0, 10);

    const all = await get(t, `/dashboard/api/collectors/${c.id}/sessions/`);
    expect(all.statusCode, all.body).toBe(200);
    expectShape(all.json(), SESSIONS);
    const item = (id: string, name: string, status: string, start: number, end: number, n: number) => ({
      session_id: id,
      name,
      status,
      started_at: iso(start),
      ended_at: iso(end),
      sample_count: n,
      duration_seconds: end - start,
    });
    expect(all.json()).toMatchObject({
      collector_id: c.id,
      collector_name: 'db',
      dates: [today, '2026-01-10', '2026-01-09'],
      total_sessions: 4,
    });
    expect(all.json().sessions_by_date['2026-01-09']).toEqual([
      item(s2, 'second', 'completed', jan9 + 3600, jan9 + 3630, 6),
      item(s1, 'first', 'completed', jan9, jan9 + 600, 120),
    ]);
    expect(all.json().sessions_by_date['2026-01-10']).toEqual([item(s3, 'third', 'completed', jan10, jan10 + 90, 18)]);
    expect(
      all.json().sessions_by_date[today].map((s: { session_id: string; status: string }) => [s.session_id, s.status]),
    ).toEqual([[live, 'active']]);

    const active = (await get(t, `/dashboard/api/collectors/${c.id}/sessions/?status=active`)).json();
    expect(active).toMatchObject({ dates: [today], total_sessions: 1 });
    const completed = (await get(t, `/dashboard/api/collectors/${c.id}/sessions/?status=completed`)).json();
    expect(completed).toMatchObject({ dates: ['2026-01-10', '2026-01-09'], total_sessions: 3 });
    const saved = (await get(t, `/dashboard/api/collectors/${c.id}/sessions/?status=saved`)).json();
    expect(saved).toMatchObject({ dates: [], sessions_by_date: {}, total_sessions: 0 });
    expect((await get(t, `/dashboard/api/collectors/${c.id}/sessions/?status=nope`)).statusCode).toBe(400);

    const dates = await get(t, `/dashboard/api/collectors/${c.id}/session-dates/`);
    expectShape(dates.json(), SESSION_DATES);
    expect(dates.json()).toEqual({
      collector_id: c.id,
      collector_name: 'db',
      dates: [
        { date: '2026-01-10', session_count: 1 },
        { date: '2026-01-09', session_count: 2 },
      ],
    });
  });
});

describe('one session', () => {
  it('answers its samples in the live shape with the session’s fields; completes it once', async () => {
    const t = await createTestTenant();
    const { c, id, times, busy } = await activeSession(t);
    const detail = await get(t, `/dashboard/api/sessions/${id}/`);
    expect(detail.statusCode, detail.body).toBe(200);
    expectShape(detail.json(), SESSION_DETAIL);
    expect(detail.json()).toMatchObject({
      collector_id: c.id,
      collector_name: 'web',
      session_id: id,
      session_name: 'web session',
      session_status: 'active',
      started_at: iso(times[0] ?? 0),
      ended_at: iso(times[2] ?? 0),
      has_live_data: true,
      sample_count: 3,
      timestamps: times.map(iso),
      cpu: { user: busy, system: [0, 0, 0] },
      disk: { read_mbps: [1, 1, 1], read_bytes: [50e6, 50e6, 50e6] },
    });

    expect(
      (await t.request({ method: 'POST', url: `/dashboard/api/sessions/${id}/complete/`, auth: 'viewer' })).statusCode,
    ).toBe(403);
    const done = await post(t, `/dashboard/api/sessions/${id}/complete/`, { name: 'load test 1' });
    expect(done.statusCode, done.body).toBe(200);
    expectShape(done.json(), SESSION_COMPLETE);
    expect(done.json()).toEqual({
      session_id: id,
      status: 'completed',
      ended_at: iso(times[2] ?? 0),
      sample_count: 3,
      message: 'Session completed',
    });
    expect((await get(t, `/dashboard/api/sessions/${id}/`)).json()).toMatchObject({
      session_name: 'load test 1',
      session_status: 'completed',
    });
    const again = await post(t, `/dashboard/api/sessions/${id}/complete/`);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ error: 'Session is not active' });
    expect((await get(t, '/dashboard/api/trickle/active/')).json().active_count).toBe(0);
  });

  it('another tenant’s session or collector, or a recording that is no session, is 404 {error}', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const { c, id } = await activeSession(other);
    const upload = await insertRecording(t.id, { collectorId: (await createCollector(t)).id, source: 'upload' });
    for (const session of [id, upload, randomUUID()]) {
      for (const res of [
        await get(t, `/dashboard/api/sessions/${session}/`),
        await post(t, `/dashboard/api/sessions/${session}/complete/`, {}),
      ]) {
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ error: 'Session not found' });
      }
    }
    for (const route of ['sessions', 'session-dates']) {
      const res = await get(t, `/dashboard/api/collectors/${c.id}/${route}/`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'Collector not found' });
    }
    expect((await recordingsOf(other.id)).find((r) => r.id === id)?.status).toBe('active');
  });
});

describe('a real January recording replayed through /v1/trickle', () => {
  it('is one active session, listed, dated, read and completed through the reference routes', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t, { name: 'azure-1' });
    const measurements = parseCollection(fixture('sys-info-test', 'sys-info-test.json').toString('utf8')).measurements;
    const rounds = [...new Set(measurements.map((m) => m.timestamp))];
    for (const ts of rounds) {
      const res = await agentRequest(t, undefined, {
        method: 'POST',
        url: '/v1/trickle',
        headers: { apikey: c.api_key, 'content-type': 'application/json' },
        payload: { identifier: 'machine-1', measurements: measurements.filter((m) => m.timestamp === ts) },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const rows = await hostSeries(t.id, c.id);
    expect(rows.map((r) => r.t)).toEqual(rounds.slice(1));
    const first = rounds[0] ?? 0;
    const last = rounds.at(-1) ?? 0;

    const active = (await get(t, '/dashboard/api/trickle/active/')).json();
    expectShape(active, TRICKLE_ACTIVE);
    expect(active).toMatchObject({
      active_count: 1,
      sessions: [
        {
          collector_id: c.id,
          collector_name: 'azure-1',
          started_at: iso(first),
          sample_count: rounds.length - 1,
          duration_seconds: last - first,
          avg_cpu_percent: round2(mean(rows.map((r) => r.cpu_busy ?? Number.NaN))),
          avg_mem_percent: round2(mean(rows.map((r) => r.mem_used_pct ?? Number.NaN))),
        },
      ],
    });
    const id = active.sessions[0].session_id;

    const listed = (await get(t, `/dashboard/api/collectors/${c.id}/sessions/`)).json();
    expect(listed).toMatchObject({ dates: [iso(first).slice(0, 10)], total_sessions: 1 });
    expect(listed.sessions_by_date[iso(first).slice(0, 10)][0]).toMatchObject({
      session_id: id,
      status: 'active',
      started_at: iso(first),
      ended_at: iso(last),
      sample_count: rounds.length - 1,
    });

    const detail = (await get(t, `/dashboard/api/sessions/${id}/`)).json();
    expectShape(detail, SESSION_DETAIL);
    expect(detail.timestamps).toEqual(rows.map((r) => iso(r.t)));
    expect(detail.cpu.user).toEqual(rows.map((r) => r.cpu_user ?? 0));
    expect(detail.cpu.idle).toEqual(rows.map((r) => r.cpu_idle ?? 0));

    const done = (await post(t, `/dashboard/api/sessions/${id}/complete/`, { name: 'January run' })).json();
    expect(done).toMatchObject({
      session_id: id,
      status: 'completed',
      ended_at: iso(last),
      sample_count: rounds.length - 1,
    });
    expect((await get(t, `/dashboard/api/collectors/${c.id}/session-dates/`)).json().dates).toEqual([
      { date: iso(first).slice(0, 10), session_count: 1 },
    ]);
    expect((await get(t, '/dashboard/api/trickle/active/')).json().active_count).toBe(0);
    expect((await get(t, `/api/v1/recordings/${id}/`)).json()).toMatchObject({
      name: 'January run',
      status: 'completed',
    });
  });
});
