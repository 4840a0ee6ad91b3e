import { type Static, Type } from 'typebox';
import { Nullable } from './common.ts';

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

/**
 * The largest rate or amount a sample may carry (a petabyte per second, an exabyte in kB). Rollups add values up, and
 * values this size stay far from a float's overflow however many land in one bucket; 1.7e308 twice did not.
 */
export const MAX_METRIC_VALUE = 1e15;
/** Filesystem sizes in bytes may pass a petabyte; statfs counts are 64-bit. (Device rows are not rolled up.) */
export const MAX_BYTES_VALUE = 2 ** 64;

/** A measured value within its bounds; null or absent is a gap (never interpolated). */
const nullable = (minimum: number, maximum: number) =>
  Type.Optional(Type.Union([Type.Number({ minimum, maximum }), Type.Null()]));
const Percent = nullable(0, 100);
const Amount = nullable(0, MAX_METRIC_VALUE);
const Bytes = nullable(0, MAX_BYTES_VALUE);
type Value = typeof Amount;

const values = <K extends string>(keys: readonly K[], bound: (key: K) => Value) =>
  Object.fromEntries(keys.map((k) => [k, bound(k)])) as { [P in K]: Value };

/**
 * The host's percentages are 0–100 (cpu_*, mem_used_pct); mem_commit_pct is committed memory over RAM + swap, which
 * overcommit takes past 100, so it is bounded as an amount. Everything else is a rate or an amount.
 */
const hostBound = (key: HostField): Value => (key.startsWith('cpu_') || key === 'mem_used_pct' ? Percent : Amount);
const DeviceBounds = {
  cpu: (): Value => Percent,
  disk: (key: string): Value => (key === 'busy_pct' ? Percent : Amount),
  net: (): Value => Amount,
  fs: (key: string): Value => (key === 'used_pct' ? Percent : Bytes),
};

const Name = Type.String({ minLength: 1, maxLength: 255 });

export const MetricSampleSchema = Type.Object({
  /** End of the interval, epoch seconds (UTC). */
  timestamp: Type.Integer({ minimum: 946684800, maximum: 4102444800 }),
  /** Real seconds between the two rounds the rates come from. */
  interval_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86400 })),
  host: Type.Object(values(HOST_FIELDS, hostBound)),
  cpus: Type.Optional(
    Type.Array(
      Type.Object({ cpu: Type.Integer({ minimum: 0, maximum: 65535 }), ...values(CPU_FIELDS, DeviceBounds.cpu) }),
      { maxItems: 4096 },
    ),
  ),
  disks: Type.Optional(
    Type.Array(Type.Object({ name: Name, ...values(DISK_FIELDS, DeviceBounds.disk) }), { maxItems: 1024 }),
  ),
  interfaces: Type.Optional(
    Type.Array(Type.Object({ name: Name, ...values(NET_FIELDS, DeviceBounds.net) }), { maxItems: 1024 }),
  ),
  filesystems: Type.Optional(
    Type.Array(Type.Object({ mount_point: Name, ...values(FS_FIELDS, DeviceBounds.fs) }), { maxItems: 1024 }),
  ),
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
  /**
   * The agent's clock when it sent the batch (epoch seconds). Past 10 s from the server's, the samples' timestamps
   * are moved by the difference; a value outside 2000–2100 (a clock never set) moves nothing.
   */
  collector_time: Type.Number(),
  samples: Type.Array(MetricSampleSchema, { maxItems: MAX_BATCH_SAMPLES }),
  /** How the agent itself is doing. */
  agent: Type.Optional(
    Type.Object({
      version: Type.Optional(Type.String({ maxLength: 64 })),
      cpu_pct: Type.Optional(Type.Number({ minimum: 0 })),
      rss_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Samples the agent had to drop (spool full, dead letters trimmed) since its last report; counted once per batch_id. */
      dropped_samples: Type.Optional(Type.Integer({ minimum: 0 })),
      spool_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
  ),
});
export type MetricsBatch = Static<typeof MetricsBatchSchema>;

/**
 * An agent clock this close to the server's is taken as it is; past it, the samples are moved by the skew (the server)
 * and the clock is called wrong (the dashboard).
 */
export const CLOCK_SKEW_TOLERANCE_SECONDS = 10;

