/**
 * Stored benchmark runs (a SuiteResult as the server judged it), the scores filled from them (ratios against a
 * baseline server, 1.0 = baseline), the comparison of 2–10 servers with the load test's statistics, and the watch
 * over time (a run that fell below its server's own median).
 */
import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';
import { PAIR_VERDICTS } from './loadtests.ts';
import { ReproRecordSchema, SCORE_COMPONENTS, SUITE_BENCHMARKS, SuiteBenchmarkResultSchema } from './suite.ts';
import { VALIDITIES, ValidityReasonSchema } from './validity.ts';

/** Days of runs a comparison, a history or the alerts look at unless told. */
export const BENCHMARK_WINDOW_DAYS = 30;
/** A run falling more than this share (%) below its server's median is flagged, unless a schedule says otherwise. */
export const DEFAULT_DROP_ALERT_PCT = 10;
/** Fewest valid runs a server's median must come from before a run is flagged against it. */
export const DROP_MIN_RUNS = 3;

const Ratio = Nullable(Type.Number({ exclusiveMinimum: 0 }));

/** One component's part in the overall score: overall = the product of the factors. */
export const ScoreShareSchema = Type.Object({
  factor: Type.Number({ description: 'score^(1/k) for k components present: the overall is their product' }),
  share_pct: Type.Number({
    description:
      'ln(score) ÷ Σ|ln(score)| over the components, %: signed (negative pulls the overall below 1.0), the absolute values add up to 100; 0 when every component is exactly 1.0',
  }),
});
export const ScoreSharesSchema = Type.Object({
  cpu: Type.Optional(ScoreShareSchema),
  memory: Type.Optional(ScoreShareSchema),
  disk: Type.Optional(ScoreShareSchema),
  network: Type.Optional(ScoreShareSchema),
});
export type ScoreShares = Static<typeof ScoreSharesSchema>;

export const ScoresSchema = Type.Object({
  baseline_collector: Nullable(Uuid),
  cpu: Ratio,
  memory: Ratio,
  disk: Ratio,
  network: Ratio,
  overall: Ratio,
  shares: ScoreSharesSchema,
});
export type Scores = Static<typeof ScoresSchema>;

/** A benchmark of a stored run: the server's verdict, and what the agent said beside it. */
export const StoredBenchmarkResultSchema = Type.Object({
  ...SuiteBenchmarkResultSchema.properties,
  agent_validity: Nullable(Type.Enum(VALIDITIES)),
});
export type StoredBenchmarkResult = Static<typeof StoredBenchmarkResultSchema>;

export const BenchmarkRunSchema = Type.Object({
  id: Uuid,
  collector: Uuid,
  collector_name: Type.String(),
  job_id: Nullable(Uuid),
  /** The seed benchmark row that shows this run's scores. */
  benchmark_id: Nullable(Uuid),
  profile: Type.String(),
  started_at: DateTime,
  finished_at: DateTime,
  duration_seconds: Type.Integer(),
  validity: Type.Enum(VALIDITIES),
  validity_reasons: Type.Array(ValidityReasonSchema),
  record: ReproRecordSchema,
  benchmarks: Type.Array(StoredBenchmarkResultSchema),
  scores: ScoresSchema,
  created_at: DateTime,
});
export type BenchmarkRun = Static<typeof BenchmarkRunSchema>;

export const BenchmarkRunListQuery = Type.Object({
  ...pageQueryProps,
  collector_id: Type.Optional(Uuid),
  profile: Type.Optional(Type.String({ maxLength: 50 })),
  validity: Type.Optional(Type.Enum(VALIDITIES)),
});

const Days = Type.Integer({
  minimum: 1,
  maximum: 3650,
  description: `days back from now (default ${BENCHMARK_WINDOW_DAYS})`,
});

export const BenchmarkCompareQuery = Type.Object({
  collector_ids: Type.String({ description: '2–10 collector ids, comma-separated; the first is the baseline' }),
  include: Type.Optional(
    Type.String({ pattern: '^(suspect|invalid)(,(suspect|invalid))?$', description: 'suspect, invalid or both' }),
  ),
  days: Type.Optional(Days),
});

const Interval = Type.Object({
  value: Type.Number(),
  ci95_low: Nullable(Type.Number()),
  ci95_high: Nullable(Type.Number()),
});

export const ExcludedRunsSchema = Type.Object({
  suspect: Type.Integer({ description: 'suspect runs of the window left out' }),
  invalid: Type.Integer({ description: 'invalid runs of the window left out' }),
  reasons: Type.Array(Type.String(), { description: 'the codes of the reasons they were left out for' }),
});

