import { type Static, Type } from 'typebox';
import { DateTime, Nullable, Uuid } from './common.ts';
import { CompareResponseSchema, LoadTestSchema } from './loadtests.ts';

/**
 * The reference's HEAD read API (REFERENCE 4.5), served so that its perf-dashboard works unchanged: the load-test
 * items' camelCase fields and the `{servers, ratios}` compare form, `/dashboard/api/…` and `/api/v1/pcc/captures`.
 * Same shapes, our values: CPU from intervals (never since boot), every unit stated, every route tenant-scoped.
 *
 * Units, the same on every route: MB = 10^6 bytes; disk `*_mbps` and captures' diskRead/diskWrite = MB/s
 * (10^6 bytes/s); network `*_mbps` and captures' networkRx/networkTx = Mbit/s (10^6 bits/s); percentages 0–100.
 */
export const REFERENCE_UNITS = {
  mb: 'MB (10^6 bytes)',
  diskMbps: 'MB/s (10^6 bytes per second)',
  netMbps: 'Mbit/s (10^6 bits per second)',
} as const;

/** vm_brand → the provider label the reference shows (REFERENCE 4.7); other brands are shown as they are. */
export const PROVIDER_LABELS: Readonly<Record<string, string>> = {
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'GCP',
  oracle_cloud: 'OCI',
  vmware: 'VMware',
  bare_metal: 'Bare Metal',
  unknown: 'Unknown',
  '': 'Unknown',
};

/** Every vm_brand's label on our own pages: the reference's, and the names it shows raw (hardware makers, other). */
export const BRAND_LABELS: Readonly<Record<string, string>> = {
  ...PROVIDER_LABELS,
  dell: 'Dell',
  hp: 'HP',
  lenovo: 'Lenovo',
  other: 'Other',
};

/** The reference's compare colours, cycled over the servers in order. */
export const COMPARE_COLORS = [
  '#3b82f6',
  '#ef4444',
  '#22c55e',
  '#f59e0b',
  '#8b5cf6',
  '#ec4899',
  '#06b6d4',
  '#f97316',
] as const;

/** The reference's error body of its hand-written views; `detail` and `code` as every other error of ours. */
export const ReferenceErrorSchema = Type.Object({ error: Type.String(), detail: Type.String(), code: Type.String() });

const Iso = Type.String({ format: 'date-time', description: 'ISO-8601, UTC (Z)' });
const Num = Type.Number();
const Value = Nullable(Type.Number());
const Values = (description: string) => Type.Array(Value, { description: `${description}; null: a gap` });

// ---- load tests (HEAD fields beside the seed's) ----

export const HeadDataPointSchema = Type.Object({ busyPct: Type.Integer(), workUnits: Type.Integer() });

const headLoadTestFields = {
  collectorId: Uuid,
  serverName: Type.String({ description: 'The collector’s name' }),
  provider: Type.String({ description: 'From vm_brand: AWS, Azure, GCP, OCI, VMware, Bare Metal, Unknown, or as is' }),
  benchmarkId: Nullable(Uuid),
  data: Type.Array(HeadDataPointSchema, { description: 'The ten levels, 10–100 % busy, in work units per second' }),
  maxUnits: Type.Integer(),
  avgUnits: Type.Integer({ description: 'floor(sum of the ten levels / 10), zeros included' }),
  createdAt: DateTime,
};

/** A load test with the reference HEAD's camelCase fields beside the seed's. */
export const ReferenceLoadTestSchema = Type.Object({ ...LoadTestSchema.properties, ...headLoadTestFields });
export type ReferenceLoadTest = Static<typeof ReferenceLoadTestSchema>;

export const HeadCompareServerSchema = Type.Object({
  serverId: Uuid,
  serverName: Type.String(),
  provider: Type.String(),
  color: Type.String({ description: 'The reference’s palette, cycled in order' }),
  data: Type.Array(HeadDataPointSchema),
  hourlyCost: Nullable(Type.Number({ description: 'USD per hour, as entered on the collector' })),
  maxUnits: Type.Integer(),
  pricePerformance: Nullable(
    Type.Number({ description: 'maxUnits per USD/hour, 2 dp; null without a cost or without units' }),
  ),
});
export type HeadCompareServer = Static<typeof HeadCompareServerSchema>;

/** The compare answer: the seed's `comparison` and the reference HEAD's `servers` and `ratios`. */
export const ReferenceCompareResponseSchema = Type.Object({
  ...CompareResponseSchema.properties,
  servers: Type.Array(HeadCompareServerSchema, {
    description: 'The compared collectors with a result (unknown ones and those without results are left out)',
  }),
  ratios: Type.Record(Type.String(), Value, {
    description: 'serverId → maxUnits / the first server’s maxUnits, 2 dp; null when that is 0',
  }),
});
export type ReferenceCompareResponse = Static<typeof ReferenceCompareResponseSchema>;