/** What the server made of the agent's clock (`collector_time` against its own when the batch arrived). */
const ClockFields = {
  /** The agent's clock minus the server's, in seconds, as held for this collector; null when never measured. */
  clock_skew_seconds: Type.Union([Type.Number(), Type.Null()]),
  /** Seconds taken off every sample's timestamp for that skew: 0 while it is within 10 s. */
  clock_correction_seconds: Type.Integer(),
};

export const MetricsBatchResultSchema = Type.Object({
  status: Type.Literal('ok'),
  batch_id: Type.String(),
  written: Type.Integer(),
  duplicates: Type.Integer(),
  ...ClockFields,
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

/** A sample of a batch the server refused, and why (the first field found wrong, or its timestamp). */
export const RefusedSampleSchema = Type.Object({
  /** Its position in the batch's `samples`. */
  index: Type.Integer({ minimum: 0 }),
  /** The field, within the sample (`host.cpu_busy`, `cpus.3.user`, `timestamp`). */
  field: Type.String(),
  reason: Type.String(),
});
export type RefusedSample = Static<typeof RefusedSampleSchema>;

/**
 * The 400 for a batch some samples of which can never be stored (a value out of its bounds, a malformed sample, a
 * timestamp outside the accepted range): the others were stored, as `written` and `duplicates` say; `refused` lists
 * the first 20 refused samples, `refused_count` counts them all.
 */
export const MetricsBatchRefusedSchema = Type.Object({
  samples: Type.Array(Type.String()),
  written: Type.Integer(),
  duplicates: Type.Integer(),
  refused: Type.Array(RefusedSampleSchema),
  refused_count: Type.Integer(),
  ...ClockFields,
});
/** Its earlier name, when only timestamps could be refused. */
export const MetricsBatchOutOfRangeSchema = MetricsBatchRefusedSchema;

/** `POST /api/v1/metrics/` with raw rounds `{measurements}`: chained with the collector's previous round. */
export const MetricsRawReceivedSchema = Type.Object({
  status: Type.Literal('received'),
  /** Interval samples written. */
  metrics_count: Type.Integer(),
  /** Rounds with no parsable /proc measurement, or whose values come out beyond their bounds. */
  skipped: Type.Integer(),
  /** Parsable rounds outside the accepted time range (not stored). */
  out_of_range: Type.Integer(),
  /** Why rounds were skipped or out of range, one line per reason; present only when some were. */
  messages: Type.Optional(Type.Array(Type.String())),
});

/** `POST /api/v1/metrics/` with a multipart `file` (pcc collection, optionally gzip, or portal CSV). */
export const MetricsFileIngestedSchema = Type.Object({
  status: Type.Literal('uploaded'),
  data_id: Type.String({ format: 'uuid' }),
  file_size: Type.Integer(),
  /** Interval samples written from the file. */
  metrics_count: Type.Integer(),
  /** Rounds or rows that could not be parsed or came out beyond their bounds, and lines that were not a measurement. */
  skipped: Type.Integer(),
  /** Rounds or rows outside the accepted time range: from before 2000 or ahead of the server clock (not stored). */
  out_of_range: Type.Integer(),
  /** The recording the file's series make (kept whatever their age); null when none of its samples could be stored. */
  recording_id: Nullable(Type.String({ format: 'uuid' })),
  /** Why any round or row was not stored, one line per reason (empty when all were). */
  messages: Type.Array(Type.String()),
});

/** `POST /v1/trickle` answers, as the original (REFERENCE 1.4), plus `skipped`. */
export const TrickleAcceptedSchema = Type.Object({
  status: Type.Literal('ok'),
  identifier: Type.Union([Type.String(), Type.Null()]),
  /** Rounds stored (as an interval sample, or as the base of the next one). */
  metrics_count: Type.Integer(),
  /**
   * The trickle session (a recording, source trickle) the request's rounds went to; the nil uuid when none of them
   * could be stored and the collector has no session.
   */
  session_id: Type.String({ format: 'uuid' }),
  /** Rounds not stored: no parsable measurement, values beyond their bounds, or outside the accepted time range. */
  skipped: Type.Integer(),
  /** Why rounds were skipped, one line per reason; present only when some were. */
  messages: Type.Optional(Type.Array(Type.String())),
});

export const TrickleEmptySchema = Type.Object({
  status: Type.Literal('ok'),
  message: Type.Literal('No measurements to process'),
});
