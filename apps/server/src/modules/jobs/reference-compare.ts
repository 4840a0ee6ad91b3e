import type { JobProgress, SuiteBenchmark, SuiteBenchmarkResult } from '@xat/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { benchmarkRuns } from '../../db/schema.ts';
import { estimateSuiteSeconds } from './estimate.ts';
import type { JobWithNames } from './jobs.queries.ts';
import type { ReferenceComparison } from './jobs.schemas.ts';

/** The reference's benchmark id: its CPU load test, once (what `POST /loadtests/run/` runs too). */
export const REFERENCE_LOADTEST = 'perfcollector-loadtest';
export const LOADTEST_JOB = { profile: 'cpu', benchmarks: ['cpu_sweep' as const], runs: 1 };

const SERVER_STATUS: Record<string, string> = {
  queued: 'pending',
  running: 'running',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  timed_out: 'failed',
};

function progressOf(job: JobWithNames): number {
  if (job.status === 'queued') return 0;
  if (job.status !== 'running') return 100;
  const p = job.progress as JobProgress | null;
  return p && p.steps > 0 ? Math.round((100 * Math.min(p.step, p.steps)) / p.steps) : 0;
}

const shapeOf = (job: JobWithNames) => ({
  benchmarks: job.benchmarks as SuiteBenchmark[],
  runs: job.runs,
  step_seconds: job.stepSeconds,
  disk_size_mb: job.diskSizeMb,
});

const isLoadTest = (job: JobWithNames) =>
  job.profile === LOADTEST_JOB.profile && job.runs === 1 && (job.benchmarks as string[]).join() === 'cpu_sweep';

function overallStatus(jobs: readonly JobWithNames[]): string {
  const s = new Set(jobs.map((j) => j.status));
  if (s.has('running') || (s.has('queued') && s.size > 1)) return 'running';
  if (s.has('queued')) return 'pending';
  if (s.has('succeeded')) return 'completed';
  return s.size === 1 && s.has('cancelled') ? 'cancelled' : 'failed';
}

function phaseOf(jobs: readonly JobWithNames[]): string {
  const running = jobs.find((j) => j.status === 'running');
  const done = jobs.filter((j) => j.finishedAt).length;
  if (running) {
    const message = (running.progress as JobProgress | null)?.message;
    return `${running.collectorName}: ${message || 'starting'} (${done} of ${jobs.length} servers done)`;
  }
  if (done === jobs.length)
    return `done: ${jobs.filter((j) => j.status === 'succeeded').length} of ${jobs.length} servers measured`;
  return `waiting for the agents (${done} of ${jobs.length} servers done)`;
}

/** The stored runs of these ids: their validity and benchmarks. */
async function findRuns(db: Db, tenantId: string, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, { validity: string; results: SuiteBenchmarkResult[] }>();
  const rows = await db
    .select({ id: benchmarkRuns.id, validity: benchmarkRuns.validity, results: benchmarkRuns.results })
    .from(benchmarkRuns)
    .where(and(eq(benchmarkRuns.tenantId, tenantId), sql`${benchmarkRuns.id} = any(${sql.param([...ids])}::uuid[])`));
  return new Map(rows.map((r) => [r.id, { validity: r.validity, results: r.results as SuiteBenchmarkResult[] }]));
}

/**
 * A job group in the reference's comparison shape (REFERENCE 4.5), read from the jobs and their stored runs: nothing
 * is kept in memory and nothing is made up (the reference fabricated its raw_data). Results once every job ended.
 */
export async function describeComparison(
  db: Db,
  tenantId: string,
  groupId: string,
  jobs: readonly JobWithNames[],
  includeRaw: boolean,
): Promise<ReferenceComparison> {
  const first = jobs[0];
  if (!first) throw new Error('a comparison has jobs');
  const servers = jobs.map((j) => ({
    server_id: j.collectorId,
    name: j.collectorName,
    status: SERVER_STATUS[j.status] ?? j.status,
    progress: progressOf(j),
    job_id: j.id,
    job_status: j.status,
    message: (j.progress as JobProgress | null)?.message ?? null,
    error: j.error,
  }));
  const finished = jobs.every((j) => j.finishedAt);
  const out: ReferenceComparison = {
    success: true,
    comparison_id: groupId,
    type: 'benchmark',
    benchmark_id: isLoadTest(first) ? REFERENCE_LOADTEST : first.profile,
    duration: `${estimateSuiteSeconds(shapeOf(first), null)}s`,
    status: overallStatus(jobs),
    progress: Math.round(servers.reduce((sum, s) => sum + s.progress, 0) / servers.length),
    phase: phaseOf(jobs),
    servers,
    started_at: first.createdAt.toISOString(),
  };
  if (!finished) return out;
  out.completed_at = new Date(Math.max(...jobs.map((j) => j.finishedAt?.getTime() ?? 0))).toISOString();
  const runs = await findRuns(
    db,
    tenantId,
    jobs.flatMap((j) => (j.resultId ? [j.resultId] : [])),
  );
  out.results = jobs.map((j) => {
    const run = j.resultId ? runs.get(j.resultId) : undefined;
    const metrics: Record<string, number | null> = {};
    for (const b of run?.results ?? []) for (const [key, m] of Object.entries(b.metrics)) metrics[key] = m.median;
    return {
      server_id: j.collectorId,
      name: j.collectorName,
      status: SERVER_STATUS[j.status] ?? j.status,
      result_id: j.resultId,
      error: j.error,
      validity: run?.validity ?? null,
      metrics,
      ...(includeRaw ? { benchmarks: run?.results ?? [] } : {}),
    };
  });
  return out;
}
