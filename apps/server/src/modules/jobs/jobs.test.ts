import { randomUUID } from 'node:crypto';
import { BUILTIN_PROFILES } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../test/helpers.ts';
import { estimateSuiteSeconds } from './estimate.ts';
import { createAgent, getJob, type JobBody, startJobs } from './test-support.ts';

const quick = BUILTIN_PROFILES.find((p) => p.name === 'quick');

describe('jobs: start, list, show, cancel', () => {
  it('starts a profile on two servers, staggered, in one group', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t, { name: 'web-1' });
    const b = await createAgent(t, { name: 'web-2' });
    const before = Date.now();
    const jobs = await startJobs(t, { collector_ids: [a.id, b.id], profile: 'quick', stagger_seconds: 120 });
    expect(jobs).toHaveLength(2);
    const [first, second] = jobs as [JobBody, JobBody];
    expect(first).toMatchObject({
      collector: a.id,
      collector_name: 'web-1',
      profile: 'quick',
      benchmarks: quick?.benchmarks,
      runs: quick?.runs,
      status: 'queued',
      progress: null,
      error: null,
      result_id: null,
      started_at: null,
      finished_at: null,
    });
    expect(typeof first.created_by).toBe('string');
    expect(second.group_id).toBe(first.group_id);
    const gap = Date.parse(second.not_before) - Date.parse(first.not_before);
    expect(gap).toBe(120_000);
    expect(Date.parse(first.not_before)).toBeGreaterThanOrEqual(before - 1000);
    // The timeout leaves room: more than the profile's estimate.
    if (quick) expect(first.timeout_seconds).toBeGreaterThan(estimateSuiteSeconds(quick, null));

    const shown = await getJob(t, first.id);
    expect(shown).toEqual(first);
    const group = await t.request({ method: 'GET', url: `/api/v1/jobs/?group_id=${first.group_id}`, auth: 'viewer' });
    expect(group.json().count).toBe(2);
    const ofB = await t.request({ method: 'GET', url: `/api/v1/jobs/?collector_id=${b.id}` });
    expect(ofB.json().results.map((j: JobBody) => j.id)).toEqual([second.id]);
    const paged = await t.request({ method: 'GET', url: '/api/v1/jobs/?page_size=1' });
    expect(paged.json()).toMatchObject({ count: 2, previous: null });
    expect(paged.json().next).toContain('page=2');
    const running = await t.request({ method: 'GET', url: '/api/v1/jobs/?status=running' });
    expect(running.json().count).toBe(0);
  });

  it('takes fewer benchmarks and other repeats, but none outside the profile', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t);
    const [job] = await startJobs(t, { collector_ids: [a.id], profile: 'quick', benchmarks: ['memory'], runs: 1 });
    expect(job).toMatchObject({ benchmarks: ['memory'], runs: 1 });
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/jobs/',
      payload: { collector_ids: [a.id], profile: 'disk', benchmarks: ['disk', 'memory'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().benchmarks[0]).toMatch(/memory/);
  });

  it('names every bad field: unknown profile, another tenant’s server, a server whose agent never asked for jobs', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const foreign = await createAgent(other);
    const goPcc = await createAgent(t, { polled: false, name: 'go-pcc-box' });
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/jobs/',
      payload: { collector_ids: [foreign.id, goPcc.id], profile: 'nope' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.profile).toEqual(['Unknown profile "nope".']);
    expect(body.collector_ids).toHaveLength(2);
    expect(body.collector_ids[0]).toContain(foreign.id);
    expect(body.collector_ids[1]).toMatch(/"go-pcc-box" has never asked for jobs/);
    // Nothing was started for anyone.
    expect((await t.request({ method: 'GET', url: '/api/v1/jobs/' })).json().count).toBe(0);
    // Unknown fields and shapes are the schema's 400s.
    const bad = await t.request({ method: 'POST', url: '/api/v1/jobs/', payload: { collector_ids: [], profile: '' } });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json()).sort()).toEqual(['collector_ids', 'profile']);
  });

  it('lets a member start and cancel, a viewer only look', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t);
    const asViewer = await t.request({
      method: 'POST',
      url: '/api/v1/jobs/',
      payload: { collector_ids: [a.id], profile: 'quick' },
      auth: 'viewer',
    });
    expect(asViewer.statusCode).toBe(403);
    const [job] = await startJobs(t, { collector_ids: [a.id], profile: 'quick' });
    if (!job) throw new Error('no job');
    const cancelAsViewer = await t.request({ method: 'POST', url: `/api/v1/jobs/${job.id}/cancel/`, auth: 'viewer' });
    expect(cancelAsViewer.statusCode).toBe(403);
    const cancelled = await t.request({ method: 'POST', url: `/api/v1/jobs/${job.id}/cancel/`, auth: 'member' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      error: expect.stringMatching(/^Cancelled by member-/),
    });
    expect(cancelled.json().finished_at).not.toBeNull();
    // Cancelling again answers the job as it is; the agent never gets it.
    const again = await t.request({ method: 'POST', url: `/api/v1/jobs/${job.id}/cancel/` });
    expect(again.json()).toEqual(cancelled.json());
    expect((await a.poll()).statusCode).toBe(204);
  });

  it('answers 404 for another tenant’s job, to people and to agents', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const a = await createAgent(t);
    const stranger = await createAgent(other);
    const [job] = await startJobs(t, { collector_ids: [a.id], profile: 'cpu' });
    if (!job) throw new Error('no job');
    expect((await other.request({ method: 'GET', url: `/api/v1/jobs/${job.id}/` })).statusCode).toBe(404);
    expect((await other.request({ method: 'POST', url: `/api/v1/jobs/${job.id}/cancel/` })).statusCode).toBe(404);
    expect((await other.request({ method: 'GET', url: '/api/v1/jobs/' })).json().count).toBe(0);
    expect((await stranger.poll()).statusCode).toBe(204);
    expect((await stranger.progress(job.id)).statusCode).toBe(404);
    expect((await stranger.finish(job.id, { status: 'cancelled' })).statusCode).toBe(404);
    // Nor does another server's agent of the same tenant see it.
    const neighbour = await createAgent(t);
    expect((await neighbour.progress(job.id)).statusCode).toBe(404);
    expect((await getJob(t, job.id)).status).toBe('queued');
    expect((await t.request({ method: 'GET', url: `/api/v1/jobs/${randomUUID()}/` })).statusCode).toBe(404);
  });

  it('records that an agent asks for jobs, and what it can do', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const c = await createCollector(t);
    const { findCollector } = await import('../collectors/collectors.queries.ts');
    expect((await findCollector(database.db, t.id, c.id))?.jobsPolledAt).toBeNull();
    const res = await t.request({
      method: 'GET',
      url: '/api/v1/agent/jobs/next/',
      auth: false,
      headers: { 'x-api-key': c.api_key, 'x-xat-agent-capabilities': 'jobs,suite' },
    });
    expect(res.statusCode).toBe(204);
    const row = await findCollector(database.db, t.id, c.id);
    expect(row?.jobsPolledAt).toBeInstanceOf(Date);
    expect(row?.agentCapabilities).toBe('jobs,suite');
    // A person's token is no agent key.
    const asPerson = await t.request({ method: 'GET', url: '/api/v1/agent/jobs/next/' });
    expect(asPerson.statusCode).toBe(401);
  });
});
