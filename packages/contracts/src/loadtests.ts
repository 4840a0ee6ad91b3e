import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';
import { LOAD_TEST_SOURCES, VALIDITIES, ValidityReasonSchema } from './validity.ts';

/** The ten utilization levels of a load test, in percent. */
export const LOAD_LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] as const;
export const UNIT_FIELDS = [
  'units_10pct',
  'units_20pct',
  'units_30pct',
  'units_40pct',
  'units_50pct',
  'units_60pct',
  'units_70pct',
  'units_80pct',
  'units_90pct',
  'units_100pct',
] as const;
export type UnitField = (typeof UNIT_FIELDS)[number];

/** CPU work units completed in one second at a level (PostgreSQL integer, like the reference's PositiveIntegerField). */
const Units = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });
const Details = Type.Record(Type.String(), Type.Unknown(), {
  description: 'What the measuring tool reported beyond the units (achieved utilization, tool, host ids)',
});

export const DataPointSchema = Type.Object({ utilization: Type.Integer(), work_units: Type.Integer() });
export type DataPoint = Static<typeof DataPointSchema>;

export const LoadTestSchema = Type.Object({
  id: Uuid,
  collector: Uuid,
  collector_name: Type.String(),
  benchmark: Nullable(Uuid),
  units_10pct: Type.Integer(),
  units_20pct: Type.Integer(),
  units_30pct: Type.Integer(),
  units_40pct: Type.Integer(),
  units_50pct: Type.Integer(),
  units_60pct: Type.Integer(),
  units_70pct: Type.Integer(),
  units_80pct: Type.Integer(),
  units_90pct: Type.Integer(),
  units_100pct: Type.Integer(),
  data_points: Type.Array(DataPointSchema),
  max_units: Type.Integer(),
  avg_units: Type.Integer({ description: 'floor(sum of the ten levels / 10), zeros included' }),
  notes: Type.String(),
  details: Nullable(Details),
  source: Type.Enum(LOAD_TEST_SOURCES, { description: 'pcc (the agent), import (perfcpumeasure file) or manual' }),
  validity: Type.Enum(VALIDITIES, { description: "the server's verdict on whether the units can be trusted" }),
  validity_reasons: Type.Array(ValidityReasonSchema),
  series_id: Nullable(Uuid),
  effective_cpus: Nullable(Type.Number({ description: 'CPUs the quota and cpuset allowed the load (pcc)' })),
  created_at: DateTime,
});
export type LoadTest = Static<typeof LoadTestSchema>;

export const LoadTestCreateSchema = Type.Object({
  collector: Uuid,
  benchmark: Type.Optional(Nullable(Uuid)),
  units_10pct: Type.Optional(Units),
  units_20pct: Type.Optional(Units),
  units_30pct: Type.Optional(Units),
  units_40pct: Type.Optional(Units),
  units_50pct: Type.Optional(Units),
  units_60pct: Type.Optional(Units),
  units_70pct: Type.Optional(Units),
  units_80pct: Type.Optional(Units),
  units_90pct: Type.Optional(Units),
  units_100pct: Type.Optional(Units),
  notes: Type.Optional(Type.String({ maxLength: 10_000 })),
  details: Type.Optional(Nullable(Details)),
  series_id: Type.Optional(Nullable(Uuid)),
});
export type LoadTestCreate = Static<typeof LoadTestCreateSchema>;
export const LoadTestPatchSchema = Type.Partial(LoadTestCreateSchema);

export const LoadTestListQuery = Type.Object({
  ...pageQueryProps,
  collector_id: Type.Optional(Uuid),
  series_id: Type.Optional(Uuid),
  validity: Type.Optional(Type.Enum(VALIDITIES)),
});

/** JSON form of an import; the multipart form sends the same fields with `file` instead of `content`. */
export const LoadTestImportSchema = Type.Object({
  collector: Uuid,
  benchmark: Type.Optional(Nullable(Uuid)),
  content: Type.String({ description: 'perfcpumeasure output: NDJSON {"siteid","host","busy","units"} lines' }),
  notes: Type.Optional(Type.String({ maxLength: 10_000 })),
});
export type LoadTestImport = Static<typeof LoadTestImportSchema>;

/**
 * What pcc puts in `details` (newer pcc versions may add fields). The server reads the conditions from here to judge
 * the result; every field is optional, as older agents sent fewer.
 */
export const PccLevelSchema = Type.Object({
  utilization: Type.Number(),
  work_units: Type.Number(),
  achieved_utilization: Type.Optional(Type.Number({ description: "the load's share of the effective CPUs, %" })),
  machine_utilization: Type.Optional(Type.Number({ description: 'busy share of the whole machine, %' })),
  other_utilization: Type.Optional(Type.Number({ description: "other processes' share of the machine, %" })),
  steal_pct: Type.Optional(Type.Number()),
  throttled_pct: Type.Optional(Type.Number({ description: 'share of cgroup periods throttled, %' })),
  throttled_usec: Type.Optional(Type.Number()),
  cpu_pressure_avg10: Type.Optional(Type.Number({ description: '/proc/pressure/cpu some avg10 at the end' })),
  freq_mhz: Type.Optional(Type.Number({ description: 'mean CPU clock over the window, where the kernel shows it' })),
  seconds: Type.Optional(Type.Number({ description: 'length of the measured window' })),
});
export type PccLevel = Static<typeof PccLevelSchema>;

