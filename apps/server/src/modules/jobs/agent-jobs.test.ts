import { JOB_HEARTBEAT_TIMEOUT_SECONDS, JOB_PICKUP_TIMEOUT_SECONDS } from '@xat/contracts';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createTestTenant,
  getApp,
  NO_SHARED_DATABASE,
  SHARED_DATABASE_URL,
} from '../../../test/helpers.ts';
import type { App } from '../../app-types.ts';
import { benchmarkRuns, jobs } from '../../db/schema.ts';
import { around, suiteResult } from '../benchmark-runs/test-results.ts';
import { claimNextJob } from './agent-jobs.queries.ts';
import { AGENT_GONE, NOT_PICKED_UP, sweepJobTimeouts } from './job-timeouts.queries.ts';
import { findJob } from './jobs.queries.ts';
import { errorCodeOf } from './jobs.service.ts';
import { createAgent, getJob, startJobs, startTakenJob } from './test-support.ts';

const seconds = (s: number) => new Date(Date.now() + s * 1000);
/** What a CPU job's agent uploads: the sweep's units at 100 %, three close repeats. */
const sweepResult = () => suiteResult({ 'cpu_sweep.units_100pct': around(100) }, { profile: 'cpu' });

describe('the agent’s side of jobs', () => {
  it('takes its job, reports progress, uploads the result: the job succeeds and points at the stored run', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const a = await createAgent(t);
    const [job] = await startJobs(t, { collector_ids: [a.id], profile: 'cpu', benchmarks: ['cpu_sweep'], runs: 3 });
    if (!job) throw new Error('no job');

    const polled = await a.poll();
    expect(polled.statusCode).toBe(200);
    expect(polled.json()).toEqual({
      id: job.id,
      profile: 'cpu',
      benchmarks: ['cpu_sweep'],
      runs: 3,
      step_seconds: 2,
      disk_size_mb: 64,
      disk_dir: null,
      timeout_seconds: job.timeout_seconds,
      force: false,
    });
    expect(await getJob(t, job.id)).toMatchObject({ status: 'running', started_at: expect.any(String) });
    // One job at a time: nothing more while it runs.
    expect((await a.poll()).statusCode).toBe(204);

    const progress = await a.progress(job.id, { step: 2, steps: 10, elapsed_seconds: 4.5, message: 'sweep: 20 %' });
    expect(progress.statusCode).toBe(200);
    expect(progress.json()).toEqual({ cancel: false });
    expect((await getJob(t, job.id)).progress).toEqual({
      step: 2,
      steps: 10,
      elapsed_seconds: 4.5,
      message: 'sweep: 20 %',
    });
    const tooFar = await a.progress(job.id, { step: 11, steps: 10, elapsed_seconds: 5, message: 'x' });
    expect(tooFar.statusCode).toBe(400);
    expect(tooFar.json()).toHaveProperty('step');

    const noResult = await a.finish(job.id, { status: 'succeeded' });
    expect(noResult.statusCode).toBe(400);
    expect(noResult.json()).toHaveProperty('result');

    const finished = await a.finish(job.id, { status: 'succeeded', result: sweepResult() });
    expect(finished.statusCode).toBe(200);
    const done = finished.json();
    expect(done).toMatchObject({ id: job.id, status: 'succeeded', error: null, finished_at: expect.any(String) });
    const [run] = await database.db
      .select()
      .from(benchmarkRuns)
      .where(and(eq(benchmarkRuns.tenantId, t.id), eq(benchmarkRuns.id, done.result_id)));
    expect(run).toMatchObject({ collectorId: a.id, jobId: job.id, profile: 'cpu' });

    // A retry after a lost answer changes nothing; any other end is refused.
    const again = await a.finish(job.id, { status: 'succeeded', result: sweepResult() });
    expect(again.statusCode).toBe(200);
    expect(again.json().result_id).toBe(done.result_id);
    const runs = await database.db.select().from(benchmarkRuns).where(eq(benchmarkRuns.jobId, job.id));
    expect(runs).toHaveLength(1);
    const late = await a.finish(job.id, { status: 'failed', message: 'x' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'job_ended' });
    expect((await a.progress(job.id)).json()).toEqual({ cancel: true });
  });

  it('refuses a result that breaks the contract, naming the field under result', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t);
    const job = await startTakenJob(t, a);
    const result = sweepResult();
    const backwards = { ...result, finished_at: '2000-01-01T00:00:00Z' };
    const res = await a.finish(job.id, { status: 'succeeded', result: backwards });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json())).toEqual(['result.finished_at']);
    expect((await getJob(t, job.id)).status).toBe('running');
    const shapeless = await a.finish(job.id, { status: 'succeeded', result: { profile: 'cpu' } });
    expect(shapeless.statusCode).toBe(400);
  });

  it('gives two concurrent polls of one collector one job between them, and each collector its own', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t);
    const b = await createAgent(t);
    await startJobs(t, { collector_ids: [a.id, b.id], profile: 'cpu' });
    await startJobs(t, { collector_ids: [a.id], profile: 'cpu' });
    const answers = await Promise.all([a.poll(), a.poll(), b.poll(), b.poll()]);
    const ofA = answers.slice(0, 2).map((r) => r.statusCode);
    const ofB = answers.slice(2).map((r) => r.statusCode);
    expect(ofA.sort()).toEqual([200, 204]);
    expect(ofB.sort()).toEqual([200, 204]);
    const running = await t.request({ method: 'GET', url: '/api/v1/jobs/?status=running' });
    expect(running.json().count).toBe(2);
    const claimed = answers.filter((r) => r.statusCode === 200).map((r) => r.json().id);
    expect(new Set(claimed).size).toBe(2);
  });

  it('hands out a staggered job only from its start time', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const a = await createAgent(t);
    const b = await createAgent(t);
    const [first, second] = await startJobs(t, {
      collector_ids: [a.id, b.id],
      profile: 'cpu',
      stagger_seconds: 600,
    });
    expect((await b.poll()).statusCode).toBe(204);
    expect((await a.poll()).json().id).toBe(first?.id);
    const early = await claimNextJob(database.db, t.id, b.id, 'jobs', seconds(590));
    expect(early.job).toBeUndefined();
    expect(early.nextAt?.toISOString()).toBe(second?.not_before);
    const due = await claimNextJob(database.db, t.id, b.id, 'jobs', seconds(601));
    expect(due.job?.id).toBe(second?.id);
  });

  it('stops a running job that is cancelled: the agent is told on its next report and says cancelled', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t);
    const job = await startTakenJob(t, a, 'quick');
    const asked = await t.request({ method: 'POST', url: `/api/v1/jobs/${job.id}/cancel/`, auth: 'member' });
    expect(asked.json()).toMatchObject({ status: 'running', error: expect.stringMatching(/^Cancelled by/) });
    expect((await a.progress(job.id)).json()).toEqual({ cancel: true });
    const ended = await a.finish(job.id, { status: 'cancelled', message: 'stopped on request' });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ status: 'cancelled', error: asked.json().error });
    // The agent is free for the next one.
    const [next] = await startJobs(t, { collector_ids: [a.id], profile: 'cpu' });
    expect((await a.poll()).json().id).toBe(next?.id);
  });

  it('fails a job with the agent’s message and code when the machine is busy or locked', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const a = await createAgent(t);
    const job = await startTakenJob(t, a);
    const message = 'The machine did not become quiet within 60 s: 37 % busy (limit 10 %).';
    const res = await a.finish(job.id, { status: 'failed', code: 'busy', message });
    expect(res.json()).toMatchObject({ status: 'failed', error: message });
    const row = await findJob(database.db, t.id, job.id);
    expect(row && errorCodeOf(row)).toBe('busy');

    const locked = await startTakenJob(t, a);
    const held = await a.finish(locked.id, { status: 'failed', code: 'locked' });
    expect(held.json()).toMatchObject({ status: 'failed', error: 'The agent failed (locked).' });
  });

  it('times out a running job whose agent went silent, and one that ran past its timeout', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const a = await createAgent(t);
    const job = await startTakenJob(t, a);
    // Time moved on (injected): just under the limit nothing happens, past it the job ends.
    expect(await sweepJobTimeouts(database.db, t.id, seconds(JOB_HEARTBEAT_TIMEOUT_SECONDS - 5))).toEqual([]);
    const ended = await sweepJobTimeouts(database.db, t.id, seconds(JOB_HEARTBEAT_TIMEOUT_SECONDS + 5));
    expect(ended.map((e) => e.id)).toEqual([job.id]);
    expect(await getJob(t, job.id)).toMatchObject({ status: 'timed_out', error: AGENT_GONE });
    // The agent, back after all, is told to stop, and its end is refused.
    expect((await a.progress(job.id)).json()).toEqual({ cancel: true });
    expect((await a.finish(job.id, { status: 'succeeded', result: sweepResult() })).statusCode).toBe(409);

    const slow = await startTakenJob(t, a);
    const past = seconds(slow.timeout_seconds + 5);
    // It kept reporting (heartbeat at that time), yet ran too long.
    await database.db
      .update(jobs)
      .set({ heartbeatAt: past })
      .where(and(eq(jobs.tenantId, t.id), eq(jobs.id, slow.id)));
    await sweepJobTimeouts(database.db, t.id, past);
    expect(await getJob(t, slow.id)).toMatchObject({
      status: 'timed_out',
      error: `It ran past its timeout of ${slow.timeout_seconds} s.`,
    });
  });

  it('times out a queued job no agent picks up; a silent job someone cancelled ends cancelled', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const a = await createAgent(t);
    const b = await createAgent(t);
    const [queued, running] = await startJobs(t, { collector_ids: [a.id, b.id], profile: 'cpu' });
    if (!queued || !running) throw new Error('no jobs');
    await b.poll();
    await t.request({ method: 'POST', url: `/api/v1/jobs/${running.id}/cancel/` });
    expect(await sweepJobTimeouts(database.db, t.id, seconds(JOB_PICKUP_TIMEOUT_SECONDS - 5))).toHaveLength(1);
    expect(await getJob(t, running.id)).toMatchObject({
      status: 'cancelled',
      error: expect.stringMatching(/^Cancelled/),
    });
    expect((await getJob(t, queued.id)).status).toBe('queued');
    await sweepJobTimeouts(database.db, t.id, seconds(JOB_PICKUP_TIMEOUT_SECONDS + 5));
    expect(await getJob(t, queued.id)).toMatchObject({ status: 'timed_out', error: NOT_PICKED_UP });
  });
});

