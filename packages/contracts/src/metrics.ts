import { type Static, Type } from 'typebox';

/**
 * Host-level fields of a sample, as the API, exports and dashboard name them. Percentages 0–100, *_kb in kB,
 * *_bps in bytes per second, *_iops / *_pps per second. Disk sums cover whole disks only; network sums cover
 * physical interfaces only (packages/procfs decides which).
 */
export const HOST_FIELDS = [
  'cpu_user',
  'cpu_nice',
  'cpu_system',
  'cpu_iowait',
  'cpu_steal',
  'cpu_idle',
  'cpu_busy',
  'mem_free_kb',
  'mem_available_kb',
  'mem_used_kb',
  'mem_used_pct',
  'mem_buffers_kb',
  'mem_cached_kb',
  'mem_commit_kb',
  'mem_commit_pct',
  'mem_active_kb',
  'mem_inactive_kb',
  'mem_dirty_kb',
  'disk_read_bps',
  'disk_write_bps',
  'disk_read_iops',
  'disk_write_iops',
  'net_rx_bps',
  'net_tx_bps',
  'net_rx_pps',
  'net_tx_pps',
] as const;
export type HostField = (typeof HOST_FIELDS)[number];

export const CPU_FIELDS = ['user', 'nice', 'system', 'iowait', 'steal', 'idle', 'busy'] as const;
export const DISK_FIELDS = ['read_bps', 'write_bps', 'read_iops', 'write_iops', 'busy_pct'] as const;
export const NET_FIELDS = ['rx_bps', 'tx_bps', 'rx_pps', 'tx_pps'] as const;
export const FS_FIELDS = ['size_bytes', 'free_bytes', 'avail_bytes', 'used_pct'] as const;

/** A measured value; null or absent is a gap (never interpolated). */
const Value = Type.Union([Type.Number(), Type.Null()]);
const values = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, Type.Optional(Value)])) as {
    [P in K]: ReturnType<typeof Type.Optional<typeof Value>>;
  };

const Name = Type.String({ minLength: 1, maxLength: 255 });

export const MetricSampleSchema = Type.Object({
  /** End of the interval, epoch seconds (UTC). */
  timestamp: Type.Integer({ minimum: 946684800, maximum: 4102444800 }),
  /** Real seconds between the two rounds the rates come from. */
  interval_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86400 })),
  host: Type.Object(values(HOST_FIELDS)),
  cpus: Type.Optional(
    Type.Array(Type.Object({ cpu: Type.Integer({ minimum: 0, maximum: 65535 }), ...values(CPU_FIELDS) }), {
      maxItems: 4096,
    }),
  ),
  disks: Type.Optional(Type.Array(Type.Object({ name: Name, ...values(DISK_FIELDS) }), { maxItems: 1024 })),
  interfaces: Type.Optional(Type.Array(Type.Object({ name: Name, ...values(NET_FIELDS) }), { maxItems: 1024 })),
  filesystems: Type.Optional(Type.Array(Type.Object({ mount_point: Name, ...values(FS_FIELDS) }), { maxItems: 1024 })),
});
export type MetricSample = Static<typeof MetricSampleSchema>;

/** Samples in one batch at most: our agent sends 500 (and halves a batch the server answers 413 to). */
export const MAX_BATCH_SAMPLES = 2_000;
/**
 * Raw measurements in one request at most: the original pcc posts one round (5–6) per request; 10 000 is hours of
 * rounds. Larger histories go up as a collection file.
 */
export const MAX_RAW_MEASUREMENTS = 10_000;

/** Our agent's upload: already-computed interval values. Idempotent by batch_id and by (collector, timestamp). */
export const MetricsBatchSchema = Type.Object({
  batch_id: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  /** The agent's clock when it sent the batch (epoch seconds), to spot clock skew. */
  collector_time: Type.Number(),
  samples: Type.Array(MetricSampleSchema, { maxItems: MAX_BATCH_SAMPLES }),
  /** How the agent itself is doing. */
  agent: Type.Optional(
    Type.Object({
      version: Type.Optional(Type.String({ maxLength: 64 })),
      cpu_pct: Type.Optional(Type.Number({ minimum: 0 })),
      rss_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Samples the agent had to drop (spool full) since its last report. */
      dropped_samples: Type.Optional(Type.Integer({ minimum: 0 })),
      spool_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
  ),
});
export type MetricsBatch = Static<typeof MetricsBatchSchema>;

export const MetricsBatchResultSchema = Type.Object({
  status: Type.Literal('ok'),
  batch_id: Type.String(),
  written: Type.Integer(),
  duplicates: Type.Integer(),
});

/** One line of the original raw format (REFERENCE 1.1), as sent to /v1/trickle and /api/v1/metrics/. */
export const RawMeasurementSchema = Type.Object({
  timestamp: Type.Integer(),
  subsystem: Type.String({ maxLength: 255 }),
  measurement: Type.String({ maxLength: 1_000_000 }),
});

export const TrickleRequestSchema = Type.Object({
  identifier: Type.Optional(Type.String({ maxLength: 255 })),
  measurements: Type.Optional(Type.Array(RawMeasurementSchema, { maxItems: MAX_RAW_MEASUREMENTS })),
});

/**
 * The batch form when some samples lie outside the accepted time range (older than the tenant's raw retention, or
 * more than 10 minutes ahead of the server clock): the others are stored, and the 400 says the rest never will be.
 */
export const MetricsBatchOutOfRangeSchema = Type.Object({
  samples: Type.Array(Type.String()),
  written: Type.Integer(),
  duplicates: Type.Integer(),
});

/** `POST /api/v1/metrics/` with raw rounds `{measurements}`: chained with the collector's previous round. */
export const MetricsRawReceivedSchema = Type.Object({
  status: Type.Literal('received'),
  /** Interval samples written. */
  metrics_count: Type.Integer(),
  /** Rounds with no parsable /proc measurement. */
  skipped: Type.Integer(),
  /** Parsable rounds outside the accepted time range (not stored). */
  out_of_range: Type.Integer(),
});

/** `POST /api/v1/metrics/` with a multipart `file` (pcc collection, optionally gzip, or portal CSV). */
export const MetricsFileIngestedSchema = Type.Object({
  status: Type.Literal('uploaded'),
  data_id: Type.String({ format: 'uuid' }),
  file_size: Type.Integer(),
  /** Interval samples written from the file. */
  metrics_count: Type.Integer(),
  /** Rounds or rows that could not be parsed, and lines that were not a measurement. */
  skipped: Type.Integer(),
  /** Rounds or rows outside the accepted time range (kept in the file, not in the series). */
  out_of_range: Type.Integer(),
});

/** `POST /v1/trickle` answers, as the original (REFERENCE 1.4), plus `skipped`. */
export const TrickleAcceptedSchema = Type.Object({
  status: Type.Literal('ok'),
  identifier: Type.Union([Type.String(), Type.Null()]),
  /** Rounds stored (as an interval sample, or as the base of the next one). */
  metrics_count: Type.Integer(),
  session_id: Type.String({ format: 'uuid' }),
  /** Rounds not stored: no parsable measurement, or outside the accepted time range. */
  skipped: Type.Integer(),
});

export const TrickleEmptySchema = Type.Object({
  status: Type.Literal('ok'),
  message: Type.Literal('No measurements to process'),
});
