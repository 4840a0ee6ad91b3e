/**
 * Benchmark jobs: a person asks (dashboard or API), the agent's daemon (`pcc run`) fetches the job over its own
 * outbound connection, runs it, reports progress and uploads the result. No inbound port on the monitored server.
 */
import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';
import { SUITE_BENCHMARKS, SuiteResultSchema } from './suite.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/** The agent says it runs jobs by sending this header on its job polls (the original Go pcc never polls). */
export const AGENT_CAPABILITIES_HEADER = 'x-xat-agent-capabilities';
/** Longest wait of one job poll (long poll), seconds. */
export const JOB_POLL_WAIT_SECONDS = 25;
/** An agent that has not polled for this long is shown as unable to take jobs now. */
export const AGENT_JOBS_STALE_SECONDS = 120;
/** A running job whose agent has reported nothing for this long is `timed_out` (the agent is gone). */
export const JOB_HEARTBEAT_TIMEOUT_SECONDS = 90;
/** A queued job no agent picked up this long after it could start is `timed_out`. */
export const JOB_PICKUP_TIMEOUT_SECONDS = 600;

export const JobProgressSchema = Type.Object({
  step: Type.Integer({ minimum: 0 }),
  steps: Type.Integer({ minimum: 0 }),
  elapsed_seconds: Type.Number({ minimum: 0 }),
  message: Type.String({ maxLength: 500, description: 'What the agent is doing now' }),
});
export type JobProgress = Static<typeof JobProgressSchema>;

export const JobSchema = Type.Object({
  id: Uuid,
  /** Jobs started together (one request for several servers) share a group. */
  group_id: Uuid,
  collector: Uuid,
  collector_name: Type.String(),
  profile: Type.String(),
  benchmarks: Type.Array(Type.Enum(SUITE_BENCHMARKS)),
  runs: Type.Integer(),
  force: Type.Boolean({ description: 'Started even if the machine is not quiet (results marked forced)' }),
  status: Type.Enum(JOB_STATUSES),
  progress: Nullable(JobProgressSchema),
  error: Nullable(Type.String({ description: 'Why it failed, in the agent’s words, or why it timed out' })),
  error_code: Nullable(
    Type.String({
      description: 'The agent’s reason: busy (machine not quiet), locked (another test ran), error, timeout',
    }),
  ),
  /** The stored result (benchmark run) once it succeeded. */
  result_id: Nullable(Uuid),
  not_before: DateTime,
  timeout_seconds: Type.Integer(),
  created_at: DateTime,
  started_at: Nullable(DateTime),
  finished_at: Nullable(DateTime),
  created_by: Nullable(Type.String()),
});
export type Job = Static<typeof JobSchema>;

export const JobCreateSchema = Type.Object({
  collector_ids: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }),
  profile: Type.String({ minLength: 1, maxLength: 50, description: 'A built-in or tenant profile name' }),
  /** Override the profile's benchmarks (subset). */
  benchmarks: Type.Optional(Type.Array(Type.Enum(SUITE_BENCHMARKS), { minItems: 1, uniqueItems: true })),
  runs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  /** 0: all now; otherwise server k starts k × stagger_seconds later. */
  stagger_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  /** Disk benchmark directory on the agent's machine (default: the agent's working directory). */
  disk_dir: Type.Optional(Type.String({ maxLength: 1000 })),
  /** Run even if the machine never becomes quiet: every result is then marked `forced` (suspect at best). */
  force: Type.Optional(Type.Boolean()),
});
export type JobCreate = Static<typeof JobCreateSchema>;

export const JobListQuery = Type.Object({
  ...pageQueryProps,
  collector_id: Type.Optional(Uuid),
  group_id: Type.Optional(Uuid),
  status: Type.Optional(Type.Enum(JOB_STATUSES)),
});

/** What the agent receives from a poll. */
export const AgentJobSchema = Type.Object({
  id: Uuid,
  profile: Type.String(),
  benchmarks: Type.Array(Type.Enum(SUITE_BENCHMARKS)),
  runs: Type.Integer(),
  step_seconds: Type.Number(),
  disk_size_mb: Type.Integer(),
  disk_dir: Nullable(Type.String()),
  timeout_seconds: Type.Integer(),
  /** Run even if the machine never becomes quiet (results marked `forced`). */
  force: Type.Boolean(),
});
export type AgentJob = Static<typeof AgentJobSchema>;

/** The agent's progress report; the answer tells it whether the job was cancelled meanwhile. */
export const AgentJobProgressSchema = JobProgressSchema;
export const AgentJobProgressAnswerSchema = Type.Object({ cancel: Type.Boolean() });

export const AgentJobFinishSchema = Type.Object({
  status: Type.Enum(['succeeded', 'failed', 'cancelled'] as const),
  /** For failed: the agent's reason (machine not quiet, another test holds the lock, …). */
  message: Type.Optional(Type.String({ maxLength: 2000 })),
  /** For failed: a machine-readable reason. */
  code: Type.Optional(Type.Enum(['busy', 'locked', 'error', 'timeout'] as const)),
  result: Type.Optional(SuiteResultSchema),
});
export type AgentJobFinish = Static<typeof AgentJobFinishSchema>;
