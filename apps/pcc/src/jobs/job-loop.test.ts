/**
 * The daemon's job loop against the real server in this process (listening on a port of 127.0.0.1, the default
 * tenant's host): a person starts jobs through the API, the loop long-polls, runs them through a fake suite (and once
 * through the real one), reports progress, is cancelled, is refused, stops at SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SuiteResult } from '@xat/contracts';
import { and, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../server/src/app-types.ts';
import { benchmarkRuns } from '../../../server/src/db/schema.ts';
import { around, suiteResult } from '../../../server/src/modules/benchmark-runs/test-results.ts';
import { findCollector } from '../../../server/src/modules/collectors/collectors.queries.ts';
import { findJob } from '../../../server/src/modules/jobs/jobs.queries.ts';
import { errorCodeOf } from '../../../server/src/modules/jobs/jobs.service.ts';
import { createAgent, type JobBody, startJobs } from '../../../server/src/modules/jobs/test-support.ts';
import {
  DEFAULT_DOMAINS,
  DEFAULT_TENANT_NAME,
  ensureTenant,
  findTenantByDomain,
} from '../../../server/src/modules/tenants/tenants.queries.ts';
import { createUser } from '../../../server/src/modules/users/users.service.ts';
import { buildTestApp, getApp, PASSWORD, type TestTenant } from '../../../server/test/helpers.ts';
import { MachineBusyError } from '../bench/errors.ts';
import { runSuite, type SuiteOptions } from '../bench/suite.ts';
import { acquireLock, loadTestLockFile } from '../loadtest/lock.ts';
import { silentLogger } from '../log.ts';
import { JobApi } from './job-api.ts';
import { jobLoop } from './job-loop.ts';
import type { RunSuite } from './job-runner.ts';

let server: App;
let url: string;
let t: TestTenant;
const dataDir = mkdtempSync(join(tmpdir(), 'pcc-jobs-'));

beforeAll(async () => {
  const { database } = await getApp();
  server = await buildTestApp(database);
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  const host = '127.0.0.1';
  const tenant =
    (await findTenantByDomain(database.db, host)) ??
    (await ensureTenant(database.db, DEFAULT_TENANT_NAME, DEFAULT_DOMAINS));
  const username = `jobs-${randomUUID().slice(0, 8)}`;
  await createUser(database.db, tenant.id, { username, password: PASSWORD, role: 'admin' });
  const login = await server.inject({
    method: 'POST',
    url: '/api/v1/auth/token/',
    headers: { host },
    payload: { username, password: PASSWORD },
  });
  const access = login.json<{ access: string }>().access;
  t = {
    id: tenant.id,
    host,
    app: server,
    token: async () => access,
    request: ({ token, auth, headers, ...opts }: InjectOptions & { token?: string; auth?: false | string }) =>
      server.inject({
        ...opts,
        headers: { host, ...(auth === false ? {} : { authorization: `Bearer ${token ?? access}` }), ...headers },
      }),
  } as TestTenant;
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The agent's loop for a new collector, with a suite of the test's choosing; stop() is its SIGTERM. */
async function startLoop(suite: RunSuite, extra: { force?: boolean; quietWaitSeconds?: number } = {}) {
  const agent = await createAgent(t, { polled: false });
  const api = new JobApi(url, agent.api_key);
  const shutdown = new AbortController();
  const dir = mkdtempSync(join(dataDir, 'agent-'));
  const done = jobLoop({
    api,
    runSuite: suite,
    log: silentLogger,
    signal: shutdown.signal,
    serverUrl: url,
    apiKey: agent.api_key,
    dataDir: dir,
    diskDir: dir,
    waitSeconds: 5,
    progressEveryMs: 100,
    heartbeatMs: 300,
    ...extra,
  }).finally(() => api.close());
  // Its first poll marks the collector as running jobs.
  const { database } = await getApp();
  await until(async () => Boolean((await findCollector(database.db, t.id, agent.id))?.jobsPolledAt));
  return {
    agent,
    dir,
    stop: async () => {
      shutdown.abort();
      await done;
    },
  };
}

/** The reference's "Run LoadTest" on the loop's server; resolves when the loop has taken it. */
async function runLoadTest(collectorId: string): Promise<JobBody> {
  const res = await t.request({ method: 'POST', url: `/api/v1/loadtests/run/${collectorId}/` });
  expect(res.statusCode).toBe(201);
  const id = res.json<JobBody>().id;
  await until(async () => (await job(id)).status !== 'queued');
  return job(id);
}

