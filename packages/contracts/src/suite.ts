/**
 * The benchmark suite the agent runs (`pcc bench`, or a job from the dashboard): what each benchmark reports, the
 * built-in profiles, the result the agent uploads, and the judge of repeated runs — the same limits as the load test
 * (validity.ts), plus the spread between repeats.
 */
import { type Static, Type } from 'typebox';
import { DateTime, Nullable } from './common.ts';
import {
  BACKGROUND_INVALID_PCT,
  BACKGROUND_SUSPECT_PCT,
  OTHER_LOAD_INVALID_PCT,
  OTHER_LOAD_SUSPECT_PCT,
  STEAL_INVALID_PCT,
  STEAL_SUSPECT_PCT,
  VALIDITIES,
  type Validity,
  type ValidityCode,
  type ValidityReason,
  ValidityReasonSchema,
} from './validity.ts';

export const SUITE_BENCHMARKS = ['cpu_sweep', 'core_scaling', 'memory', 'disk', 'network'] as const;
export type SuiteBenchmark = (typeof SUITE_BENCHMARKS)[number];

/** The four seed scores; each benchmark feeds one. */
export const SCORE_COMPONENTS = ['cpu', 'memory', 'disk', 'network'] as const;
export type ScoreComponent = (typeof SCORE_COMPONENTS)[number];

export interface SuiteMetricDef {
  key: string;
  benchmark: SuiteBenchmark;
  unit: string;
  better: 'higher' | 'lower';
  /** Counted in its component's score (geometric mean of ratios against the baseline server). */
  component: ScoreComponent | null;
  label: string;
}

const m = (
  benchmark: SuiteBenchmark,
  name: string,
  unit: string,
  label: string,
  component: ScoreComponent | null,
  better: 'higher' | 'lower' = 'higher',
): SuiteMetricDef => ({ key: `${benchmark}.${name}`, benchmark, unit, better, component, label });

/** Every metric a benchmark reports, keyed `<benchmark>.<name>`. */
export const SUITE_METRICS: readonly SuiteMetricDef[] = [
  m('cpu_sweep', 'units_100pct', 'units/s', 'Work units at 100 %', 'cpu'),
  m('core_scaling', 'single_units_per_s', 'units/s', 'Single-core score', 'cpu'),
  m('core_scaling', 'multi_units_per_s', 'units/s', 'All-core score', 'cpu'),
  m('core_scaling', 'effective_cores', 'cores', 'Effective cores (all ÷ single)', null),
  m('core_scaling', 'efficiency_pct', '%', 'Scaling efficiency', null),
  m('memory', 'read_gbps_1t', 'GB/s', 'Memory read, 1 thread', 'memory'),
  m('memory', 'write_gbps_1t', 'GB/s', 'Memory write, 1 thread', 'memory'),
  m('memory', 'copy_gbps_1t', 'GB/s', 'Memory copy, 1 thread', 'memory'),
  m('memory', 'read_gbps_all', 'GB/s', 'Memory read, all threads', 'memory'),
  m('memory', 'write_gbps_all', 'GB/s', 'Memory write, all threads', 'memory'),
  m('memory', 'copy_gbps_all', 'GB/s', 'Memory copy, all threads', 'memory'),
  m('disk', 'seq_read_mbps', 'MB/s', 'Sequential read', 'disk'),
  m('disk', 'seq_write_mbps', 'MB/s', 'Sequential write', 'disk'),
  m('disk', 'rand_read_iops', 'IOPS', '4 KiB random read', 'disk'),
  m('disk', 'rand_write_iops', 'IOPS', '4 KiB random write', 'disk'),
  m('disk', 'rand_read_p50_ms', 'ms', 'Random read latency p50', null, 'lower'),
  m('disk', 'rand_read_p99_ms', 'ms', 'Random read latency p99', null, 'lower'),
  m('disk', 'rand_write_p50_ms', 'ms', 'Random write latency p50', null, 'lower'),
  m('disk', 'rand_write_p99_ms', 'ms', 'Random write latency p99', null, 'lower'),
  m('network', 'upload_mbps', 'Mbit/s', 'Upload to the XAT server', 'network'),
  m('network', 'download_mbps', 'Mbit/s', 'Download from the XAT server', 'network'),
  m('network', 'rtt_ms', 'ms', 'Round trip to the XAT server', 'network', 'lower'),
];
export const suiteMetric = (key: string): SuiteMetricDef | undefined => SUITE_METRICS.find((d) => d.key === key);

