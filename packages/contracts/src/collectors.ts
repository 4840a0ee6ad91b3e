import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';
import { VALIDITIES } from './validity.ts';

export const COLLECTOR_STATUSES = ['pending', 'connected', 'disconnected'] as const;
export const VM_BRANDS = [
  'dell',
  'hp',
  'lenovo',
  'oracle_cloud',
  'azure',
  'aws',
  'gcp',
  'vmware',
  'bare_metal',
  'other',
  'unknown',
] as const;
export const PROCESSOR_BRANDS = ['intel', 'amd', 'arm', 'ampere', 'other', 'unknown'] as const;
export const STORAGE_TYPES = ['nvme', 'ssd', 'hdd', 'block', 'other', 'unknown'] as const;

/**
 * A non-negative decimal(precision, scale) accepted as a JSON number or a numeric string (DRF clients send both);
 * bounded so it always fits its column.
 */
export const Decimal = (precision: number, scale: number) => {
  const intDigits = precision - scale;
  return Type.Union([
    Type.Number({ minimum: 0, maximum: 10 ** intDigits - 10 ** -scale }),
    Type.String({ pattern: `^\\d{1,${intDigits}}(\\.\\d{1,${scale}})?$` }),
  ]);
};

/** A server's standing from its valid load tests of the last COMPARE_DAYS (30) days (the servers list's columns). */
export const CollectorPerformanceSchema = Type.Object({
  runs: Type.Integer({ description: 'valid runs counted' }),
  other_runs: Type.Integer({ description: 'suspect or invalid runs of the same days, left out' }),
  units_100pct: Nullable(Type.Number({ description: 'median units/s at 100 % of the valid runs' })),
  per_effective_cpu: Nullable(Type.Number({ description: 'units_100pct / effective CPUs (vCPUs when unknown)' })),
  units_per_dollar_hour: Nullable(Type.Number({ description: 'units_100pct / hourly_cost' })),
  latest_validity: Nullable(Type.Enum(VALIDITIES)),
});
export type CollectorPerformance = Static<typeof CollectorPerformanceSchema>;

export const CollectorSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  status: Type.Enum(COLLECTOR_STATUSES),
  last_seen: Nullable(DateTime),
  hostname: Type.String(),
  ip_address: Nullable(Type.String()),
  os_name: Type.String(),
  os_version: Type.String(),
  kernel_version: Type.String(),
  vm_brand: Type.Enum(VM_BRANDS),
  processor_brand: Type.Enum(PROCESSOR_BRANDS),
  processor_model: Type.String(),
  vcpus: Nullable(Type.Integer()),
  effective_cpus: Nullable(
    Type.Number({
      description: 'CPUs the agent may use: its cgroup quota and cpuset, at most vcpus (reported by pcc)',
    }),
  ),
  dropped_samples: Type.Integer({ description: 'Samples the agent reported it had to drop, in total' }),
  clock_skew_seconds: Nullable(
    Type.Number({ description: "The agent's clock minus the server's, as measured from its batches (seconds)" }),
  ),
  jobs_polled_at: Nullable(
    Type.String({
      format: 'date-time',
      description: 'Last time the agent asked for a benchmark job; null: it never did (the original Go pcc never does)',
    }),
  ),
  agent_capabilities: Type.String({
    description: 'What the agent said it runs on its last job poll, e.g. `jobs,suite`',
  }),
  memory_gib: Nullable(Type.Number()),
  storage_gib: Nullable(Type.Number()),
  storage_type: Type.Enum(STORAGE_TYPES),
  hourly_cost: Nullable(Type.Number({ description: 'USD per hour, entered by people' })),
  performance: Type.Optional(CollectorPerformanceSchema),
  pcd_address: Type.String(),
  has_pcd_config: Type.Boolean(),
  owner_username: Nullable(Type.String()),
  specs_summary: Type.String(),
  created_at: DateTime,
  updated_at: DateTime,
});
export type Collector = Static<typeof CollectorSchema>;

const writable = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.String({ maxLength: 10_000 }),
  vm_brand: Type.Enum(VM_BRANDS),
  processor_brand: Type.Enum(PROCESSOR_BRANDS),
  processor_model: Type.String({ maxLength: 200 }),
  vcpus: Nullable(Type.Integer({ minimum: 1, maximum: 100_000 })),
  memory_gib: Nullable(Decimal(10, 2)),
  storage_gib: Nullable(Decimal(10, 2)),
  storage_type: Type.Enum(STORAGE_TYPES),
  hourly_cost: Nullable(Decimal(10, 4)),
  pcd_address: Type.String({ maxLength: 255 }),
};

export const CollectorCreateSchema = Type.Object({
  name: writable.name,
  description: Type.Optional(writable.description),
  vm_brand: Type.Optional(writable.vm_brand),
  processor_brand: Type.Optional(writable.processor_brand),
  processor_model: Type.Optional(writable.processor_model),
  vcpus: Type.Optional(writable.vcpus),
  memory_gib: Type.Optional(writable.memory_gib),
  storage_gib: Type.Optional(writable.storage_gib),
  storage_type: Type.Optional(writable.storage_type),
  hourly_cost: Type.Optional(writable.hourly_cost),
  pcd_address: Type.Optional(writable.pcd_address),
});
export type CollectorCreate = Static<typeof CollectorCreateSchema>;
export const CollectorPatchSchema = Type.Partial(CollectorCreateSchema);
export type CollectorPatch = Static<typeof CollectorPatchSchema>;

export const CollectorCreatedSchema = Type.Object({
  ...CollectorSchema.properties,
  api_key: Type.String({ description: 'Shown once: only its hash is stored' }),
  install_command: Type.String(),
});

/** Sort keys of the servers list; `-` first for descending. Names sort naturally (load-2 before load-10). */
export const COLLECTOR_ORDERINGS = [
  'name',
  'status',
  'vcpus',
  'effective_cpus',
  'hourly_cost',
  'created_at',
  'last_seen',
  'performance',
  'per_effective_cpu',
  'value',
] as const;
export type CollectorOrdering = (typeof COLLECTOR_ORDERINGS)[number];

export const CollectorListQuery = Type.Object({
  ...pageQueryProps,
  status: Type.Optional(Type.Enum(COLLECTOR_STATUSES)),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  ordering: Type.Optional(
    Type.Enum([...COLLECTOR_ORDERINGS, ...COLLECTOR_ORDERINGS.map((o) => `-${o}` as const)], {
      description: 'sort key, `-` for descending; nulls last either way; default name',
    }),
  ),
});

/** `GET /api/v1/collectors/summary/`: the whole fleet's totals, whatever page the list is on. */
export const FleetSummarySchema = Type.Object({
  count: Type.Integer(),
  connected: Type.Integer(),
  disconnected: Type.Integer(),
  pending: Type.Integer(),
  vcpus: Type.Integer({ description: 'sum over servers that reported vcpus' }),
  effective_cpus: Type.Number(),
  with_valid_results: Type.Integer(),
});
export type FleetSummary = Static<typeof FleetSummarySchema>;

export const RegenerateKeySchema = Type.Object({ api_key: Type.String(), message: Type.String() });