export const MetricCompareSchema = Type.Object({
  n: Type.Integer({ description: 'runs used (each run counts with its median over its repeats)' }),
  median: Nullable(Type.Number()),
  mean: Nullable(Type.Number()),
  cv_pct: Nullable(Type.Number({ description: 'sample standard deviation / mean of the runs, %; null with one run' })),
  ci95_low: Nullable(Type.Number({ description: 'mean − t(0.975, n−1)·s/√n; null with one run' })),
  ci95_high: Nullable(Type.Number()),
  ratio: Nullable(
    Type.Object(Interval.properties, {
      description:
        'times better than the baseline (first server): ratio of geometric means, this ÷ baseline, inverted (baseline ÷ this) where lower is better; 95 % interval from Welch’s t on the logarithms',
    }),
  ),
  verdict: Type.Enum(PAIR_VERDICTS),
  verdict_text: Type.String(),
  per_dollar_hour: Nullable(
    Type.Object(Interval.properties, { description: 'mean per USD/hour (higher-is-better metrics)' }),
  ),
});
export type MetricCompare = Static<typeof MetricCompareSchema>;

export const BenchmarkCompareServerSchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.String(),
  hourly_cost: Nullable(Type.Number()),
  /** Per benchmark: runs in the window that had it, used and left out. */
  benchmarks: Type.Record(Type.String(), Type.Object({ used: Type.Integer(), excluded: ExcludedRunsSchema })),
  metrics: Type.Record(Type.String(), MetricCompareSchema),
  /** core scaling: median units/s per worker count over the runs used. */
  curve: Type.Array(Type.Object({ workers: Type.Integer(), units_per_s: Type.Number(), n: Type.Integer() })),
  scores: ScoresSchema,
});
export type BenchmarkCompareServer = Static<typeof BenchmarkCompareServerSchema>;

export const SuiteMetricDefSchema = Type.Object({
  key: Type.String(),
  benchmark: Type.Enum(SUITE_BENCHMARKS),
  unit: Type.String(),
  better: Type.Enum(['higher', 'lower'] as const),
  component: Nullable(Type.Enum(SCORE_COMPONENTS)),
  label: Type.String(),
});

export const BenchmarkCompareSchema = Type.Object({
  days: Type.Integer(),
  include: Type.Array(Type.Enum(['suspect', 'invalid'] as const)),
  /** The first server: every ratio and verdict is against it. */
  baseline_collector: Uuid,
  metrics: Type.Array(SuiteMetricDefSchema),
  servers: Type.Array(BenchmarkCompareServerSchema),
});
export type BenchmarkCompare = Static<typeof BenchmarkCompareSchema>;

export const BenchmarkHistoryQuery = Type.Object({
  collector_id: Uuid,
  metric: Type.String({ maxLength: 100, description: 'a SUITE_METRICS key, e.g. memory.copy_gbps_all' }),
  days: Type.Optional(Days),
});

export const BenchmarkHistoryPointSchema = Type.Object({
  run_id: Uuid,
  at: DateTime,
  value: Type.Number(),
  validity: Type.Enum(VALIDITIES, { description: 'of the benchmark this metric belongs to' }),
  drop: Type.Boolean(),
  drop_pct: Nullable(Type.Number({ description: 'how far it is worse than the median, % (negative: better)' })),
});

export const BenchmarkHistorySchema = Type.Object({
  collector_id: Uuid,
  metric: SuiteMetricDefSchema,
  days: Type.Integer(),
  drop_alert_pct: Type.Number(),
  median: Nullable(Type.Number({ description: 'of the valid runs in the window' })),
  median_runs: Type.Integer(),
  points: Type.Array(BenchmarkHistoryPointSchema, { description: 'oldest first' }),
});
export type BenchmarkHistory = Static<typeof BenchmarkHistorySchema>;

export const BenchmarkAlertsQuery = Type.Object({ days: Type.Optional(Days) });

export const BenchmarkAlertSchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.String(),
  run_id: Uuid,
  at: DateTime,
  metric: Type.String(),
  label: Type.String(),
  unit: Type.String(),
  value: Type.Number(),
  median: Type.Number(),
  drop_pct: Type.Number(),
  drop_alert_pct: Type.Number(),
  validity: Type.Enum(VALIDITIES),
});
export const BenchmarkAlertsSchema = Type.Object({
  days: Type.Integer(),
  count: Type.Integer(),
  results: Type.Array(BenchmarkAlertSchema),
});
export type BenchmarkAlerts = Static<typeof BenchmarkAlertsSchema>;
