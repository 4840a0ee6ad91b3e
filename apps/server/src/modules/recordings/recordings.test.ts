import type { Recording } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../test/helpers.ts';
import { summarizeWindow } from '../metrics/query/field-stats.queries.ts';
import { DAY, daysAgo, hostSample, recordSeries, storeRecording, storeSamples } from './test-support.ts';

interface RecordingPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: Recording[];
}

const at = (epoch: number) => new Date(epoch * 1000);
const isoAt = (epoch: number) => at(epoch).toISOString();

describe('GET /api/v1/recordings/', () => {
  it('lists the tenant’s recordings: filters, search, ordering and pages', async () => {
    const t = await createTestTenant();
    const web = await createCollector(t, { name: 'web-01' });
    const db = await createCollector(t, { name: 'db-01' });
    const old = daysAgo(120);
    await storeRecording(t, web.id, { name: 'Azure January', source: 'upload', startedAt: at(old), sampleCount: 30 });
    await storeRecording(t, web.id, {
      name: 'trickled run',
      source: 'trickle',
      status: 'active',
      startedAt: at(old + 2 * DAY),
      sampleCount: 10,
      lastDataAt: new Date(),
    });
    await storeRecording(t, db.id, {
      name: 'kept window',
      description: 'the spike on Tuesday',
      source: 'live',
      startedAt: at(old + DAY),
      sampleCount: 20,
    });
    await storeRecording(t, db.id, { name: 'empty upload', source: 'upload', startedAt: null });
    const list = async (query: string) => {
      const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${query}`, auth: 'viewer' });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<RecordingPage>();
    };
    const names = (page: RecordingPage) => page.results.map((r) => r.name);

    const all = await list('');
    expect(all.count).toBe(4);
    // Newest start first, one without a start last.
    expect(names(all)).toEqual(['trickled run', 'kept window', 'Azure January', 'empty upload']);
    expect(all.results[0]).toMatchObject({
      collector: web.id,
      collector_name: 'web-01',
      source: 'trickle',
      status: 'active',
      sample_count: 10,
    });
    expect(names(await list(`?collector_id=${db.id}`))).toEqual(['kept window', 'empty upload']);
    expect(names(await list('?source=upload'))).toEqual(['Azure January', 'empty upload']);
    expect(names(await list('?search=tuesday'))).toEqual(['kept window']);
    expect(names(await list('?search=WEB-0'))).toEqual(['trickled run', 'Azure January']);
    expect(names(await list('?ordering=name'))).toEqual([
      'Azure January',
      'empty upload',
      'kept window',
      'trickled run',
    ]);
    expect(names(await list('?ordering=-sample_count'))).toEqual([
      'Azure January',
      'kept window',
      'trickled run',
      'empty upload',
    ]);
    expect(names(await list('?ordering=started_at'))).toEqual([
      'Azure January',
      'kept window',
      'trickled run',
      'empty upload',
    ]);

    const first = await list('?page_size=3');
    expect(first).toMatchObject({ count: 4, previous: null });
    expect(first.results).toHaveLength(3);
    expect(first.next).toMatch(/page=2/);
    const second = await list('?page_size=3&page=2');
    expect(names(second)).toEqual(['empty upload']);
    expect(second.next).toBeNull();

    for (const bad of ['?source=tape', '?ordering=size', '?collector_id=nope', '?page_size=0']) {
      const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${bad}` });
      expect(res.statusCode, bad).toBe(400);
    }
  });

  it('shows an active trickle session as completed once no round came for the tenant’s timeout', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const quiet = await storeRecording(t, id, {
      source: 'trickle',
      status: 'active',
      lastDataAt: new Date(Date.now() - 10 * 60_000),
    });
    expect(quiet.status).toBe('completed'); // default timeout: 5 minutes
    const patched = await t.request({
      method: 'PATCH',
      url: '/api/v1/tenant/',
      payload: { trickle_session_timeout_minutes: 30 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const again = await t.request({ method: 'GET', url: `/api/v1/recordings/${quiet.id}/` });
    expect(again.json<Recording>().status).toBe('active');
  });
});

describe('POST /api/v1/recordings/ (keep a live window)', () => {
  it('keeps the window from its first to its last sample, with its count and interval', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const t0 = daysAgo(1);
    await storeSamples(
      t,
      id,
      Array.from({ length: 12 }, (_, i) => hostSample(t0 + 10 * i, { cpu_busy: i })),
    );
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/recordings/',
      payload: { collector: id, name: ' spike ', start: isoAt(t0 + 15), end: isoAt(t0 + 95) },
      auth: 'member',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<Recording>()).toMatchObject({
      collector: id,
      name: 'spike',
      description: '',
      source: 'live',
      status: 'completed',
      started_at: isoAt(t0 + 20),
      ended_at: isoAt(t0 + 90),
      duration_seconds: 70,
      sample_count: 8,
      interval_seconds: 10,
    });
  });

  it('refuses bad windows and unknown servers naming the field; viewers may not keep', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const { id } = await createCollector(t);
    const foreign = await createCollector(other);
    const t0 = daysAgo(1);
    await storeSamples(t, id, [hostSample(t0, { cpu_busy: 1 }), hostSample(t0 + 10, { cpu_busy: 2 })]);
    const post = (payload: Record<string, unknown>, auth: 'member' | 'viewer' = 'member') =>
      t.request({
        method: 'POST',
        url: '/api/v1/recordings/',
        payload: { collector: id, name: 'w', start: isoAt(t0), end: isoAt(t0 + 10), ...payload },
        auth,
      });
    const cases: [Record<string, unknown>, string][] = [
      [{ end: isoAt(t0 - 10) }, 'end'],
      [{ start: isoAt(t0 + 10) }, 'end'],
      [{ start: isoAt(Date.now() / 1000 + 3600), end: isoAt(Date.now() / 1000 + 7200) }, 'start'],
      [{ start: isoAt(t0 - 3600), end: isoAt(t0 - 60) }, 'start'],
      [{ collector: foreign.id }, 'collector'],
      [{ name: '  ' }, 'name'],
      [{ name: '' }, 'name'],
      [{ start: 'yesterday' }, 'start'],
    ];
    for (const [payload, field] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(res.json()), JSON.stringify(payload)).toContain(field);
    }
    expect((await post({}, 'viewer')).statusCode).toBe(403);
    expect((await post({})).statusCode).toBe(201);
  });
});

