import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';

export const BENCHMARK_STATUSES = ['pending', 'collecting', 'running', 'completed', 'failed', 'cancelled'] as const;
export type BenchmarkStatus = (typeof BENCHMARK_STATUSES)[number];

const Score = Nullable(Type.Number({ minimum: 0, maximum: 100 }));

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
  cpu_score: Score,
  memory_score: Score,
  disk_score: Score,
  network_score: Score,
  overall_score: Score,
  error_message: Type.String(),
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
