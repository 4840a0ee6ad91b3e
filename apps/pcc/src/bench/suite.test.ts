/**
 * runSuite on this machine, in this process: core scaling's figures are sane for its CPUs, the CPU sweep is the load
 * test and is uploaded like one, another test's lock refuses, a cancel stops everything within seconds. The machine is
 * shared with other tests: every run is forced with no quiet wait, and no test expects `valid`.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { LoadTestCreateSchema } from '@xat/contracts';
import { Compile } from 'typebox/compile';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, loadTestLockFile } from '../loadtest/lock.ts';
import { sharedMachineOptions, suiteWorkDir } from '../testing/bench-suite.ts';
import { FakeServer, sendJson } from '../testing/fake-server.ts';
import { CancelledError, LockedError, runSuite, type SuiteOptions, SuiteOptionsError } from './suite.ts';

const work = suiteWorkDir('pcc-bench-suite-');
const servers: FakeServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

const options = (more: Partial<SuiteOptions>): SuiteOptions =>
  sharedMachineOptions(work, { benchmarks: ['core_scaling'], ...more });

const threadCount = () => readdirSync('/proc/self/task').length;

describe('the benchmark suite', () => {
  it(`core scaling: effective cores between 0.8 and ${cpus().length} + 0.5, a point per worker count`, async () => {
    const result = await runSuite(options({ runs: 3, stepSeconds: 1 }));
    const [scaling] = result.benchmarks;
    expect(scaling?.error).toBeUndefined();
    const n = Math.ceil(result.record.effective_cpus ?? cpus().length);
    expect(scaling?.curve?.map((p) => p.workers)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const effective = scaling?.metrics['core_scaling.effective_cores']?.median ?? 0;
    const single = scaling?.metrics['core_scaling.single_units_per_s']?.median ?? 0;
    console.log(
      `core scaling: single ${single} units/s, all ${scaling?.metrics['core_scaling.multi_units_per_s']?.median}, effective cores ${effective}, efficiency ${scaling?.metrics['core_scaling.efficiency_pct']?.median} %`,
    );
    expect(single).toBeGreaterThan(0);
    expect(effective).toBeGreaterThan(0.8);
    expect(effective).toBeLessThan(cpus().length + 0.5);
    expect(scaling?.runs).toHaveLength(3);
    for (const run of scaling?.runs ?? []) expect(run.conditions.seconds).toBeGreaterThan(0);
    expect(result).toMatchObject({ profile: 'custom', forced: expect.any(Boolean) });
  }, 60_000);

  it('cpu sweep: the load test’s units at 100 %, each repeat uploaded as a load test of one series', async () => {
    const uploads: Record<string, unknown>[] = [];
    const server = await FakeServer.start((req, res) => {
      if (req.url === '/api/v1/register/')
        return sendJson(res, 200, {
          status: 'registered',
          collector_id: 'c0ffee00-0000-4000-8000-000000000009',
          name: 'srv',
          message: '',
        });
      uploads.push(req.json as Record<string, unknown>);
      sendJson(res, 201, { id: 'f00dfeed-0000-4000-8000-000000000009' });
    });
    servers.push(server);
    const result = await runSuite(
      options({
        benchmarks: ['cpu_sweep'],
        runs: 2,
        stepSeconds: 0.3,
        serverUrl: server.url,
        apiKey: 'key-for-tests',
        dataDir: join(work, 'data'),
      }),
    );
    const [sweep] = result.benchmarks;
    expect(sweep?.error).toBeUndefined();
    expect(sweep?.engine).toBe('load test, levels of 0.3 s, uploaded');
    const units = sweep?.metrics['cpu_sweep.units_100pct'];
    expect(units?.n).toBe(2);
    expect(units?.values.every((v) => v > 0)).toBe(true);
    expect(uploads).toHaveLength(2);
    const check = Compile(LoadTestCreateSchema);
    for (const body of uploads) expect(check.Check(body), JSON.stringify([...check.Errors(body)])).toBe(true);
    const series = uploads.map((u) => u.series_id);
    expect(series[0]).toBeTypeOf('string');
    expect(series[1]).toBe(series[0]);
    expect(uploads.map((u) => Math.round((u as { units_100pct: number }).units_100pct))).toEqual(
      units?.values.map((v) => Math.round(v)),
    );
  }, 60_000);

  it('refuses while another load test or benchmark holds the lock, and takes it once free', async () => {
    const held = acquireLock(loadTestLockFile());
    if ('heldBy' in held) throw new Error('the lock of this file is taken');
    try {
      const refused = runSuite(options({}));
      await expect(refused).rejects.toBeInstanceOf(LockedError);
      await expect(refused).rejects.toMatchObject({ code: 'locked', heldBy: process.pid });
      await expect(refused).rejects.toThrow(/Another load test or benchmark is running on this host/);
    } finally {
      held.release();
    }
    // A lock left by a process that is gone is taken over.
    writeFileSync(loadTestLockFile(), '999999999');
    const result = await runSuite(options({ benchmarks: ['network'] }));
    expect(result.benchmarks[0]?.error).toMatch(/No XAT server configured/);
  });

  it('refuses bad options before anything runs', async () => {
    await expect(runSuite(options({ runs: 0 }))).rejects.toBeInstanceOf(SuiteOptionsError);
    await expect(runSuite(options({ benchmarks: ['gpu' as never] }))).rejects.toThrow(/Unknown or no benchmarks: gpu/);
    await expect(runSuite(options({ benchmarks: [] }))).rejects.toBeInstanceOf(SuiteOptionsError);
  });

  it('a cancel stops the workers within seconds, throws CancelledError and frees the lock', async () => {
    const before = threadCount();
    const abort = new AbortController();
    let abortedAt = 0;
    const run = runSuite(
      options({
        benchmarks: ['core_scaling', 'memory'],
        runs: 3,
        stepSeconds: 20,
        signal: abort.signal,
        onProgress: (p) => {
          if (/workers busy/.test(p.message) && !abortedAt)
            setTimeout(() => {
              abortedAt = performance.now();
              abort.abort();
            }, 1000);
        },
      }),
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(abortedAt).toBeGreaterThan(0);
    expect((performance.now() - abortedAt) / 1000).toBeLessThan(3);
    // The worker threads are gone.
    for (let i = 0; i < 50 && threadCount() > before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(threadCount()).toBeLessThanOrEqual(before);
    const lock = acquireLock(loadTestLockFile());
    expect('release' in lock).toBe(true);
    if ('release' in lock) lock.release();
    // Cancelled before the start: nothing runs.
    await expect(runSuite(options({ signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(CancelledError);
  }, 60_000);
});