// ---- /dashboard/api/ ----

export const DashboardCollectorSchema = Type.Object({ id: Uuid, name: Type.String(), description: Type.String() });

export const DashboardIdParams = Type.Object({ id: Uuid });

export const DashboardSeriesQuery = Type.Object({
  hours: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 8760,
      description: 'Hours back from now, used when the collector has no recording (default 1)',
    }),
  ),
});

const seriesHead = {
  collector_id: Uuid,
  collector_name: Type.String(),
  recording_id: Nullable(Uuid),
  from: Iso,
  to: Iso,
  timestamps: Type.Array(Iso),
};

export const DashboardCpuSchema = Type.Object({
  ...seriesHead,
  cpu_user: Values('% of CPU time, per interval'),
  cpu_system: Values('%'),
  cpu_iowait: Values('%'),
  cpu_idle: Values('%'),
  cpu_steal: Values('%'),
});

export const DashboardMemorySchema = Type.Object({
  ...seriesHead,
  mem_used_percent: Values('%'),
  mem_total: Values(REFERENCE_UNITS.mb),
  mem_used: Values(REFERENCE_UNITS.mb),
  mem_available: Values(REFERENCE_UNITS.mb),
  mem_buffers: Values(REFERENCE_UNITS.mb),
  mem_cached: Values(REFERENCE_UNITS.mb),
});

export const DashboardDiskSchema = Type.Object({
  ...seriesHead,
  disk_read_iops: Values('reads per second'),
  disk_write_iops: Values('writes per second'),
  disk_read_mbps: Values(REFERENCE_UNITS.diskMbps),
  disk_write_mbps: Values(REFERENCE_UNITS.diskMbps),
});

export const DashboardNetworkSchema = Type.Object({
  ...seriesHead,
  net_rx_mbps: Values(REFERENCE_UNITS.netMbps),
  net_tx_mbps: Values(REFERENCE_UNITS.netMbps),
  net_rx_pps: Values('packets per second'),
  net_tx_pps: Values('packets per second'),
});

export const LiveQuery = Type.Object({
  minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'The last N minutes (default 10)' })),
  since: Type.Optional(
    Type.String({ maxLength: 64, description: 'Only samples after this instant (ISO-8601 or epoch seconds)' }),
  ),
});

const Zeroed = (description: string) =>
  Type.Array(Num, { description: `${description}; a missing value is 0, as in the reference` });
const Rates = (description: string) => Type.Array(Value, { description: `${description}; null when not measured` });

const liveFields = {
  has_live_data: Type.Boolean(),
  sample_count: Type.Integer(),
  timestamps: Type.Array(Iso),
  cpu: Type.Object({
    user: Zeroed('% of CPU time in the interval'),
    system: Zeroed('%'),
    iowait: Zeroed('%'),
    idle: Zeroed('%'),
    steal: Zeroed('%'),
  }),
  memory: Type.Object({
    total_mb: Zeroed(REFERENCE_UNITS.mb),
    used_mb: Zeroed(REFERENCE_UNITS.mb),
    available_mb: Zeroed(REFERENCE_UNITS.mb),
    buffers_mb: Zeroed(REFERENCE_UNITS.mb),
    cached_mb: Zeroed(REFERENCE_UNITS.mb),
  }),
  disk: Type.Object({
    read_bytes: Zeroed('bytes read during the interval (not a since-boot counter)'),
    write_bytes: Zeroed('bytes written during the interval'),
    read_ops: Zeroed('reads completed during the interval'),
    write_ops: Zeroed('writes completed during the interval'),
    read_iops: Rates('per second'),
    write_iops: Rates('per second'),
    read_mbps: Rates(REFERENCE_UNITS.diskMbps),
    write_mbps: Rates(REFERENCE_UNITS.diskMbps),
  }),
  network: Type.Object({
    rx_bytes: Zeroed('bytes received during the interval (not a since-boot counter)'),
    tx_bytes: Zeroed('bytes sent during the interval'),
    rx_packets: Zeroed('packets received during the interval'),
    tx_packets: Zeroed('packets sent during the interval'),
    rx_mbps: Rates(REFERENCE_UNITS.netMbps),
    tx_mbps: Rates(REFERENCE_UNITS.netMbps),
    rx_pps: Rates('packets per second'),
    tx_pps: Rates('packets per second'),
  }),
};

export const LiveSchema = Type.Object({ collector_id: Uuid, collector_name: Type.String(), ...liveFields });
export type Live = Static<typeof LiveSchema>;
export type LiveFields = Omit<Live, 'collector_id' | 'collector_name'>;

