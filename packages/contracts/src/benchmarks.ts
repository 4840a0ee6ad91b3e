import { type Static, Type } from 'typebox';
import { ScoreSharesSchema } from './benchmark-runs.ts';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';

export const BENCHMARK_STATUSES = ['pending', 'collecting', 'running', 'completed', 'failed', 'cancelled'] as const;
export type BenchmarkStatus = (typeof BENCHMARK_STATUSES)[number];

/** Where a benchmark's scores come from: typed in (0–100, as typed), or measured by pcc (ratios, 1.0 = baseline). */
export const BENCHMARK_SOURCES = ['manual', 'pcc'] as const;
export type BenchmarkSource = (typeof BENCHMARK_SOURCES)[number];

/** A typed-in score. */
const Score = Nullable(Type.Number({ minimum: 0, maximum: 100 }));
/** A score shown: typed in (0–100), or a measured ratio against the baseline server (any positive number). */
const ShownScore = Nullable(
  Type.Number({ minimum: 0, description: 'typed in: 0–100; source pcc: times the baseline server (1.0 = baseline)' }),
);

export const BenchmarkSchema = Type.Object({
  id: Uuid,
  collector: Uuid,
  collector_name: Type.String(),
  name: Type.String(),
  benchmark_type: Type.String(),
  status: Type.Enum(BENCHMARK_STATUSES),
  start_time: Nullable(DateTime),
  end_time: Nullable(DateTime),
  duration_seconds: Nullable(Type.Integer()),
  cpu_score: ShownScore,
  memory_score: ShownScore,
  disk_score: ShownScore,
  network_score: ShownScore,
  overall_score: ShownScore,
  error_message: Type.String(),
  source: Type.Enum(BENCHMARK_SOURCES),
  /** The measured benchmark run (source pcc) the scores are computed from, when they are read. */
  run_id: Nullable(Uuid),
  /** source pcc: the server the scores are ratios against. */
  score_baseline: Nullable(Uuid),
  /** source pcc: each component's part in the overall score. */
  score_shares: Nullable(ScoreSharesSchema),
  created_at: DateTime,
  updated_at: DateTime,
});
export type Benchmark = Static<typeof BenchmarkSchema>;

export const BenchmarkCreateSchema = Type.Object({
  collector: Uuid,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  benchmark_type: Type.Optional(Type.String({ minLength: 1, maxLength: 50, default: 'standard' })),
  status: Type.Optional(Type.Enum(BENCHMARK_STATUSES)),
  start_time: Type.Optional(Nullable(DateTime)),
  end_time: Type.Optional(Nullable(DateTime)),
  duration_seconds: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 2_147_483_647 }))),
  cpu_score: Type.Optional(Score),
  memory_score: Type.Optional(Score),
  disk_score: Type.Optional(Score),
  network_score: Type.Optional(Score),
  overall_score: Type.Optional(Score),
  error_message: Type.Optional(Type.String({ maxLength: 10_000 })),
});
export type BenchmarkCreate = Static<typeof BenchmarkCreateSchema>;
export const BenchmarkPatchSchema = Type.Partial(BenchmarkCreateSchema);

export const BenchmarkListQuery = Type.Object({
  ...pageQueryProps,
  status: Type.Optional(Type.Enum(BENCHMARK_STATUSES)),
  collector_id: Type.Optional(Uuid),
});

const Average = Type.Optional(Nullable(Type.Number()));

export const BenchmarkStatsSchema = Type.Object({
  total: Type.Integer(),
  by_status: Type.Object({
    pending: Type.Integer(),
    collecting: Type.Integer(),
    running: Type.Integer(),
    completed: Type.Integer(),
    failed: Type.Integer(),
    cancelled: Type.Integer(),
  }),
  avg_scores: Type.Object(
    { cpu: Average, memory: Average, disk: Average, network: Average, overall: Average },
    { description: 'Averages over completed benchmarks, 1 dp; {} when none is completed' },
  ),
});
export type BenchmarkStats = Static<typeof BenchmarkStatsSchema>;
