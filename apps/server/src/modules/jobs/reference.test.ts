import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestTenant } from '../../../test/helpers.ts';
import { suiteResult } from '../benchmark-runs/test-results.ts';
import { createAgent, getJob } from './test-support.ts';

describe('the reference’s POST /api/v1/loadtest(s)/run/<collector>/', () => {
  it('starts the CPU sweep once as a job, under both spellings, and answers the job', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t, { name: 'oci-2' });
    for (const base of ['/api/v1/loadtests', '/api/v1/loadtest']) {
      const res = await t.request({ method: 'POST', url: `${base}/run/${a.id}/`, payload: {}, auth: 'member' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        collector: a.id,
        collector_name: 'oci-2',
        profile: 'cpu',
        benchmarks: ['cpu_sweep'],
        runs: 1,
        status: 'queued',
      });
      expect(await getJob(t, res.json().id)).toEqual(res.json());
    }
    // The agent gets the first of them.
    const polled = await a.poll();
    expect(polled.json()).toMatchObject({ benchmarks: ['cpu_sweep'], runs: 1 });
  });

  it('answers 404 for an unknown or another tenant’s server, 400 for one whose agent cannot run jobs, 403 for a viewer', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const foreign = await createAgent(other);
    const goPcc = await createAgent(t, { polled: false, name: 'go-box' });
    const ours = await createAgent(t);
    const run = (id: string, auth: 'member' | 'viewer' = 'member') =>
      t.request({ method: 'POST', url: `/api/v1/loadtests/run/${id}/`, auth });
    expect((await run(randomUUID())).statusCode).toBe(404);
    expect((await run(foreign.id)).statusCode).toBe(404);
    const refused = await run(goPcc.id);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'agent_cannot_run_jobs' });
    expect(refused.json().detail).toMatch(/"go-box" has never asked for jobs/);
    expect((await run(ours.id, 'viewer')).statusCode).toBe(403);
    expect((await run('not-a-uuid')).statusCode).toBe(400);
  });
});

describe('the reference’s /api/v1/pcc/benchmark/compare', () => {
  it('runs on the servers as one job group and reports it in the reference’s shape, results when done', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t, { name: 'azure-4' });
    const b = await createAgent(t, { name: 'oci-2' });
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/pcc/benchmark/compare',
      payload: {
        servers: [
          { server_id: a.id, name: 'azure-4', server_info: { cpu: 4 } },
          { server_id: b.id, name: 'oci-2' },
        ],
        benchmark_id: 'perfcollector-loadtest',
        duration: '300s',
      },
      auth: 'member',
    });
    expect(created.statusCode).toBe(201);
    const { success, comparison_id, message } = created.json();
    expect(success).toBe(true);
    expect(message).toMatch(/2 server/);
    const url = `/api/v1/pcc/benchmark/compare/${comparison_id}`;
    const read = async (query = '') => {
      const res = await t.request({ method: 'GET', url: `${url}${query}`, auth: 'viewer' });
      expect(res.statusCode).toBe(200);
      return res.json();
    };

    const pending = await read();
    expect(pending).toMatchObject({
      success: true,
      comparison_id,
      type: 'benchmark',
      benchmark_id: 'perfcollector-loadtest',
      status: 'pending',
      progress: 0,
      servers: [
        { server_id: a.id, name: 'azure-4', status: 'pending', progress: 0, job_status: 'queued' },
        { server_id: b.id, name: 'oci-2', status: 'pending', progress: 0, job_status: 'queued' },
      ],
    });
    expect(pending.duration).toMatch(/^\d+s$/);
    expect(pending).not.toHaveProperty('results');
    expect(pending).not.toHaveProperty('completed_at');
    // The same group through the jobs API.
    const jobs = await t.request({ method: 'GET', url: `/api/v1/jobs/?group_id=${comparison_id}` });
    expect(jobs.json().count).toBe(2);

    const jobA = (await a.poll()).json().id;
    await a.progress(jobA, { step: 5, steps: 10, elapsed_seconds: 12, message: 'sweep: 50 %' });
    const running = await read();
    expect(running).toMatchObject({ status: 'running', progress: 25 });
    expect(running.servers[0]).toMatchObject({ status: 'running', progress: 50, message: 'sweep: 50 %' });
    expect(running.phase).toContain('azure-4: sweep: 50 %');

    await a.finish(jobA, {
      status: 'succeeded',
      result: suiteResult({ 'cpu_sweep.units_100pct': [180, 182, 184] }, { profile: 'cpu' }),
    });
    const jobB = (await b.poll()).json().id;
    await b.finish(jobB, { status: 'failed', code: 'busy', message: 'The machine was busy.' });
    const done = await read();
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    expect(Date.parse(done.completed_at)).toBeGreaterThanOrEqual(Date.parse(done.started_at));
    expect(done.servers.map((s: { status: string }) => s.status)).toEqual(['completed', 'failed']);
    expect(done.results).toEqual([
      {
        server_id: a.id,
        name: 'azure-4',
        status: 'completed',
        result_id: expect.any(String),
        error: null,
        validity: expect.any(String),
        metrics: { 'cpu_sweep.units_100pct': 182 },
      },
      {
        server_id: b.id,
        name: 'oci-2',
        status: 'failed',
        result_id: null,
        error: 'The machine was busy.',
        validity: null,
        metrics: {},
      },
    ]);
    // Raw data is what was measured, never made up.
    const raw = await read('?include_raw_data=true');
    expect(raw.results[0].benchmarks[0].runs.map((r: { metrics: Record<string, number> }) => r.metrics)).toEqual([
      { 'cpu_sweep.units_100pct': 180 },
      { 'cpu_sweep.units_100pct': 182 },
      { 'cpu_sweep.units_100pct': 184 },
    ]);
    expect(raw.results[1].benchmarks).toEqual([]);
  });

  it('runs a profile named as benchmark_id, and names the bad fields as the reference’s request does', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const a = await createAgent(t);
    const foreign = await createAgent(other);
    const post = (payload: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/pcc/benchmark/compare', payload, auth: 'member' });
    const quick = await post({ servers: [{ server_id: a.id }], benchmark_id: 'quick' });
    expect(quick.statusCode).toBe(201);
    const shown = await t.request({
      method: 'GET',
      url: `/api/v1/pcc/benchmark/compare/${quick.json().comparison_id}`,
    });
    expect(shown.json()).toMatchObject({ benchmark_id: 'quick', status: 'pending' });

    const bad = await post({ servers: [{ server_id: foreign.id }], benchmark_id: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json()).sort()).toEqual(['benchmark_id', 'servers']);
    const twice = await post({ servers: [{ server_id: a.id }, { server_id: a.id }] });
    expect(twice.statusCode).toBe(400);
    expect(twice.json()).toHaveProperty('servers');
    expect((await post({ servers: [] })).statusCode).toBe(400);
  });

  it('answers 404 “Comparison not found or expired” for an unknown or another tenant’s comparison', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const a = await createAgent(t);
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/pcc/benchmark/compare',
      payload: { servers: [{ server_id: a.id }] },
      auth: 'member',
    });
    for (const [tenant, id] of [
      [other, created.json().comparison_id],
      [t, randomUUID()],
    ] as const) {
      const res = await tenant.request({ method: 'GET', url: `/api/v1/pcc/benchmark/compare/${id}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({
        detail: 'Comparison not found or expired',
        error: 'Comparison not found or expired',
      });
    }
  });
});