export const TrickleStatusSchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.String(),
  trickle_active: Type.Boolean({ description: 'A sample timed within the last 5 minutes' }),
  last_data_at: Nullable(Iso),
  metrics_last_5min: Type.Integer({ description: 'Samples timed within the last 5 minutes' }),
  total_metrics: Type.Integer({ description: 'Samples stored for the collector' }),
  collector_status: Type.String({ description: 'pending, connected or disconnected' }),
  collector_last_seen: Nullable(Iso),
});

export const ActiveSessionSchema = Type.Object({
  session_id: Uuid,
  collector_id: Uuid,
  collector_name: Type.String(),
  started_at: Nullable(Iso),
  last_data_at: Nullable(Iso),
  sample_count: Type.Integer(),
  duration_seconds: Num,
  avg_cpu_percent: Nullable(Type.Number({ description: 'Mean CPU busy % over the session, 2 dp' })),
  avg_mem_percent: Nullable(Type.Number({ description: 'Mean memory used % over the session, 2 dp' })),
});

export const TrickleActiveSchema = Type.Object({
  active_count: Type.Integer(),
  sessions: Type.Array(ActiveSessionSchema),
});

export const CheckInactiveQuery = Type.Object({
  timeout_minutes: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 10080,
      description: 'Minutes without data after which an active session is completed (default: the tenant setting)',
    }),
  ),
});

export const CheckInactiveSchema = Type.Object({
  completed_count: Type.Integer(),
  completed_sessions: Type.Array(
    Type.Object({ session_id: Uuid, collector_name: Type.String(), sample_count: Type.Integer() }),
  ),
});

export const SESSION_STATUS_FILTERS = ['all', 'active', 'completed', 'saved'] as const;

export const SessionsQuery = Type.Object({
  status: Type.Optional(
    Type.Enum(SESSION_STATUS_FILTERS, { description: 'Default all; `saved` (after a blob export) is never set here' }),
  ),
});

export const SessionItemSchema = Type.Object({
  session_id: Uuid,
  name: Type.String(),
  status: Type.String({ description: 'active or completed' }),
  started_at: Nullable(Iso),
  ended_at: Nullable(Iso),
  sample_count: Type.Integer(),
  duration_seconds: Num,
});

export const SessionsSchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.String(),
  dates: Type.Array(Type.String({ description: 'YYYY-MM-DD (UTC), newest first' })),
  sessions_by_date: Type.Record(Type.String(), Type.Array(SessionItemSchema)),
  total_sessions: Type.Integer(),
});

export const SessionDatesSchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.String(),
  dates: Type.Array(Type.Object({ date: Type.String(), session_count: Type.Integer() })),
});

export const SessionLiveSchema = Type.Object({
  collector_id: Uuid,
  collector_name: Type.String(),
  ...liveFields,
  session_id: Uuid,
  session_name: Type.String(),
  session_status: Type.String(),
  started_at: Nullable(Iso),
  ended_at: Nullable(Iso),
});

export const SessionCompleteBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export const SessionCompleteSchema = Type.Object({
  session_id: Uuid,
  status: Type.String(),
  ended_at: Nullable(Iso),
  sample_count: Type.Integer(),
  message: Type.String(),
});

// ---- /api/v1/pcc/captures ----

export const CAPTURE_METRICS = ['cpu', 'memory', 'disk', 'network', 'vmstat'] as const;

export const CaptureSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  serverName: Type.String(),
  serverId: Uuid,
  duration: Type.String({ description: '"<n> samples"' }),
  capturedAt: Nullable(Iso),
  metrics: Type.Array(Type.Enum(CAPTURE_METRICS), { description: 'The groups with values (vmstat: never)' }),
  sampleCount: Type.Integer({ description: 'Samples (intervals) stored, not lines of the file' }),
  summary: Type.Object({
    avgCpu: Nullable(Type.Number({ description: 'Mean CPU busy %, 2 dp' })),
    avgMemory: Nullable(Type.Number({ description: 'Mean memory used %, 2 dp' })),
    avgDiskIO: Nullable(Type.Number({ description: `Mean disk read + write, ${REFERENCE_UNITS.diskMbps}, 2 dp` })),
  }),
});

export const CapturesSchema = Type.Object({ captures: Type.Array(CaptureSchema) });

export const CaptureDataSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  serverName: Type.String(),
  capturedAt: Nullable(Iso),
  timeSeries: Type.Object({
    timestamps: Type.Array(Iso),
    cpu: Values('CPU busy %'),
    memory: Values('memory used %'),
    diskRead: Values(REFERENCE_UNITS.diskMbps),
    diskWrite: Values(REFERENCE_UNITS.diskMbps),
    networkRx: Values(REFERENCE_UNITS.netMbps),
    networkTx: Values(REFERENCE_UNITS.netMbps),
  }),
  units: Type.Record(Type.String(), Type.String(), { description: 'timeSeries field → its unit' }),
});
export type CaptureData = Static<typeof CaptureDataSchema>;
