/**
 * How the pages speak of benchmark jobs: which servers can take one, a job's state and progress in words, and the
 * Run benchmark form's fields as the API's JobCreate. Pure, so it is unit-tested.
 */
import {
  AGENT_JOBS_STALE_SECONDS,
  type Collector,
  FINISHED_JOB_STATUSES,
  type Job,
  type JobCreate,
  type JobStatus,
  SUITE_BENCHMARKS,
  type SuiteBenchmark,
} from '@xat/contracts';
import { formatDuration } from './format.ts';

export const NO_JOBS_REASON = "agent doesn't run jobs — the original pcc or an old agent";

export interface JobSupport {
  ok: boolean;
  /** Why not, in words (shown beside the disabled server). */
  reason?: string;
  /** A warning that does not stop the start (the agent has not asked for a job lately). */
  warning?: string;
}

/** Whether a server can be given a job: its agent must have asked for jobs (the original Go pcc never does). */
export function jobSupport(c: Pick<Collector, 'jobs_polled_at'>, now: number = Date.now()): JobSupport {
  if (!c.jobs_polled_at) return { ok: false, reason: NO_JOBS_REASON };
  const age = (now - Date.parse(c.jobs_polled_at)) / 1000;
  if (age > AGENT_JOBS_STALE_SECONDS)
    return {
      ok: true,
      warning: `its agent last asked for a job ${formatDuration(age)} ago: the job waits until it is back`,
    };
  return { ok: true };
}

/** The agent's reason code of a failure, in a few words. */
export const ERROR_CODE_TEXT: Record<string, string> = {
  busy: 'machine busy',
  locked: 'another test running',
  timeout: 'timed out',
  error: 'error',
};

export const JOB_STATUS_TEXT: Record<JobStatus, string> = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  timed_out: 'timed out',
};

export const JOB_STATUS_CLASS: Record<JobStatus, string> = {
  queued: '',
  running: 'accent',
  succeeded: 'ok',
  failed: 'danger',
  cancelled: 'warn',
  timed_out: 'danger',
};

export const isFinished = (status: JobStatus): boolean => FINISHED_JOB_STATUSES.includes(status);
/** Whether a list of jobs is still moving (the page polls while it is). */
export const anyActive = (jobs: readonly Pick<Job, 'status'>[]): boolean => jobs.some((j) => !isFinished(j.status));

/** "step 3 of 12" (all of them once it succeeded); undefined before the agent reported any progress. */
export function stepText(job: Pick<Job, 'progress' | 'status'>): string | undefined {
  const p = job.progress;
  if (!p || p.steps <= 0) return undefined;
  return `step ${job.status === 'succeeded' ? p.steps : Math.min(p.step, p.steps)} of ${p.steps}`;
}

/** Share of the steps done, 0–100 (for a progress bar); undefined when unknown. */
export function progressPct(job: Pick<Job, 'progress' | 'status'>): number | undefined {
  if (job.status === 'succeeded') return 100;
  const p = job.progress;
  if (!p || p.steps <= 0) return undefined;
  return Math.max(0, Math.min(100, (p.step / p.steps) * 100));
}

/**
 * Seconds the job has run: by the server's clock to its end when finished or to now while running (so it ticks between
 * reports), never less than the agent last said; undefined before it started.
 */
export function elapsedSeconds(
  job: Pick<Job, 'started_at' | 'finished_at' | 'progress'>,
  now: number = Date.now(),
): number | undefined {
  if (!job.started_at) return undefined;
  const end = job.finished_at ? Date.parse(job.finished_at) : now;
  const byClock = Math.max(0, (end - Date.parse(job.started_at)) / 1000);
  const reported = job.progress?.elapsed_seconds ?? 0;
  return Number.isFinite(byClock) ? Math.max(byClock, reported) : reported;
}

/** One line on what a job is doing or did: the agent's words while it runs, the reason it ended otherwise. */
export function jobLine(job: Job, now: number = Date.now()): string {
  switch (job.status) {
    case 'queued': {
      const wait = (Date.parse(job.not_before) - now) / 1000;
      return wait > 1 ? `starts in ${formatDuration(wait)}` : 'waiting for the agent to pick it up';
    }
    case 'running':
      return job.progress?.message || 'started';
    case 'succeeded':
      return 'done: the result is stored';
    case 'cancelled':
      return job.error || 'cancelled';
    default:
      return job.error || JOB_STATUS_TEXT[job.status];
  }
}

/** The Run benchmark form as typed: everything a string or a tick, checked by toJobCreate. */
export interface RunForm {
  profile: string;
  /** Ticked benchmarks; empty: the profile's own. */
  benchmarks: SuiteBenchmark[];
  /** Repeats; empty: the profile's own. */
  runs: string;
  when: 'now' | 'staggered';
  /** Minutes between one server's start and the next (staggered). */
  staggerMinutes: string;
  diskDir: string;
  /** Run even if the machine is not quiet (results marked forced). */
  force: boolean;
}

export const emptyRunForm = (profile = 'quick'): RunForm => ({
  profile,
  benchmarks: [],
  runs: '',
  when: 'now',
  staggerMinutes: '10',
  diskDir: '',
  force: false,
});

/** The form → the API's JobCreate, or the problems by field (named as the form names them). */
export function toJobCreate(
  ids: readonly string[],
  form: RunForm,
): { body: JobCreate } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!ids.length) errors.servers = 'Choose at least one server whose agent runs jobs.';
  if (!form.profile) errors.profile = 'Choose a profile.';
  const body: JobCreate = { collector_ids: [...ids], profile: form.profile };
  const chosen = SUITE_BENCHMARKS.filter((b) => form.benchmarks.includes(b));
  if (chosen.length) body.benchmarks = chosen;
  if (form.runs.trim()) {
    const runs = Number(form.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 10) errors.runs = 'Repeats: a whole number from 1 to 10.';
    else body.runs = runs;
  }
  if (form.when === 'staggered') {
    const minutes = Number(form.staggerMinutes);
    if (!form.staggerMinutes.trim() || !Number.isFinite(minutes) || minutes < 0 || minutes > 1440)
      errors.stagger = 'Minutes between servers: a number from 0 to 1440.';
    else body.stagger_seconds = Math.round(minutes * 60);
  }
  const dir = form.diskDir.trim();
  if (dir) {
    if (!dir.startsWith('/')) errors.disk_dir = 'The disk directory is an absolute path on the server, e.g. /var/tmp.';
    else body.disk_dir = dir;
  }
  if (form.force) body.force = true;
  return Object.keys(errors).length ? { errors } : { body };
}

export const BENCHMARK_TEXT: Record<SuiteBenchmark, string> = {
  cpu_sweep: 'CPU utilization sweep',
  core_scaling: 'Core scaling',
  memory: 'Memory bandwidth',
  disk: 'Disk',
  network: 'Network',
};
