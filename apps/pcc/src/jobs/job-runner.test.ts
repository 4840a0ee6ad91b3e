import type { AgentJob, JobProgress, SuiteResult } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { LockedError, MachineBusyError } from '../bench/errors.ts';
import type { SuiteOptions } from '../bench/suite.ts';
import { silentLogger } from '../log.ts';
import { runJob } from './job-runner.ts';
import { ProgressReporter } from './progress-reporter.ts';

const job: AgentJob = {
  id: '00000000-0000-4000-8000-000000000001',
  profile: 'quick',
  benchmarks: ['memory', 'disk'],
  runs: 3,
  step_seconds: 1,
  disk_size_mb: 64,
  disk_dir: '/var/tmp',
  timeout_seconds: 600,
  force: false,
};
const result = { profile: 'quick' } as unknown as SuiteResult;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake server: records the reports; says cancel from the moment `cancel` is set. */
function fakeApi() {
  const reports: JobProgress[] = [];
  const api = {
    cancel: false,
    reports,
    progress: async (_id: string, p: JobProgress) => {
      reports.push(p);
      return api.cancel;
    },
  };
  return api;
}

const options = (api: ReturnType<typeof fakeApi>, runSuite: (o: SuiteOptions) => Promise<SuiteResult>) => ({
  api,
  runSuite,
  log: silentLogger,
  serverUrl: 'http://xat.test',
  apiKey: 'key',
  dataDir: '/tmp/pcc',
  progressEveryMs: 50,
  heartbeatMs: 100,
});

/** A suite that runs until its signal fires, then throws as the real one does. */
const untilAborted = async (o: SuiteOptions): Promise<SuiteResult> => {
  o.onProgress?.({ step: 1, steps: 6, elapsed_seconds: 0.5, message: 'memory 1/3' });
  await new Promise((resolve) => o.signal?.addEventListener('abort', resolve));
  throw Object.assign(new Error('The benchmark was cancelled.'), { code: 'cancelled' });
};

describe('runJob', () => {
  it('runs the job’s suite with its settings and reports a result as succeeded', async () => {
    const api = fakeApi();
    let seen: SuiteOptions | undefined;
    const end = await runJob(
      job,
      options(api, async (o) => {
        seen = o;
        o.onProgress?.({ step: 3, steps: 6, elapsed_seconds: 2, message: 'disk 1/3' });
        await sleep(120);
        return result;
      }),
      new AbortController().signal,
    );
    expect(end).toEqual({ status: 'succeeded', result });
    expect(seen).toMatchObject({
      benchmarks: ['memory', 'disk'],
      runs: 3,
      stepSeconds: 1,
      diskSizeMb: 64,
      diskDir: '/var/tmp',
      serverUrl: 'http://xat.test',
      apiKey: 'key',
      force: false,
      profile: 'quick',
    });
    // Reported at once (the latest progress by then), steps = benchmarks × runs.
    expect(api.reports[0]).toMatchObject({ step: 3, steps: 6, message: 'disk 1/3' });
  });

  it('runs a job the person started with force as forced, whatever the daemon’s own setting', async () => {
    let seen: SuiteOptions | undefined;
    await runJob(
      { ...job, force: true },
      options(fakeApi(), async (o) => {
        seen = o;
        return result;
      }),
      new AbortController().signal,
    );
    expect(seen?.force).toBe(true);
  });

  it('keeps the suite’s refusal in its words with its code: busy, locked, anything else error', async () => {
    const api = fakeApi();
    const busy = new MachineBusyError('Refused: the machine stayed busy (40 %).', 40, 60);
    const cases: [Error, string][] = [
      [busy, 'busy'],
      [new LockedError(4242), 'locked'],
      [new Error('disk full'), 'error'],
    ];
    for (const [err, code] of cases) {
      const end = await runJob(
        job,
        options(api, async () => Promise.reject(err)),
        new AbortController().signal,
      );
      expect(end).toEqual({ status: 'failed', code, message: err.message });
    }
  });

  it('stops when a progress report says the job was cancelled', async () => {
    const api = fakeApi();
    const started = Date.now();
    setTimeout(() => {
      api.cancel = true;
    }, 150);
    const end = await runJob(job, options(api, untilAborted), new AbortController().signal);
    expect(end).toEqual({ status: 'cancelled', message: 'Stopped: the job was cancelled.' });
    // Told by the heartbeat within its period, not at the end of the step.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops at shutdown (reported cancelled) and at the job’s timeout (failed, code timeout)', async () => {
    const api = fakeApi();
    const shutdown = new AbortController();
    setTimeout(() => shutdown.abort(), 50);
    expect(await runJob(job, options(api, untilAborted), shutdown.signal)).toEqual({
      status: 'cancelled',
      message: 'pcc was stopped while running it.',
    });
    const short = { ...job, timeout_seconds: 0.1 };
    expect(await runJob(short, options(api, untilAborted), new AbortController().signal)).toEqual({
      status: 'failed',
      code: 'timeout',
      message: "Stopped at the job's timeout of 0.1 s.",
    });
  });
});

describe('ProgressReporter', () => {
  it('sends the latest of a burst at most every period, one at a time, and a heartbeat while nothing happens', async () => {
    const sent: JobProgress[] = [];
    let inFlight = 0;
    let most = 0;
    const reporter = new ProgressReporter(
      {
        send: async (p) => {
          inFlight++;
          most = Math.max(most, inFlight);
          sent.push(p);
          await sleep(30);
          inFlight--;
          return false;
        },
        onCancel: () => undefined,
        log: silentLogger,
        everyMs: 100,
        heartbeatMs: 150,
      },
      { step: 0, steps: 10, elapsed_seconds: 0, message: 'starting' },
    );
    await sleep(20);
    for (let i = 1; i <= 5; i++) reporter.update({ step: i, steps: 10, elapsed_seconds: i, message: `step ${i}` });
    await sleep(150);
    // The first report, then the burst's last only.
    expect(sent.map((p) => p.message)).toEqual(['starting', 'step 5']);
    await sleep(400);
    await reporter.stop();
    const beats = sent.slice(2);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.every((p) => p.step === 5)).toBe(true);
    // A heartbeat carries the time that went by.
    expect(beats.at(-1)?.elapsed_seconds).toBeGreaterThan(5.2);
    expect(most).toBe(1);
    const count = sent.length;
    await sleep(300);
    expect(sent.length).toBe(count);
  });

  it('goes on after a failed report and tells of a cancel once', async () => {
    let calls = 0;
    let cancels = 0;
    const reporter = new ProgressReporter(
      {
        send: async () => {
          calls++;
          if (calls === 1) throw new Error('server away');
          return true;
        },
        onCancel: () => cancels++,
        log: silentLogger,
        everyMs: 20,
        heartbeatMs: 40,
      },
      { step: 0, steps: 1, elapsed_seconds: 0, message: 'starting' },
    );
    await sleep(200);
    await reporter.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(cancels).toBe(1);
  });
});
