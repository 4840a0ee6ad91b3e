/** Runs one job: the suite under an AbortController, its progress reported, its end put in the server's words. */
import type { AgentJob, AgentJobFinish, SuiteResult } from '@xat/contracts';
import type { SuiteOptions } from '../bench/suite.ts';
import type { Logger } from '../log.ts';
import type { JobApi } from './job-api.ts';
import { ProgressReporter } from './progress-reporter.ts';

export type RunSuite = (options: SuiteOptions) => Promise<SuiteResult>;

export interface RunnerOptions {
  api: Pick<JobApi, 'progress'>;
  runSuite: RunSuite;
  log: Logger;
  serverUrl: string;
  apiKey: string;
  dataDir: string;
  /** Where the disk benchmark writes when the job names no directory (default: the working directory). */
  diskDir?: string;
  /** How long the suite waits for a quiet machine before refusing (s). */
  quietWaitSeconds?: number;
  /** Run on a busy machine all the same (results marked forced): tests only; a job never forces. */
  force?: boolean;
  /** Progress at most this often, and the heartbeat while a step runs (ms). */
  progressEveryMs?: number;
  heartbeatMs?: number;
}

type StopReason = 'cancel' | 'shutdown' | 'timeout';

const DEFAULT_QUIET_WAIT_SECONDS = 60;

/** The suite's refusals (bench/errors.ts) by their code: busy machine, lock held, cancelled. */
const codeOf = (err: unknown) => (err as { code?: unknown } | null)?.code;

/**
 * Runs the job and answers how it ended (what the agent tells the server). Stops when the server says the job was
 * cancelled (on a progress report), when `shutdown` fires (SIGTERM: reported cancelled, saying so), or at the job's
 * own timeout; a refusal keeps the suite's message with its code (busy, locked).
 */
export async function runJob(job: AgentJob, o: RunnerOptions, shutdown: AbortSignal): Promise<AgentJobFinish> {
  // Handed out just as pcc was told to stop: not started at all.
  if (shutdown.aborted) return stopped('shutdown', job);
  const abort = new AbortController();
  let reason: StopReason | undefined;
  const stop = (why: StopReason) => {
    reason ??= why;
    abort.abort();
  };
  const onShutdown = () => stop('shutdown');
  shutdown.addEventListener('abort', onShutdown, { once: true });
  const timeout = setTimeout(() => stop('timeout'), job.timeout_seconds * 1000);
  timeout.unref();
  const reporter = new ProgressReporter(
    {
      send: (p) => o.api.progress(job.id, p),
      onCancel: () => stop('cancel'),
      log: o.log,
      everyMs: o.progressEveryMs ?? 2000,
      heartbeatMs: o.heartbeatMs ?? 20_000,
    },
    { step: 0, steps: job.benchmarks.length * job.runs, elapsed_seconds: 0, message: 'starting' },
  );
  o.log.info('job started', { job: job.id, profile: job.profile, benchmarks: job.benchmarks, runs: job.runs });
  try {
    const result = await o.runSuite({
      benchmarks: job.benchmarks,
      runs: job.runs,
      stepSeconds: job.step_seconds,
      diskSizeMb: job.disk_size_mb,
      diskDir: job.disk_dir ?? o.diskDir ?? process.cwd(),
      serverUrl: o.serverUrl,
      apiKey: o.apiKey,
      dataDir: o.dataDir,
      force: job.force || (o.force ?? false),
      quietWaitSeconds: o.quietWaitSeconds ?? DEFAULT_QUIET_WAIT_SECONDS,
      profile: job.profile,
      signal: abort.signal,
      onProgress: (p) => reporter.update(p),
    });
    if (reason === undefined) return { status: 'succeeded', result };
    // Stopped just as it finished: the stop wins (the server was told, or was going to be).
    return stopped(reason, job);
  } catch (err) {
    if (reason !== undefined || codeOf(err) === 'cancelled') return stopped(reason ?? 'cancel', job);
    const code = codeOf(err);
    const message = (err as Error)?.message || String(err);
    return { status: 'failed', code: code === 'busy' || code === 'locked' ? code : 'error', message };
  } finally {
    clearTimeout(timeout);
    shutdown.removeEventListener('abort', onShutdown);
    await reporter.stop();
  }
}

function stopped(reason: StopReason, job: AgentJob): AgentJobFinish {
  if (reason === 'timeout')
    return { status: 'failed', code: 'timeout', message: `Stopped at the job's timeout of ${job.timeout_seconds} s.` };
  if (reason === 'shutdown') return { status: 'cancelled', message: 'pcc was stopped while running it.' };
  return { status: 'cancelled', message: 'Stopped: the job was cancelled.' };
}
