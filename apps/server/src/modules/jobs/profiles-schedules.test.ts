import { randomUUID } from 'node:crypto';
import { BUILTIN_PROFILES } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { createTestTenant, getApp } from '../../../test/helpers.ts';
import { withTenant } from '../../db/access-scope.ts';
import { nextRunAfter, runDueSchedulesForAllTenants } from './run-schedules.ts';
import { createAgent, startJobs } from './test-support.ts';

const profile = {
  name: 'nightly-disk',
  label: 'Disk, big file',
  benchmarks: ['disk'],
  runs: 5,
  step_seconds: 10,
  disk_size_mb: 2048,
};

describe('benchmark profiles', () => {
  it('lists the built-in ones, then the tenant’s own; adds and deletes its own; jobs run them', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const listed = await t.request({ method: 'GET', url: '/api/v1/benchmark-profiles/', auth: 'viewer' });
    expect(listed.json().results).toEqual(BUILTIN_PROFILES);

    const created = await t.request({
      method: 'POST',
      url: '/api/v1/benchmark-profiles/',
      payload: profile,
      auth: 'member',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ ...profile, builtin: false });
    const after = await t.request({ method: 'GET', url: '/api/v1/benchmark-profiles/' });
    expect(after.json().count).toBe(BUILTIN_PROFILES.length + 1);
    expect(after.json().results.at(-1)).toEqual({ ...profile, builtin: false });
    // Another tenant neither sees nor runs it.
    const theirs = await other.request({ method: 'GET', url: '/api/v1/benchmark-profiles/' });
    expect(theirs.json().count).toBe(BUILTIN_PROFILES.length);

    const a = await createAgent(t);
    const [job] = await startJobs(t, { collector_ids: [a.id], profile: 'nightly-disk', disk_dir: '/var/tmp' });
    expect(job).toMatchObject({ profile: 'nightly-disk', benchmarks: ['disk'], runs: 5 });
    expect((await a.poll()).json()).toMatchObject({ step_seconds: 10, disk_size_mb: 2048, disk_dir: '/var/tmp' });
    const b = await createAgent(other);
    const refused = await other.request({
      method: 'POST',
      url: '/api/v1/jobs/',
      payload: { collector_ids: [b.id], profile: 'nightly-disk' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toHaveProperty('profile');

    expect(
      (await other.request({ method: 'DELETE', url: '/api/v1/benchmark-profiles/nightly-disk/' })).statusCode,
    ).toBe(404);
    const deleted = await t.request({
      method: 'DELETE',
      url: '/api/v1/benchmark-profiles/nightly-disk/',
      auth: 'member',
    });
    expect(deleted.statusCode).toBe(204);
    expect((await t.request({ method: 'DELETE', url: '/api/v1/benchmark-profiles/nightly-disk/' })).statusCode).toBe(
      404,
    );
  });

  it('refuses a taken or built-in name, bad figures, deleting a built-in or a scheduled one, and viewers', async () => {
    const t = await createTestTenant();
    const post = (payload: Record<string, unknown>, auth: 'member' | 'viewer' = 'member') =>
      t.request({ method: 'POST', url: '/api/v1/benchmark-profiles/', payload, auth });
    expect((await post(profile, 'viewer')).statusCode).toBe(403);
    const builtin = await post({ ...profile, name: 'quick' });
    expect(builtin.statusCode).toBe(400);
    expect(builtin.json().name[0]).toMatch(/exists already/);
    expect((await post(profile)).statusCode).toBe(201);
    expect((await post(profile)).json()).toHaveProperty('name');
    const bad = await post({ name: 'Bad Name', benchmarks: ['gpu'], runs: 0, step_seconds: 0.01, disk_size_mb: 1 });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json()).sort()).toEqual(['benchmarks.0', 'disk_size_mb', 'name', 'runs', 'step_seconds']);

    const quick = await t.request({ method: 'DELETE', url: '/api/v1/benchmark-profiles/quick/' });
    expect(quick.statusCode).toBe(400);
    expect(quick.json().name[0]).toMatch(/built-in/);
    await t.request({
      method: 'POST',
      url: '/api/v1/benchmark-schedules/',
      payload: { profile: 'nightly-disk', every_hours: 24 },
    });
    const scheduled = await t.request({ method: 'DELETE', url: '/api/v1/benchmark-profiles/nightly-disk/' });
    expect(scheduled.statusCode).toBe(400);
    expect(scheduled.json().name[0]).toMatch(/1 schedule/);
  });
});

