import {
  type BenchmarkRun,
  type ReproRecord,
  type Scores,
  type StoredBenchmarkResult,
  type SuiteResult,
  SuiteResultSchema,
  type Validity,
  type ValidityReason,
} from '@xat/contracts';
import { Compile } from 'typebox/compile';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation } from '../../db/errors.ts';
import { fieldErrors, issuesToFieldErrors, notFound } from '../../http/errors.ts';
import { type BenchmarkRunWithCollector, insertBenchmarkRun } from './benchmark-runs.queries.ts';
import { judgeSuiteResult } from './judge.ts';

const resultCheck = Compile(SuiteResultSchema);
type SchemaIssues = Parameters<typeof issuesToFieldErrors>[0];

/** The upload checked against the contract and for what the contract cannot say; every bad field in one 400. */
function checkedResult(result: unknown): SuiteResult {
  if (!resultCheck.Check(result))
    throw fieldErrors(issuesToFieldErrors(resultCheck.Errors(result) as unknown as SchemaIssues, 'body'));
  const started = Date.parse(result.started_at);
  const finished = Date.parse(result.finished_at);
  const errors: Record<string, string[]> = {};
  if (Number.isNaN(started)) errors.started_at = ['Not a valid date-time.'];
  if (Number.isNaN(finished)) errors.finished_at = ['Not a valid date-time.'];
  else if (finished < started) errors.finished_at = ['Must not be before started_at.'];
  result.benchmarks.forEach((b, i) => {
    if (result.benchmarks.findIndex((o) => o.name === b.name) !== i)
      errors[`benchmarks.${i}.name`] = [`"${b.name}" appears more than once.`];
  });
  if (Object.keys(errors).length) throw fieldErrors(errors);
  return result;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** "quick 2025-05-01 14:03" (UTC). */
const runName = (profile: string, at: Date) =>
  `${profile} ${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;

/**
 * Stores an uploaded suite result of a collector (from a job, or `pcc bench` without one): checked against the
 * contract, judged again here (the agent's verdicts are kept beside the server's, never used), stored as a benchmark
 * run with a seed benchmark row (source pcc) that shows its scores. Returns the run's id.
 */
export async function storeBenchmarkRun(
  db: Db,
  tenantId: string,
  collectorId: string,
  jobId: string | null,
  result: SuiteResult,
): Promise<string> {
  const checked = checkedResult(result);
  const judged = judgeSuiteResult(checked);
  const startedAt = new Date(checked.started_at);
  const finishedAt = new Date(checked.finished_at);
  const errors = judged.benchmarks.flatMap((b) => (b.error ? [`${b.name}: ${b.error}`] : []));
  // What a later judge needs beside the record (how busy the machine was, --force) is kept with it.
  const record = { ...checked.record, forced: checked.forced, background_busy_pct: checked.background_busy_pct };
  return insertBenchmarkRun(
    db,
    tenantId,
    {
      collectorId,
      jobId,
      profile: checked.profile,
      startedAt,
      finishedAt,
      validity: judged.validity,
      validityReasons: judged.validity_reasons,
      record,
      results: judged.benchmarks,
    },
    {
      name: runName(checked.profile, startedAt),
      benchmarkType: checked.profile,
      startTime: startedAt,
      endTime: finishedAt,
      durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      errorMessage: errors.join('\n'),
    },
  ).catch((err: unknown) => {
    if (isForeignKeyViolation(err)) throw notFound('No such collector.');
    throw err;
  });
}

const RECORD_KEYS = [
  'cpu_model',
  'microcode',
  'smt',
  'numa_nodes',
  'kernel',
  'governor',
  'hypervisor',
  'agent_version',
  'vcpus',
  'effective_cpus',
] as const;

/** A stored run on the wire, with the scores computed for it now. */
export function toBenchmarkRunDto(row: BenchmarkRunWithCollector, scores: Scores): BenchmarkRun {
  const stored = row.record as Record<string, unknown>;
  return {
    id: row.id,
    collector: row.collectorId,
    collector_name: row.collectorName,
    job_id: row.jobId,
    benchmark_id: row.benchmarkId,
    profile: row.profile,
    started_at: row.startedAt.toISOString(),
    finished_at: row.finishedAt.toISOString(),
    duration_seconds: Math.round((row.finishedAt.getTime() - row.startedAt.getTime()) / 1000),
    // Written by this server only, from the contract's enums and shapes.
    validity: row.validity as Validity,
    validity_reasons: row.validityReasons as ValidityReason[],
    record: Object.fromEntries(RECORD_KEYS.map((k) => [k, stored[k] ?? null])) as ReproRecord,
    benchmarks: row.results as StoredBenchmarkResult[],
    scores,
    created_at: row.createdAt.toISOString(),
  };
}