describe('GET/PATCH/DELETE /api/v1/recordings/:id/', () => {
  it('renames, describes and completes an active trickle session', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const session = await storeRecording(t, id, { source: 'trickle', status: 'active', lastDataAt: new Date() });
    expect(session.status).toBe('active');
    const patch = (payload: Record<string, unknown>) =>
      t.request({ method: 'PATCH', url: `/api/v1/recordings/${session.id}/`, payload, auth: 'member' });

    const renamed = await patch({ name: 'Azure D4s', description: 'before the upgrade' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json<Recording>()).toMatchObject({
      name: 'Azure D4s',
      description: 'before the upgrade',
      status: 'active',
    });
    const completed = await patch({ status: 'completed' });
    expect(completed.json<Recording>()).toMatchObject({ name: 'Azure D4s', status: 'completed' });
    const read = await t.request({ method: 'GET', url: `/api/v1/recordings/${session.id}/` });
    expect(read.json<Recording>().status).toBe('completed');

    for (const bad of [{ name: ' ' }, { status: 'active' }, { name: 'x'.repeat(201) }]) {
      const res = await patch(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(Object.keys(res.json())).toEqual([Object.keys(bad)[0]]);
    }
    const viewer = await t.request({
      method: 'PATCH',
      url: `/api/v1/recordings/${session.id}/`,
      payload: { name: 'x' },
      auth: 'viewer',
    });
    expect(viewer.statusCode).toBe(403);
  });

  it('deletes a recording with its series: 204, then 404; a kept live window releases its samples', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const { database } = await getApp();
    const t0 = daysAgo(90);
    const samplesIn = (from: number, to: number) =>
      summarizeWindow(database.db, t.id, id, { from, to }).then((w) => w.count);
    const recording = await recordSeries(t, id, t0, [{ cpu_busy: 1 }, { cpu_busy: 2 }, { cpu_busy: 3 }]);
    expect(await samplesIn(t0, t0 + 60)).toBe(3);
    const remove = (recordingId: string, auth: 'viewer' | 'member' = 'member') =>
      t.request({ method: 'DELETE', url: `/api/v1/recordings/${recordingId}/`, auth });
    expect((await remove(recording.id, 'viewer')).statusCode).toBe(403);
    expect(await samplesIn(t0, t0 + 60)).toBe(3);
    const deleted = await remove(recording.id);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(await samplesIn(t0, t0 + 60)).toBe(0);
    for (const path of ['', 'summary/', 'series/', 'export/']) {
      const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${recording.id}/${path}` });
      expect(res.statusCode, path).toBe(404);
    }
    expect((await remove(recording.id)).statusCode).toBe(404);

    // A window of live data kept, then let go: its samples stay under the live retention.
    const recent = daysAgo(1);
    await storeSamples(t, id, [hostSample(recent, { cpu_busy: 4 }), hostSample(recent + 10, { cpu_busy: 5 })]);
    const kept = await t.request({
      method: 'POST',
      url: '/api/v1/recordings/',
      payload: { collector: id, name: 'kept', start: isoAt(recent), end: isoAt(recent + 10) },
    });
    expect(kept.statusCode, kept.body).toBe(201);
    expect((await remove(kept.json<Recording>().id)).statusCode).toBe(204);
    expect(await samplesIn(recent, recent + 10)).toBe(2);
  });

  it('answers 404 for another tenant’s recording on every route, and leaves it alone', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const { id } = await createCollector(other);
    const theirs = await recordSeries(other, id, daysAgo(40), [{ cpu_busy: 5 }, { cpu_busy: 6 }]);
    const mine = await recordSeries(t, (await createCollector(t)).id, daysAgo(40), [{ cpu_busy: 1 }]);
    for (const [method, path] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['GET', 'summary/'],
      ['GET', 'series/'],
      ['GET', 'export/?format=json'],
    ] as const) {
      const res = await t.request({
        method,
        url: `/api/v1/recordings/${theirs.id}/${path}`,
        ...(method === 'PATCH' ? { payload: { name: 'mine now' } } : {}),
      });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
    }
    const list = await t.request({ method: 'GET', url: '/api/v1/recordings/' });
    expect(list.json<RecordingPage>().results.map((r) => r.id)).toEqual([mine.id]);
    const compare = await t.request({
      method: 'GET',
      url: `/api/v1/recordings/compare/?ids=${mine.id},${theirs.id}`,
    });
    expect(compare.statusCode).toBe(400);
    expect(compare.json()).toEqual({ ids: [`Unknown recording: ${theirs.id}`] });
    const still = await other.request({ method: 'GET', url: `/api/v1/recordings/${theirs.id}/` });
    expect(still.json<Recording>()).toMatchObject({ name: theirs.name, sample_count: 2 });
  });
});