export const PccDetailsSchema = Type.Object({
  tool: Type.Literal('pcc'),
  pcc_version: Type.Optional(Type.String()),
  level_seconds: Type.Optional(Type.Number()),
  vcpus: Type.Optional(Type.Number()),
  effective_cpus: Type.Optional(Type.Number()),
  levels: Type.Optional(Type.Array(PccLevelSchema)),
  background_busy: Type.Optional(Type.Number()),
  speed_change_pct: Type.Optional(Type.Number()),
  forced: Type.Optional(Type.Boolean()),
  series: Type.Optional(Type.Object({ id: Uuid, index: Type.Integer(), count: Type.Integer() })),
  started_at: Type.Optional(Type.String()),
});
export type PccDetails = Static<typeof PccDetailsSchema>;

/** How far back `last_30_days` (and `auto` without a series) reaches, and the servers list's performance columns. */
export const COMPARE_DAYS = 30;

/** The runs a comparison takes per server. */
export const COMPARE_RUN_SETS = ['auto', 'latest_series', 'last_30_days', 'all'] as const;
export type CompareRunSet = (typeof COMPARE_RUN_SETS)[number];
export const PAIR_VERDICTS = ['baseline', 'faster', 'slower', 'indistinguishable', 'single_run', 'no_runs'] as const;
export type PairVerdict = (typeof PAIR_VERDICTS)[number];

/** `GET /api/v1/loadtest/compare/`: comma-separated lists in the query. */
export const CompareQuery = Type.Object({
  collector_ids: Type.String({ description: '2–10 collector ids, comma-separated; the first is the baseline' }),
  set: Type.Optional(Type.Enum(COMPARE_RUN_SETS, { default: 'auto' })),
  include: Type.Optional(
    Type.String({ pattern: '^(suspect|invalid)(,(suspect|invalid))?$', description: 'suspect, invalid or both' }),
  ),
  run_ids: Type.Optional(
    Type.String({ description: 'load test ids chosen by hand (any of the servers); overrides set' }),
  ),
});

const Interval = Type.Object({
  value: Type.Number(),
  ci95_low: Nullable(Type.Number()),
  ci95_high: Nullable(Type.Number()),
});
export type Interval = Static<typeof Interval>;

export const LevelStatsSchema = Type.Object({
  utilization: Type.Integer(),
  n: Type.Integer(),
  median: Type.Number(),
  mean: Type.Number(),
  cv_pct: Nullable(Type.Number({ description: 'sample standard deviation / mean, %; null with one run' })),
  ci95_low: Nullable(Type.Number({ description: 'mean − t(0.975, n−1)·s/√n; null with one run' })),
  ci95_high: Nullable(Type.Number()),
});
export type LevelStats = Static<typeof LevelStatsSchema>;

export const CompareRunSchema = Type.Object({
  id: Uuid,
  created_at: DateTime,
  validity: Type.Enum(VALIDITIES),
  series_id: Nullable(Uuid),
  units_100pct: Type.Integer(),
});

export const CompareStatisticsSchema = Type.Object({
  set: Type.Enum([...COMPARE_RUN_SETS, 'chosen'] as const),
  runs: Type.Array(CompareRunSchema, { description: 'the runs used' }),
  excluded: Type.Object({
    suspect: Type.Integer({ description: 'suspect runs of the set left out' }),
    invalid: Type.Integer({ description: 'invalid runs of the set left out' }),
    reasons: Type.Array(Type.String(), { description: 'the codes of the reasons they were left out for' }),
  }),
  levels: Type.Array(LevelStatsSchema),
  effective_cpus: Nullable(Type.Number()),
  per_vcpu: Nullable(Interval),
  per_effective_cpu: Nullable(Interval),
  units_per_dollar_hour: Nullable(Interval),
  ratio: Nullable(Interval),
  verdict: Type.Enum(PAIR_VERDICTS),
  verdict_text: Type.String({ description: 'the verdict in words, e.g. "1.93× faster, 95 %: 1.85–2.01, 3 runs each"' }),
  monthly_cost_to_match: Nullable(
    Type.Number({ description: "USD a month for as many of this server as give the baseline's throughput" }),
  ),
});
export type CompareStatistics = Static<typeof CompareStatisticsSchema>;

export const CompareRequestSchema = Type.Object({
  collector_ids: Type.Array(Uuid, { minItems: 2, maxItems: 10 }),
});

export const CompareEntrySchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.String(),
  specs: Type.String(),
  vcpus: Nullable(Type.Integer()),
  hourly_cost: Nullable(Type.Number()),
  data_points: Type.Array(DataPointSchema),
  max_units: Type.Integer(),
  avg_units: Type.Integer(),
  units_per_vcpu: Nullable(Type.Number({ description: 'max_units / vcpus, 2 dp' })),
  price_performance: Nullable(Type.Number({ description: 'max_units per USD/hour, 2 dp' })),
  ratio_to_baseline: Nullable(Type.Number({ description: "max_units / the first entry's max_units, 2 dp" })),
  created_at: DateTime,
  validity: Type.Enum(VALIDITIES, { description: 'of the newest run, whose units the fields above are' }),
  statistics: Type.Optional(CompareStatisticsSchema),
});
export type CompareEntry = Static<typeof CompareEntrySchema>;

export const CompareErrorSchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.Optional(Type.String()),
  error: Type.String(),
});
export type CompareError = Static<typeof CompareErrorSchema>;

export const CompareResponseSchema = Type.Object({
  comparison: Type.Array(Type.Union([CompareEntrySchema, CompareErrorSchema])),
  count: Type.Integer(),
});