describe('the long poll', () => {
  it('answers 204 when its wait ends, and at once when a job is started for its server', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t);
    let started = Date.now();
    const empty = await a.poll(1);
    expect(empty.statusCode).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    started = Date.now();
    const waiting = a.poll(20);
    await new Promise((r) => setTimeout(r, 300));
    const [job] = await startJobs(t, { collector_ids: [a.id], profile: 'cpu' });
    const answer = await waiting;
    expect(answer.statusCode).toBe(200);
    expect(answer.json().id).toBe(job?.id);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('wakes for a staggered job at its start time', async () => {
    const t = await createTestTenant();
    const a = await createAgent(t);
    const b = await createAgent(t);
    const [, second] = await startJobs(t, { collector_ids: [a.id, b.id], profile: 'cpu', stagger_seconds: 2 });
    const started = Date.now();
    const answer = await b.poll(20);
    expect(answer.json().id).toBe(second?.id);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  /** An agent polls this process, waiting up to `wait` s, while a person starts its job through another process. */
  async function startedElsewhere(
    wait: number,
    check: (seen: { ms: number; jobId: string; other: App; host: string; token: string }) => Promise<void>,
  ) {
    const { database } = await getApp();
    const other = await buildTestApp(database);
    await other.ready();
    try {
      const t = await createTestTenant();
      const a = await createAgent(t);
      const token = await t.token('member');
      const started = Date.now();
      const waiting = a.poll(wait);
      await new Promise((r) => setTimeout(r, 300));
      const created = await other.inject({
        method: 'POST',
        url: '/api/v1/jobs/',
        headers: { host: t.host, authorization: `Bearer ${token}` },
        payload: { collector_ids: [a.id], profile: 'cpu' },
      });
      expect(created.statusCode).toBe(201);
      const answer = await waiting;
      expect(answer.statusCode).toBe(200);
      expect(answer.json().id).toBe(created.json()[0].id);
      await check({ ms: Date.now() - started, jobId: answer.json().id, other, host: t.host, token });
    } finally {
      await other.close();
    }
  }

  it('finds a job started through another server process by the end of its wait (the database is the state)', () =>
    startedElsewhere(3, async ({ ms, jobId, other, host, token }) => {
      expect(ms).toBeLessThan(4500);
      // And the other process sees it running.
      const shown = await other.inject({
        method: 'GET',
        url: `/api/v1/jobs/${jobId}/`,
        headers: { host, authorization: `Bearer ${token}` },
      });
      expect(shown.json().status).toBe('running');
    }));

  it.skipIf(!SHARED_DATABASE_URL)(
    `wakes a poll waiting in one process at once when another process starts its job (LISTEN/NOTIFY)${NO_SHARED_DATABASE}`,
    () =>
      startedElsewhere(20, async ({ ms }) => {
        // Woken, not found at the end of its 20 s wait.
        expect(ms).toBeLessThan(10_000);
      }),
    30_000,
  );

  it('ends every waiting poll when the server closes, and a newer poll of one server ends the older', async () => {
    const { database } = await getApp();
    const app = await buildTestApp(database);
    await app.ready();
    const t = await createTestTenant();
    const a = await createAgent(t);
    const b = await createAgent(t);
    const poll = (key: string) =>
      app.inject({
        method: 'GET',
        url: '/api/v1/agent/jobs/next/?wait=20',
        headers: { host: t.host, 'x-api-key': key },
      });
    const started = Date.now();
    const older = poll(a.api_key);
    await new Promise((r) => setTimeout(r, 300));
    const newer = poll(a.api_key);
    expect((await older).statusCode).toBe(204);
    const other = poll(b.api_key);
    await new Promise((r) => setTimeout(r, 300));
    await app.close();
    expect((await newer).statusCode).toBe(204);
    expect((await other).statusCode).toBe(204);
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