export const ProfileSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 50, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
  label: Type.String({ maxLength: 200 }),
  benchmarks: Type.Array(Type.Enum(SUITE_BENCHMARKS), { minItems: 1, maxItems: SUITE_BENCHMARKS.length }),
  runs: Type.Integer({ minimum: 1, maximum: 10, description: 'Repeats of each benchmark' }),
  step_seconds: Type.Number({ minimum: 0.2, maximum: 60, description: 'Measured time of one step of one repeat' }),
  disk_size_mb: Type.Integer({ minimum: 8, maximum: 65_536, description: 'Test file size cap' }),
  builtin: Type.Boolean(),
});
export type Profile = Static<typeof ProfileSchema>;

/** The built-in profiles; a tenant adds its own (same shape, builtin false). */
export const BUILTIN_PROFILES: readonly Profile[] = [
  {
    name: 'quick',
    label: 'Quick (≈ 2 min): cores, memory, disk, network',
    benchmarks: ['core_scaling', 'memory', 'disk', 'network'],
    runs: 3,
    step_seconds: 1,
    disk_size_mb: 64,
    builtin: true,
  },
  {
    name: 'standard',
    label: 'Standard (≈ 10 min): every benchmark',
    benchmarks: ['cpu_sweep', 'core_scaling', 'memory', 'disk', 'network'],
    runs: 3,
    step_seconds: 3,
    disk_size_mb: 512,
    builtin: true,
  },
  {
    name: 'cpu',
    label: 'CPU only: utilization sweep and core scaling',
    benchmarks: ['cpu_sweep', 'core_scaling'],
    runs: 3,
    step_seconds: 2,
    disk_size_mb: 64,
    builtin: true,
  },
  {
    name: 'disk',
    label: 'Disk only',
    benchmarks: ['disk'],
    runs: 3,
    step_seconds: 3,
    disk_size_mb: 256,
    builtin: true,
  },
];

/** What else ran on the machine while one repeat was measured (as the load test measures per level). */
export const RunConditionsSchema = Type.Object({
  /** Other processes' share of the machine, %. */
  other_load_pct: Type.Optional(Type.Number()),
  steal_pct: Type.Optional(Type.Number()),
  throttled_pct: Type.Optional(Type.Number()),
  seconds: Type.Optional(Type.Number()),
});
export type RunConditions = Static<typeof RunConditionsSchema>;

export const MetricSummarySchema = Type.Object({
  n: Type.Integer(),
  median: Nullable(Type.Number()),
  cv_pct: Nullable(Type.Number({ description: 'Coefficient of variation between repeats, %' })),
  values: Type.Array(Type.Number()),
});
export type MetricSummary = Static<typeof MetricSummarySchema>;

export const SuiteBenchmarkResultSchema = Type.Object({
  name: Type.Enum(SUITE_BENCHMARKS),
  runs: Type.Array(
    Type.Object({
      metrics: Type.Record(Type.String(), Type.Number()),
      conditions: RunConditionsSchema,
    }),
    { maxItems: 10 },
  ),
  /** metric key (SUITE_METRICS) → its repeats summarised. */
  metrics: Type.Record(Type.String(), MetricSummarySchema),
  /** core_scaling: units/s per number of busy workers (medians of the repeats). */
  curve: Type.Optional(
    Type.Array(Type.Object({ workers: Type.Integer({ minimum: 1 }), units_per_s: Type.Number() }), { maxItems: 512 }),
  ),
  /** disk: 'fio' when installed, otherwise 'builtin'; network: the server URL measured against. */
  engine: Type.Optional(Type.String({ maxLength: 200 })),
  validity: Type.Enum(VALIDITIES),
  validity_reasons: Type.Array(ValidityReasonSchema),
  error: Type.Optional(Type.String({ maxLength: 2000, description: 'Why the benchmark could not run' })),
});
export type SuiteBenchmarkResult = Static<typeof SuiteBenchmarkResultSchema>;

/** Enough to say whether two results came from comparable machines. */
export const ReproRecordSchema = Type.Object({
  cpu_model: Type.String(),
  microcode: Nullable(Type.String()),
  smt: Nullable(Type.Boolean()),
  numa_nodes: Nullable(Type.Integer()),
  kernel: Type.String(),
  governor: Nullable(Type.String()),
  hypervisor: Nullable(Type.String()),
  agent_version: Type.String(),
  vcpus: Type.Integer(),
  effective_cpus: Nullable(Type.Number()),
});
export type ReproRecord = Static<typeof ReproRecordSchema>;