const job = async (id: string) => (await t.request({ method: 'GET', url: `/api/v1/jobs/${id}/` })).json<JobBody>();

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A suite the test drives: reports a step, then waits for `release` (or its signal), then returns or throws. */
function scriptedSuite() {
  const calls: SuiteOptions[] = [];
  let release: (outcome: SuiteResult | Error) => void = () => undefined;
  const suite: RunSuite = (o) => {
    calls.push(o);
    o.onProgress?.({ step: 1, steps: 2, elapsed_seconds: 0.4, message: `${o.benchmarks[0]} 1/${o.runs}` });
    return new Promise((resolve, reject) => {
      release = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      o.signal?.addEventListener('abort', () =>
        reject(Object.assign(new Error('The benchmark was cancelled.'), { code: 'cancelled' })),
      );
    });
  };
  return { suite, calls, release: (outcome: SuiteResult | Error) => release(outcome) };
}

describe('pcc run’s job loop against the server', () => {
  it('runs a started job: progress seen while it runs, the result stored when it ends, then the next job', async () => {
    const script = scriptedSuite();
    const loop = await startLoop(script.suite);
    // The reference's Run LoadTest: the CPU sweep, once. The loop runs it and reports progress.
    const first = await runLoadTest(loop.agent.id);
    await until(async () => (await job(first.id)).progress?.message === 'cpu_sweep 1/1');
    expect(script.calls[0]).toMatchObject({ benchmarks: ['cpu_sweep'], runs: 1, serverUrl: url, force: false });
    script.release(suiteResult({ 'cpu_sweep.units_100pct': around(100) }, { profile: 'cpu' }));
    await until(async () => (await job(first.id)).status === 'succeeded');
    const { database } = await getApp();
    const stored = await database.db
      .select()
      .from(benchmarkRuns)
      .where(and(eq(benchmarkRuns.tenantId, t.id), eq(benchmarkRuns.jobId, first.id)));
    expect(stored).toHaveLength(1);
    expect((await job(first.id)).result_id).toBe(stored[0]?.id);

    // The next job reaches the waiting long poll at once.
    const started = Date.now();
    const [second] = await startJobs(t, { collector_ids: [loop.agent.id], profile: 'quick', runs: 2 });
    await until(async () => script.calls.length === 2);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(script.calls[1]).toMatchObject({ benchmarks: ['core_scaling', 'memory', 'disk', 'network'], runs: 2 });
    script.release(new MachineBusyError('Refused: the machine stayed busy (37 % at the last look).', 37, 60));
    await until(async () => (await job(second?.id ?? '')).status === 'failed');
    expect((await job(second?.id ?? '')).error).toBe('Refused: the machine stayed busy (37 % at the last look).');
    const row = await findJob(database.db, t.id, second?.id ?? '');
    expect(row && errorCodeOf(row)).toBe('busy');
    // Back in its long poll (on a kept-alive connection now): SIGTERM ends it at once.
    const stopping = Date.now();
    await loop.stop();
    expect(Date.now() - stopping).toBeLessThan(1500);
  });

  it('stops a job cancelled from the dashboard within a heartbeat, and is free for the next', async () => {
    const script = scriptedSuite();
    const loop = await startLoop(script.suite);
    const first = await runLoadTest(loop.agent.id);
    const started = Date.now();
    await until(async () => script.calls.length === 1);
    await t.request({ method: 'POST', url: `/api/v1/jobs/${first.id}/cancel/` });
    await until(async () => (await job(first.id)).status === 'cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await job(first.id)).error).toMatch(/^Cancelled by jobs-/);
    const [next] = await startJobs(t, { collector_ids: [loop.agent.id], profile: 'cpu' });
    await until(async () => script.calls.length === 2);
    expect((await job(next?.id ?? '')).status).toBe('running');
    const stopping = Date.now();
    await loop.stop();
    expect(Date.now() - stopping).toBeLessThan(1500);
  });

  it('at SIGTERM stops the running job and reports it cancelled, and ends its poll at once', async () => {
    const script = scriptedSuite();
    const loop = await startLoop(script.suite);
    const first = await runLoadTest(loop.agent.id);
    // Under way on the agent's side too (claimed is not yet received).
    await until(async () => script.calls.length === 1);
    const started = Date.now();
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await job(first.id)).toMatchObject({
      status: 'cancelled',
      error: 'pcc was stopped while running it.',
    });
    expect(existsSync(join(loop.dir, 'current-job.json'))).toBe(false);
    // Idle (in its long poll), it stops at once too.
    const idle = await startLoop(scriptedSuite().suite);
    const stopping = Date.now();
    await idle.stop();
    expect(Date.now() - stopping).toBeLessThan(1500);
  });

  it('reports a job left running by a pcc that was killed as failed when it starts again', async () => {
    const agent = await createAgent(t);
    const [left] = await startJobs(t, { collector_ids: [agent.id], profile: 'cpu' });
    expect((await agent.poll()).json().id).toBe(left?.id);
    const dir = mkdtempSync(join(dataDir, 'killed-'));
    writeFileSync(join(dir, 'current-job.json'), JSON.stringify({ job_id: left?.id }));
    const api = new JobApi(url, agent.api_key);
    const shutdown = new AbortController();
    const done = jobLoop({
      api,
      runSuite: scriptedSuite().suite,
      log: silentLogger,
      signal: shutdown.signal,
      serverUrl: url,
      apiKey: agent.api_key,
      dataDir: dir,
      waitSeconds: 5,
    });
    await until(async () => (await job(left?.id ?? '')).status === 'failed');
    expect((await job(left?.id ?? '')).error).toBe('pcc stopped while running it.');
    expect(existsSync(join(dir, 'current-job.json'))).toBe(false);
    shutdown.abort();
    await done;
    api.close();
  });

  describe('with the real suite', () => {
    // A temp dir of its own: the suite's host-wide lock file lives there, so another test's benchmark does not
    // collide with this one (and the lock is ours to hold below).
    const previous = process.env.TMPDIR;
    beforeAll(() => {
      process.env.TMPDIR = mkdtempSync(join(dataDir, 'tmp-'));
    });
    afterAll(() => {
      process.env.TMPDIR = previous;
    });

    it('runs core scaling (2 runs, 0.3 s steps) and stores it; refuses with code locked while the lock is held', async () => {
      const profile = {
        name: `scaling-${randomUUID().slice(0, 6)}`,
        benchmarks: ['core_scaling'],
        runs: 2,
        step_seconds: 0.3,
        disk_size_mb: 8,
      };
      expect(
        (await t.request({ method: 'POST', url: '/api/v1/benchmark-profiles/', payload: profile })).statusCode,
      ).toBe(201);
      // Forced, after a short look: other work on this machine (other tests) must not turn the run into a refusal.
      const loop = await startLoop(runSuite, { force: true, quietWaitSeconds: 1 });
      // The daemon samples on this event loop meanwhile: the suite must never hold it for long.
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const [scaling] = await startJobs(t, { collector_ids: [loop.agent.id], profile: profile.name });
      await until(
        async () =>
          (await job(scaling?.id ?? '')).status !== 'queued' && (await job(scaling?.id ?? '')).status !== 'running',
        120_000,
      );
      const done = await job(scaling?.id ?? '');
      delay.disable();
      expect(done).toMatchObject({ status: 'succeeded', error: null });
      expect(delay.max / 1e6).toBeLessThan(1000);
      const { database } = await getApp();
      const [run] = await database.db
        .select()
        .from(benchmarkRuns)
        .where(and(eq(benchmarkRuns.tenantId, t.id), eq(benchmarkRuns.id, done.result_id ?? '')));
      const results = run?.results as { name: string; runs: unknown[]; metrics: Record<string, { median: number }> }[];
      expect(results.map((r) => r.name)).toEqual(['core_scaling']);
      expect(results[0]?.runs).toHaveLength(2);
      expect(results[0]?.metrics['core_scaling.single_units_per_s']?.median).toBeGreaterThan(0);

      const lock = acquireLock(loadTestLockFile());
      if (!('release' in lock)) throw new Error('lock not taken');
      try {
        const [refused] = await startJobs(t, { collector_ids: [loop.agent.id], profile: profile.name });
        await until(async () => (await job(refused?.id ?? '')).status === 'failed', 30_000);
        expect((await job(refused?.id ?? '')).error).toMatch(/Another load test or benchmark is running on this host/);
        const row = await findJob(database.db, t.id, refused?.id ?? '');
        expect(row && errorCodeOf(row)).toBe('locked');
      } finally {
        lock.release();
      }
      await loop.stop();
    }, 180_000);
  });
});
