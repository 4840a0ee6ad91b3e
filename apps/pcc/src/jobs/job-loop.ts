/**
 * The daemon's job loop (`pcc run`): long-polls the server for its collector's next job over its own connection, runs
 * one at a time, reports it ended; backs off while the server is away. SIGTERM cuts the poll and stops a running job
 * (reported cancelled). The job under way is written down, so a pcc killed mid-job says so when it starts again.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentJobFinish, JOB_POLL_WAIT_SECONDS } from '@xat/contracts';
import type { Logger } from '../log.ts';
import { sleep } from '../sampling/schedule.ts';
import { Backoff } from '../upload/backoff.ts';
import { type JobApi, JobApiError } from './job-api.ts';
import { type RunnerOptions, runJob } from './job-runner.ts';

export interface JobLoopOptions extends Omit<RunnerOptions, 'api'> {
  api: Pick<JobApi, 'poll' | 'progress' | 'finish'>;
  signal: AbortSignal;
  /** Long poll wait, s (default the server's most). */
  waitSeconds?: number;
  backoff?: Backoff;
}

/** A server without the jobs API (404) is asked again this much later. */
const NO_JOBS_API_MS = 10 * 60_000;
/** A poll answered at once (server restarting, too many polls waiting) waits at least this before the next. */
const MIN_POLL_GAP_MS = 1000;
/** At shutdown, how long the end of a stopped job may take to reach the server. */
const LAST_REPORT_MS = 3000;

const currentJobFile = (dataDir: string) => join(dataDir, 'current-job.json');

export async function jobLoop(o: JobLoopOptions): Promise<void> {
  const { api, log, signal } = o;
  const backoff = o.backoff ?? new Backoff();
  const wait = o.waitSeconds ?? JOB_POLL_WAIT_SECONDS;
  await reportInterrupted(o);
  while (!signal.aborted) {
    const asked = Date.now();
    let answer: Awaited<ReturnType<JobLoopOptions['api']['poll']>>;
    try {
      answer = await api.poll(wait, signal);
      backoff.reset();
    } catch (err) {
      if (signal.aborted) break;
      const status = err instanceof JobApiError ? err.status : 0;
      const ms =
        status === 404 ? NO_JOBS_API_MS : backoff.next(err instanceof JobApiError ? err.retryAfterMs : undefined);
      log.warn('job poll failed: will retry', { err, retry_in_s: Math.round(ms / 1000) });
      await sleep(ms, signal);
      continue;
    }
    if (!answer.job) {
      const gap = Math.max(answer.retryAfterMs ?? 0, asked + MIN_POLL_GAP_MS - Date.now());
      if (gap > 0) await sleep(gap, signal);
      continue;
    }
    const job = answer.job;
    remember(o.dataDir, job.id, log);
    const end = await runJob(job, o, signal);
    log.info('job ended', {
      job: job.id,
      status: end.status,
      ...(end.code ? { code: end.code } : {}),
      ...(end.message ? { message: end.message } : {}),
    });
    // Not delivered (stopping): left noted, and reported when pcc starts again.
    if (await reportEnd(o, job.id, end)) forget(o.dataDir);
  }
}

/** Tells the server how the job ended: retried with backoff while it is away, once and briefly at shutdown. */
async function reportEnd(o: JobLoopOptions, jobId: string, end: AgentJobFinish): Promise<boolean> {
  const backoff = new Backoff({ capMs: 30_000 });
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await withDeadline(o.api.finish(jobId, end), o.signal.aborted ? LAST_REPORT_MS : 60_000);
      if (answer.status !== 200) o.log.warn('job end not taken', { job: jobId, reason: answer.reason });
      return true;
    } catch (err) {
      // Past ~10 min of trying the server has long timed the job out itself.
      if (o.signal.aborted || attempt >= 12) {
        o.log.error('job end not reported', { job: jobId, err });
        return false;
      }
      const ms = backoff.next(err instanceof JobApiError ? err.retryAfterMs : undefined);
      o.log.warn('job end not reported: will retry', { job: jobId, err, retry_in_s: Math.round(ms / 1000) });
      await sleep(ms, o.signal);
    }
  }
}

/** A job left running by a pcc that was killed (or crashed): ended as failed, so it does not wait for its timeout. */
async function reportInterrupted(o: JobLoopOptions): Promise<void> {
  let jobId: unknown;
  try {
    jobId = (JSON.parse(readFileSync(currentJobFile(o.dataDir), 'utf8')) as { job_id?: unknown }).job_id;
  } catch {
    return;
  }
  if (typeof jobId === 'string') {
    o.log.warn('a job was under way when pcc last stopped: reporting it failed', { job: jobId });
    const end = { status: 'failed', code: 'error', message: 'pcc stopped while running it.' } as const;
    if (!(await reportEnd(o, jobId, end))) return;
  }
  forget(o.dataDir);
}

function remember(dataDir: string, jobId: string, log: Logger): void {
  try {
    writeFileSync(currentJobFile(dataDir), `${JSON.stringify({ job_id: jobId })}\n`, { mode: 0o600 });
  } catch (err) {
    log.warn('could not note the job under way', { err });
  }
}

function forget(dataDir: string): void {
  rmSync(currentJobFile(dataDir), { force: true });
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
