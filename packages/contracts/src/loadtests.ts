import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';

/** The ten utilization levels of a load test, in percent. */
export const LOAD_LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] as const;
/**
 * pcc's `details.speed_change_pct` (flat-out speed at the end of a load test against its start) past this many percent,
 * either way, means the machine did not hold its speed: the agent warns, the dashboard says so beside the result.
 */
export const UNSTEADY_SPEED_PCT = 2;
/** Whether a load test's `speed_change_pct` says the machine did not hold its speed (see UNSTEADY_SPEED_PCT). */
export const isUnsteadySpeed = (pct: number | undefined): pct is number =>
  pct !== undefined && Math.abs(pct) > UNSTEADY_SPEED_PCT;
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
});
export type LoadTestCreate = Static<typeof LoadTestCreateSchema>;
export const LoadTestPatchSchema = Type.Partial(LoadTestCreateSchema);

export const LoadTestListQuery = Type.Object({ ...pageQueryProps, collector_id: Type.Optional(Uuid) });

/** JSON form of an import; the multipart form sends the same fields with `file` instead of `content`. */
export const LoadTestImportSchema = Type.Object({
  collector: Uuid,
  benchmark: Type.Optional(Nullable(Uuid)),
  content: Type.String({ description: 'perfcpumeasure output: NDJSON {"siteid","host","busy","units"} lines' }),
  notes: Type.Optional(Type.String({ maxLength: 10_000 })),
});
export type LoadTestImport = Static<typeof LoadTestImportSchema>;

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