describe('benchmark schedules', () => {
  it('are created, listed, changed and deleted; another tenant gets 404', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const a = await createAgent(t, { name: 'db-1' });
    const goPcc = await createAgent(t, { polled: false });
    const next = new Date(Date.now() + 3_600_000).toISOString();
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/benchmark-schedules/',
      payload: { collector: a.id, profile: 'quick', every_hours: 6, next_run_at: next },
      auth: 'member',
    });
    expect(created.statusCode).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({
      collector: a.id,
      collector_name: 'db-1',
      profile: 'quick',
      every_hours: 6,
      next_run_at: next,
      enabled: true,
      drop_alert_pct: 10,
    });
    const list = await t.request({ method: 'GET', url: '/api/v1/benchmark-schedules/', auth: 'viewer' });
    expect(list.json().results).toEqual([s]);
    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/benchmark-schedules/${s.id}/`,
      payload: { collector: null, enabled: false, drop_alert_pct: 25 },
    });
    expect(patched.json()).toMatchObject({ collector: null, collector_name: null, enabled: false, drop_alert_pct: 25 });

    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/benchmark-schedules/',
      payload: { collector: goPcc.id, profile: 'nope', every_hours: 0.01 },
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['every_hours']);
    const refused = await t.request({
      method: 'POST',
      url: '/api/v1/benchmark-schedules/',
      payload: { collector: goPcc.id, profile: 'nope', every_hours: 1 },
    });
    expect(Object.keys(refused.json()).sort()).toEqual(['collector', 'profile']);
    expect(refused.json().collector[0]).toMatch(/never asked for jobs/);

    for (const method of ['PATCH', 'DELETE'] as const)
      expect(
        (await other.request({ method, url: `/api/v1/benchmark-schedules/${s.id}/`, payload: { enabled: true } }))
          .statusCode,
      ).toBe(404);
    expect((await other.request({ method: 'GET', url: '/api/v1/benchmark-schedules/' })).json().count).toBe(0);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/benchmark-schedules/', auth: 'viewer', payload: {} }))
        .statusCode,
    ).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/benchmark-schedules/${s.id}/` })).statusCode).toBe(204);
    expect(
      (await t.request({ method: 'PATCH', url: `/api/v1/benchmark-schedules/${randomUUID()}/`, payload: {} }))
        .statusCode,
    ).toBe(404);
  });

  it('start jobs when due — one server, or every server that runs jobs — and move to their next time', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const a = await createAgent(t);
    const b = await createAgent(t);
    await createAgent(t, { polled: false });
    const first = new Date(Date.now() + 3_600_000);
    const post = (payload: Record<string, unknown>) =>
      t.request({
        method: 'POST',
        url: '/api/v1/benchmark-schedules/',
        payload: { ...payload, next_run_at: first.toISOString() },
      });
    const fleet = (await post({ profile: 'quick', every_hours: 6 })).json();
    const one = (await post({ collector: a.id, profile: 'cpu', every_hours: 1 })).json();
    const off = (await post({ collector: b.id, profile: 'cpu', every_hours: 1, enabled: false })).json();

    // Not yet due: nothing. (Run in this tenant's scope: other tests' schedules are none of this one's business.)
    const run = (at: Date) => withTenant(t.id, () => runDueSchedulesForAllTenants(database.db, at));
    expect(await run(new Date(first.getTime() - 1000))).toEqual([]);
    // 2.5 h late: each due schedule runs once, next on its grid after now.
    const late = new Date(first.getTime() + 2.5 * 3_600_000);
    const started = await run(late);
    expect(started.map((s) => s.scheduleId).sort()).toEqual([fleet.id, one.id].sort());
    const jobs = await t.request({ method: 'GET', url: '/api/v1/jobs/?page_size=100' });
    const byProfile = (p: string) =>
      jobs
        .json()
        .results.filter((j: { profile: string }) => j.profile === p)
        .map((j: { collector: string }) => j.collector);
    expect(byProfile('quick').sort()).toEqual([a.id, b.id].sort());
    expect(byProfile('cpu')).toEqual([a.id]);
    expect(jobs.json().results.every((j: { created_by: unknown }) => j.created_by === null)).toBe(true);
    const list = (await t.request({ method: 'GET', url: '/api/v1/benchmark-schedules/' })).json().results;
    const at = (id: string) => list.find((s: { id: string }) => s.id === id)?.next_run_at;
    expect(at(fleet.id)).toBe(new Date(first.getTime() + 6 * 3_600_000).toISOString());
    expect(at(one.id)).toBe(new Date(first.getTime() + 3 * 3_600_000).toISOString());
    expect(at(off.id)).toBe(first.toISOString());

    // Due again while its server still has that profile's job waiting: that round starts nothing.
    const again = await run(new Date(first.getTime() + 3.5 * 3_600_000));
    expect(again).toEqual([expect.objectContaining({ scheduleId: one.id, jobs: [], skipped: expect.any(String) })]);
  });

  it('compute the next run on the schedule’s grid', () => {
    const start = new Date('2025-01-01T00:00:00Z');
    expect(nextRunAfter(start, 6, new Date('2025-01-01T00:00:00Z')).toISOString()).toBe('2025-01-01T06:00:00.000Z');
    expect(nextRunAfter(start, 6, new Date('2025-01-01T13:00:00Z')).toISOString()).toBe('2025-01-01T18:00:00.000Z');
    expect(nextRunAfter(start, 0.5, new Date('2024-12-31T00:00:00Z')).toISOString()).toBe('2025-01-01T00:30:00.000Z');
  });
});
