import { DateTime, Nullable, Uuid } from '@xat/contracts';
import { type Static, Type } from 'typebox';

// The reference routes' wire shapes (profiles and schedules are in @xat/contracts, schedules.ts).

export const ProfileNameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 50 }) });

/** The reference's benchmark comparison (REFERENCE 4.5): servers to run on, what to run. */
export const ReferenceCompareCreateSchema = Type.Object({
  servers: Type.Array(
    Type.Object({
      server_id: Uuid,
      name: Type.Optional(Type.String({ maxLength: 200 })),
      server_info: Type.Optional(Type.Unknown()),
    }),
    { minItems: 1, maxItems: 100 },
  ),
  /** `perfcollector-loadtest` (the reference's, default): the CPU sweep once; or a profile name. */
  benchmark_id: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  /** Accepted for the reference's clients; how long a run takes follows from the profile. */
  duration: Type.Optional(Type.String({ maxLength: 20 })),
});

export const ReferenceCompareCreatedSchema = Type.Object({
  success: Type.Boolean(),
  comparison_id: Uuid,
  message: Type.String(),
});

const ComparisonServerSchema = Type.Object({
  server_id: Uuid,
  name: Type.String(),
  /** pending | running | completed | failed | cancelled */
  status: Type.String(),
  progress: Type.Number({ description: '0–100' }),
  job_id: Uuid,
  job_status: Type.String(),
  message: Nullable(Type.String()),
  error: Nullable(Type.String()),
});

export const ReferenceComparisonSchema = Type.Object({
  success: Type.Boolean(),
  comparison_id: Uuid,
  type: Type.Literal('benchmark'),
  benchmark_id: Type.String(),
  duration: Type.String(),
  status: Type.String({ description: 'pending | running | completed | failed | cancelled' }),
  progress: Type.Number({ description: '0–100, over every server' }),
  phase: Type.String(),
  servers: Type.Array(ComparisonServerSchema),
  started_at: DateTime,
  completed_at: Type.Optional(DateTime),
  results: Type.Optional(
    Type.Array(
      Type.Object({
        server_id: Uuid,
        name: Type.String(),
        status: Type.String(),
        result_id: Nullable(Uuid),
        error: Nullable(Type.String()),
        validity: Nullable(Type.String()),
        /** metric key (`<benchmark>.<name>`) → median of the repeats. */
        metrics: Type.Record(Type.String(), Nullable(Type.Number())),
        /** With include_raw_data=true: the benchmarks' stored results (measured, never made up). */
        benchmarks: Type.Optional(Type.Array(Type.Unknown())),
      }),
    ),
  ),
});
export type ReferenceComparison = Static<typeof ReferenceComparisonSchema>;
