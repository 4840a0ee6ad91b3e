import { randomUUID } from 'node:crypto';
import type { AgentJob, Job, JobCreate, JobProgress, JobStatus, SuiteBenchmark } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation } from '../../db/errors.ts';
import { fieldErrors } from '../../http/errors.ts';
import { findCollectors } from '../collectors/collectors.queries.ts';
import { timeoutSecondsFor } from './estimate.ts';
import { insertJobs, type JobInsert, type JobRow, type JobWithNames } from './jobs.queries.ts';
import { findProfile } from './profiles.queries.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toJobDto(row: JobWithNames): Job {
  const progress = row.progress as (JobProgress & { error_code?: string }) | null;
  return {
    id: row.id,
    group_id: row.groupId,
    collector: row.collectorId,
    collector_name: row.collectorName,
    profile: row.profile,
    benchmarks: row.benchmarks as SuiteBenchmark[],
    runs: row.runs,
    force: row.force,
    status: row.status as JobStatus,
    progress:
      progress && typeof progress.step === 'number'
        ? {
            step: progress.step,
            steps: progress.steps,
            elapsed_seconds: progress.elapsed_seconds,
            message: progress.message,
          }
        : null,
    error: row.error,
    error_code: errorCodeOf(row),
    result_id: row.resultId,
    not_before: row.notBefore.toISOString(),
    timeout_seconds: row.timeoutSeconds,
    created_at: row.createdAt.toISOString(),
    started_at: iso(row.startedAt),
    finished_at: iso(row.finishedAt),
    created_by: row.createdByName,
  };
}

/** The agent's failure code kept beside its last progress report (busy, locked, error, timeout). */
export const errorCodeOf = (row: Pick<JobRow, 'progress'>): string | null => {
  const code = (row.progress as { error_code?: unknown } | null)?.error_code;
  return typeof code === 'string' ? code : null;
};

export const toAgentJob = (row: JobRow): AgentJob => ({
  id: row.id,
  profile: row.profile,
  benchmarks: row.benchmarks as SuiteBenchmark[],
  runs: row.runs,
  step_seconds: row.stepSeconds,
  disk_size_mb: row.diskSizeMb,
  disk_dir: row.diskDir,
  timeout_seconds: row.timeoutSeconds,
  force: row.force,
});

export const neverPolled = (name: string) =>
  `"${name}" has never asked for jobs: its agent cannot run them (the original Go pcc, or a pcc older than jobs). Install the current pcc on it.`;
const invalidPk = (id: string) => `Invalid pk "${id}" - object does not exist.`;

export interface CreateJobsInput extends JobCreate {
  /** Who asked; null for a schedule. */
  createdBy: string | null;
}

/**
 * Jobs for the chosen servers, one group: the profile (built-in or the tenant's) with the request's overrides; server k
 * (in the order given) may start k × stagger_seconds from now; each job's timeout from the profile's estimate for
 * that server's CPUs. Every bad field is named in one 400: an unknown profile, benchmarks outside it, a collector that
 * is not the tenant's or whose agent has never asked for jobs.
 */
export async function createJobs(db: Db, tenantId: string, input: CreateJobsInput, now: Date): Promise<JobRow[]> {
  const errors: Record<string, string[]> = {};
  const profile = await findProfile(db, tenantId, input.profile);
  if (!profile) errors.profile = [`Unknown profile "${input.profile}".`];
  const benchmarks = input.benchmarks ?? profile?.benchmarks ?? [];
  const outside = profile ? benchmarks.filter((b) => !profile.benchmarks.includes(b)) : [];
  if (outside.length)
    errors.benchmarks = [
      `Not in the profile "${input.profile}": ${outside.join(', ')} (it runs ${profile?.benchmarks.join(', ')}).`,
    ];
  if (input.disk_dir?.includes('\0')) errors.disk_dir = ['Null characters are not allowed.'];

  const found = new Map((await findCollectors(db, tenantId, input.collector_ids)).map((c) => [c.id, c]));
  const collectorErrors = input.collector_ids.flatMap((id) => {
    const collector = found.get(id.toLowerCase());
    if (!collector) return [invalidPk(id)];
    return collector.jobsPolledAt ? [] : [neverPolled(collector.name)];
  });
  if (collectorErrors.length) errors.collector_ids = collectorErrors;
  if (Object.keys(errors).length || !profile) throw fieldErrors(errors);

  const groupId = randomUUID();
  const runs = input.runs ?? profile.runs;
  const stagger = input.stagger_seconds ?? 0;
  const shape = { benchmarks, runs, step_seconds: profile.step_seconds, disk_size_mb: profile.disk_size_mb };
  const values: JobInsert[] = input.collector_ids.map((id, k) => {
    const collector = found.get(id.toLowerCase());
    return {
      groupId,
      collectorId: id.toLowerCase(),
      profile: profile.name,
      benchmarks: [...benchmarks],
      runs,
      stepSeconds: profile.step_seconds,
      diskSizeMb: profile.disk_size_mb,
      diskDir: input.disk_dir ?? null,
      force: input.force ?? false,
      notBefore: new Date(now.getTime() + k * stagger * 1000),
      timeoutSeconds: timeoutSecondsFor(shape, collector?.vcpus ?? null),
      createdBy: input.createdBy,
      // A millisecond apart: a group lists in the order its servers were given.
      createdAt: new Date(now.getTime() + k),
    };
  });
  return insertJobs(db, tenantId, values).catch((err) => {
    // A collector deleted between the check and the insert: the same answer as an unknown one.
    if (isForeignKeyViolation(err)) throw fieldErrors({ collector_ids: ['A server was deleted meanwhile.'] });
    throw err;
  });
}
