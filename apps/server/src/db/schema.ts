import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

// Every tenant-owned table has tenant_id leading its primary key, unique constraints and foreign keys,
// so a distributed PostgreSQL (Citus) can shard all of them on tenant_id and keep joins local.

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const id = () => uuid('id').notNull().default(sql`gen_random_uuid()`);
const tenantId = () => uuid('tenant_id').notNull();

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  name: varchar('name', { length: 100 }).notNull().unique(),
  isActive: boolean('is_active').notNull().default(true),
  /** How long each resolution of the metrics is kept (days). */
  retentionRawDays: integer('retention_raw_days').notNull().default(7),
  retention1mDays: integer('retention_1m_days').notNull().default(90),
  retention1hDays: integer('retention_1h_days').notNull().default(730),
  /** How long recordings are kept (days); null: until someone deletes them. */
  recordingsRetentionDays: integer('recordings_retention_days'),
  /** A trickle session ends when the next round comes more than this long after the last. */
  trickleSessionTimeoutMinutes: integer('trickle_session_timeout_minutes').notNull().default(5),
  /** The server benchmark scores are ratios against (1.0 = this server); null: none chosen. */
  baselineCollectorId: uuid('baseline_collector_id'),
  createdAt: createdAt(),
});

/** Host name → tenant. Shared reference table (not tenant-owned): it is how a request finds its tenant. */
export const domains = pgTable(
  'domains',
  {
    domain: varchar('domain', { length: 253 }).primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    isPrimary: boolean('is_primary').notNull().default(false),
  },
  (t) => [index('domains_tenant_idx').on(t.tenantId)],
);

export const users = pgTable(
  'users',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    username: varchar('username', { length: 150 }).notNull(),
    email: varchar('email', { length: 254 }).notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    firstName: varchar('first_name', { length: 150 }).notNull().default(''),
    lastName: varchar('last_name', { length: 150 }).notNull().default(''),
    role: varchar('role', { length: 16 }).notNull().default('member'),
    isActive: boolean('is_active').notNull().default(true),
    dateJoined: timestamp('date_joined', { withTimezone: true }).notNull().defaultNow(),
    lastLogin: timestamp('last_login', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), unique('users_tenant_username_uq').on(t.tenantId, t.username)],
);

/** Refresh tokens, stored as SHA-256 hashes only; one family per login, rotated on every use. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tenantId: tenantId(),
    id: id(),
    userId: uuid('user_id').notNull(),
    familyId: uuid('family_id').notNull(),
    tokenHash: varchar('token_hash', { length: 64 }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('refresh_tokens_hash_uq').on(t.tenantId, t.tokenHash),
    index('refresh_tokens_family_idx').on(t.tenantId, t.familyId),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
  ],
);

export const collectors = pgTable(
  'collectors',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    ownerId: uuid('owner_id'),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description').notNull().default(''),
    apiKeyHash: varchar('api_key_hash', { length: 64 }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }),
    hostname: varchar('hostname', { length: 255 }).notNull().default(''),
    ipAddress: varchar('ip_address', { length: 45 }),
    osName: varchar('os_name', { length: 100 }).notNull().default(''),
    osVersion: varchar('os_version', { length: 50 }).notNull().default(''),
    kernelVersion: varchar('kernel_version', { length: 100 }).notNull().default(''),
    vmBrand: varchar('vm_brand', { length: 20 }).notNull().default('unknown'),
    processorBrand: varchar('processor_brand', { length: 20 }).notNull().default('unknown'),
    processorModel: varchar('processor_model', { length: 200 }).notNull().default(''),
    vcpus: integer('vcpus'),
    /** CPUs the agent may use (cgroup quota and cpuset), as pcc reports it; null when never reported. */
    effectiveCpus: doublePrecision('effective_cpus'),
    /** Samples the agent reported it had to drop (spool full, dead letters trimmed), in total. */
    droppedSamples: bigint('dropped_samples', { mode: 'number' }).notNull().default(0),
    /** The agent's clock minus the server's in seconds, as measured from its batches; null before the first. */
    clockSkewSeconds: doublePrecision('clock_skew_seconds'),
    memoryGib: numeric('memory_gib', { precision: 10, scale: 2 }),
    storageGib: numeric('storage_gib', { precision: 10, scale: 2 }),
    storageType: varchar('storage_type', { length: 20 }).notNull().default('unknown'),
    hourlyCost: numeric('hourly_cost', { precision: 10, scale: 4 }),
    pcdAddress: varchar('pcd_address', { length: 255 }).notNull().default(''),
    /** Last time the agent asked for a job (only agents that run jobs ask); null: never — e.g. the original Go pcc. */
    jobsPolledAt: timestamp('jobs_polled_at', { withTimezone: true }),
    /** What the agent said it can do on its last job poll (comma-separated, e.g. `jobs,suite`). */
    agentCapabilities: varchar('agent_capabilities', { length: 200 }).notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('collectors_tenant_name_uq').on(t.tenantId, t.name),
    unique('collectors_api_key_uq').on(t.tenantId, t.apiKeyHash),
  ],
);