export const SuiteResultSchema = Type.Object({
  profile: Type.String({ maxLength: 50 }),
  started_at: DateTime,
  finished_at: DateTime,
  forced: Type.Boolean(),
  /** Busy share of the machine before the start, %. */
  background_busy_pct: Nullable(Type.Number()),
  record: ReproRecordSchema,
  benchmarks: Type.Array(SuiteBenchmarkResultSchema, { minItems: 1, maxItems: SUITE_BENCHMARKS.length }),
  validity: Type.Enum(VALIDITIES),
  validity_reasons: Type.Array(ValidityReasonSchema),
});
export type SuiteResult = Static<typeof SuiteResultSchema>;

/** Spread between repeats of one metric (coefficient of variation, %): past the first suspect, past the second invalid. */
export const SPREAD_SUSPECT_CV_PCT = 5;
export const SPREAD_INVALID_CV_PCT = 20;

export interface BenchmarkJudgeInput {
  runs: readonly RunConditions[];
  /** Coefficient of variation per metric key, %. */
  cv_pct: Readonly<Record<string, number | null>>;
  forced?: boolean;
  background_busy_pct?: number | null;
}

const worst = (reasons: readonly ValidityReason[]): Validity =>
  reasons.some((r) => r.severity === 'invalid') ? 'invalid' : reasons.length ? 'suspect' : 'valid';

const f1 = (v: number) => (Math.round(v * 10) / 10).toString();

/**
 * One benchmark's verdict from its repeats: the load test's limits on other load, steal, background load and --force,
 * each held against the worst repeat, and the spread between repeats of each metric.
 */
export function judgeBenchmark(input: BenchmarkJudgeInput): {
  validity: Validity;
  validity_reasons: ValidityReason[];
} {
  const reasons: ValidityReason[] = [];
  const add = (
    code: ValidityCode,
    severity: 'suspect' | 'invalid',
    value: number | null,
    limit: number | null,
    message: string,
  ) => reasons.push({ code, severity, level: null, value, limit, message });
  const graded = (
    code: ValidityCode,
    value: number | undefined | null,
    suspect: number,
    invalid: number | null,
    what: string,
  ) => {
    if (value === undefined || value === null || !Number.isFinite(value)) return;
    if (invalid !== null && value > invalid)
      add(code, 'invalid', value, invalid, `${what} reached ${f1(value)} %, past the limit of ${invalid} %.`);
    else if (value > suspect)
      add(code, 'suspect', value, suspect, `${what} reached ${f1(value)} %, past the limit of ${suspect} %.`);
  };
  const maxOf = (pick: (c: RunConditions) => number | undefined) => {
    const values = input.runs.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length ? Math.max(...values) : undefined;
  };
  if (input.forced)
    add('forced', 'suspect', null, null, 'The benchmark was forced to start although the machine was not quiet.');
  graded(
    'background_load',
    input.background_busy_pct,
    BACKGROUND_SUSPECT_PCT,
    BACKGROUND_INVALID_PCT,
    'Busy share before the start',
  );
  graded(
    'other_load',
    maxOf((c) => c.other_load_pct),
    OTHER_LOAD_SUSPECT_PCT,
    OTHER_LOAD_INVALID_PCT,
    'Other load in a repeat',
  );
  graded(
    'steal',
    maxOf((c) => c.steal_pct),
    STEAL_SUSPECT_PCT,
    STEAL_INVALID_PCT,
    'Steal time in a repeat',
  );
  // Not held against a repeat: a CPU quota's throttling. Every benchmark here runs flat out for part of each repeat,
  // where a quota throttles by design and the figure is what the quota gives, as at the load test's 100 % level; the
  // repeat's throttled share stays in its conditions for anyone to read, and an unsteady quota shows as spread.
  if (input.runs.length < 2)
    add('single_run', 'suspect', input.runs.length, 2, 'Only one repeat: nothing tells how much the figures vary.');
  for (const [key, cv] of Object.entries(input.cv_pct)) {
    if (cv === null || !Number.isFinite(cv)) continue;
    if (cv > SPREAD_INVALID_CV_PCT)
      add(
        'run_spread',
        'invalid',
        cv,
        SPREAD_INVALID_CV_PCT,
        `${key} varied ${f1(cv)} % between repeats, past ${SPREAD_INVALID_CV_PCT} %.`,
      );
    else if (cv > SPREAD_SUSPECT_CV_PCT)
      add(
        'run_spread',
        'suspect',
        cv,
        SPREAD_SUSPECT_CV_PCT,
        `${key} varied ${f1(cv)} % between repeats, past ${SPREAD_SUSPECT_CV_PCT} %.`,
      );
  }
  return { validity: worst(reasons), validity_reasons: reasons };
}