const collectorFk = (t: { tenantId: AnyPgColumn; collectorId: AnyPgColumn }) =>
  foreignKey({ columns: [t.tenantId, t.collectorId], foreignColumns: [collectors.tenantId, collectors.id] }).onDelete(
    'cascade',
  );

export const benchmarks = pgTable(
  'benchmarks',
  {
    tenantId: tenantId(),
    id: id(),
    ownerId: uuid('owner_id'),
    collectorId: uuid('collector_id').notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    benchmarkType: varchar('benchmark_type', { length: 50 }).notNull().default('standard'),
    status: varchar('status', { length: 20 }).notNull().default('pending'),
    startTime: timestamp('start_time', { withTimezone: true }),
    endTime: timestamp('end_time', { withTimezone: true }),
    durationSeconds: integer('duration_seconds'),
    cpuScore: doublePrecision('cpu_score'),
    memoryScore: doublePrecision('memory_score'),
    diskScore: doublePrecision('disk_score'),
    networkScore: doublePrecision('network_score'),
    overallScore: doublePrecision('overall_score'),
    errorMessage: text('error_message').notNull().default(''),
    /** manual: typed in; pcc: filled from a measured benchmark run (run_id). */
    source: varchar('source', { length: 10 }).notNull().default('manual'),
    runId: uuid('run_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('benchmarks_collector_idx').on(t.tenantId, t.collectorId, t.createdAt),
    collectorFk(t),
  ],
);

export const loadTestResults = pgTable(
  'load_test_results',
  {
    tenantId: tenantId(),
    id: id(),
    ownerId: uuid('owner_id'),
    collectorId: uuid('collector_id').notNull(),
    benchmarkId: uuid('benchmark_id'),
    units10pct: integer('units_10pct').notNull().default(0),
    units20pct: integer('units_20pct').notNull().default(0),
    units30pct: integer('units_30pct').notNull().default(0),
    units40pct: integer('units_40pct').notNull().default(0),
    units50pct: integer('units_50pct').notNull().default(0),
    units60pct: integer('units_60pct').notNull().default(0),
    units70pct: integer('units_70pct').notNull().default(0),
    units80pct: integer('units_80pct').notNull().default(0),
    units90pct: integer('units_90pct').notNull().default(0),
    units100pct: integer('units_100pct').notNull().default(0),
    notes: text('notes').notNull().default(''),
    /** What the measuring tool reported beyond the units (achieved utilization, level seconds, tool version). */
    details: jsonb('details'),
    /** pcc | import | manual: who measured the units. */
    source: text('source').notNull().default('manual'),
    /** The server's verdict (judgeLoadTest in @xat/contracts), stored when the result is written. */
    validity: text('validity').notNull().default('suspect'),
    validityReasons: jsonb('validity_reasons').notNull().default([]),
    /** JUDGE_VERSION of the rules the verdict was reached with: older verdicts are judged again at start. */
    judgeVersion: integer('judge_version').notNull().default(0),
    /** Runs of one `pcc loadtest --runs N` share a series. */
    seriesId: uuid('series_id'),
    effectiveCpus: doublePrecision('effective_cpus'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('load_test_results_collector_idx').on(t.tenantId, t.collectorId, t.createdAt),
    index('load_test_results_series_idx').on(t.tenantId, t.seriesId),
    collectorFk(t),
  ],
);

export const collectedData = pgTable(
  'collected_data',
  {
    tenantId: tenantId(),
    id: id(),
    collectorId: uuid('collector_id').notNull(),
    description: varchar('description', { length: 200 }).notNull().default(''),
    fileName: varchar('file_name', { length: 255 }).notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    rowCount: integer('row_count'),
    dataStart: timestamp('data_start', { withTimezone: true }),
    dataEnd: timestamp('data_end', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('collected_data_collector_idx').on(t.tenantId, t.collectorId, t.createdAt),
    collectorFk(t),
  ],
);

/** A benchmark job: asked for by a person, fetched and run by the agent's daemon (contracts/jobs.ts). */
export const jobs = pgTable(
  'jobs',
  {
    tenantId: tenantId(),
    id: id(),
    groupId: uuid('group_id').notNull(),
    collectorId: uuid('collector_id').notNull(),
    profile: varchar('profile', { length: 50 }).notNull(),
    /** The benchmarks to run (SUITE_BENCHMARKS names). */
    benchmarks: jsonb('benchmarks').$type<string[]>().notNull(),
    runs: integer('runs').notNull(),
    stepSeconds: doublePrecision('step_seconds').notNull(),
    diskSizeMb: integer('disk_size_mb').notNull(),
    diskDir: text('disk_dir'),
    /** Run even if the machine never becomes quiet (the results say `forced`). */
    force: boolean('force').notNull().default(false),
    /** queued | running | succeeded | failed | cancelled | timed_out */
    status: varchar('status', { length: 12 }).notNull().default('queued'),
    progress: jsonb('progress'),
    error: text('error'),
    /** The benchmark run stored from its result. */
    resultId: uuid('result_id'),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull().defaultNow(),
    timeoutSeconds: integer('timeout_seconds').notNull(),
    /** Last time the agent said anything about this job. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('jobs_collector_idx').on(t.tenantId, t.collectorId, t.status, t.notBefore),
    index('jobs_group_idx').on(t.tenantId, t.groupId),
    collectorFk(t),
  ],
);

/** One measured run of the benchmark suite on a server (the agent's SuiteResult), judged like a load test. */
export const benchmarkRuns = pgTable(
  'benchmark_runs',
  {
    tenantId: tenantId(),
    id: id(),
    collectorId: uuid('collector_id').notNull(),
    jobId: uuid('job_id'),
    profile: varchar('profile', { length: 50 }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
    validity: varchar('validity', { length: 10 }).notNull(),
    validityReasons: jsonb('validity_reasons').notNull(),
    /** The reproducibility record (ReproRecord). */
    record: jsonb('record').notNull(),
    /** The benchmarks' results (SuiteBenchmarkResult[]). */
    results: jsonb('results').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('benchmark_runs_collector_idx').on(t.tenantId, t.collectorId, t.createdAt),
    collectorFk(t),
  ],
);

/** A tenant's own benchmark profiles (the built-in ones live in contracts/suite.ts). */
export const benchmarkProfiles = pgTable(
  'benchmark_profiles',
  {
    tenantId: tenantId(),
    name: varchar('name', { length: 50 }).notNull(),
    label: varchar('label', { length: 200 }).notNull().default(''),
    benchmarks: jsonb('benchmarks').$type<string[]>().notNull(),
    runs: integer('runs').notNull(),
    stepSeconds: doublePrecision('step_seconds').notNull(),
    diskSizeMb: integer('disk_size_mb').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

/** Run a profile on a server (or the whole fleet when collector_id is null) every `every_hours`. */
export const benchmarkSchedules = pgTable(
  'benchmark_schedules',
  {
    tenantId: tenantId(),
    id: id(),
    collectorId: uuid('collector_id'),
    profile: varchar('profile', { length: 50 }).notNull(),
    everyHours: doublePrecision('every_hours').notNull(),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Flag a server whose result falls more than this share (%) below its own median. */
    dropAlertPct: doublePrecision('drop_alert_pct').notNull().default(10),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('benchmark_schedules_due_idx').on(t.nextRunAt)],
);

/**
 * A recording: a window of one collector's series kept whatever its age (live retention does not apply to the samples
 * inside it) — an uploaded collection file, a trickle session of the original pcc, or a window of live data kept on
 * purpose. Its samples are the collector's rows in the metric tables from started_at to ended_at.
 */
export const recordings = pgTable(
  'recordings',
  {
    tenantId: tenantId(),
    id: id(),
    collectorId: uuid('collector_id').notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    description: text('description').notNull().default(''),
    /** upload | trickle | live */
    source: varchar('source', { length: 10 }).notNull(),
    /** active (a trickle session still receiving) | completed */
    status: varchar('status', { length: 10 }).notNull().default('completed'),
    /** The uploaded file (source upload). */
    dataId: uuid('data_id'),
    /** First and last sample (interval end) in the recording. */
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    sampleCount: integer('sample_count').notNull().default(0),
    intervalSeconds: doublePrecision('interval_seconds'),
    /** Wall-clock time its last data arrived. */
    lastDataAt: timestamp('last_data_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('recordings_collector_idx').on(t.tenantId, t.collectorId, t.startedAt),
    collectorFk(t),
  ],
);

/** Batches already ingested: a retried batch_id is acknowledged without being stored twice. */
export const metricBatches = pgTable(
  'metric_batches',
  {
    tenantId: tenantId(),
    collectorId: uuid('collector_id').notNull(),
    batchId: varchar('batch_id', { length: 64 }).notNull(),
    written: integer('written').notNull(),
    duplicates: integer('duplicates').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.collectorId, t.batchId] }), collectorFk(t)],
);

/** The last raw round of each collector, so consecutive raw uploads (trickle) chain into intervals. */
export const collectorRawState = pgTable(
  'collector_raw_state',
  {
    tenantId: tenantId(),
    collectorId: uuid('collector_id').notNull(),
    lastRound: jsonb('last_round').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.collectorId] }), collectorFk(t)],
);

// The metric series themselves (metric_samples, metric_cpus, metric_disks, metric_net, metric_fs and the
// metric_rollup_1m / _1h tables) are partitioned by time, which drizzle-kit cannot express: they are created by the
// hand-written migrations drizzle/0002 and 0003, and declared for Drizzle in metrics-schema.ts, which drizzle-kit does
// not read (declared here, it would generate them again, unpartitioned). modules/metrics/storage writes them.
