import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';
import { EXPORT_FORMATS, METRIC_STEPS } from './metrics-query.ts';

/**
 * A recording: a stretch of one server's series kept whatever its age — an uploaded collection file, a trickle session
 * of the original pcc, or a window of live data someone chose to keep. Live retention never applies to it; the
 * tenant's `recordings_retention_days` may (default: kept until deleted).
 */
export const RECORDING_SOURCES = ['upload', 'trickle', 'live'] as const;
export type RecordingSource = (typeof RECORDING_SOURCES)[number];
export const RECORDING_STATUSES = ['active', 'completed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** A trickle session ends when the next round comes more than this long after the last (tenant setting). */
export const DEFAULT_SESSION_TIMEOUT_MINUTES = 5;
/** A recording compare overlays 2 to this many recordings. */
export const MAX_COMPARED_RECORDINGS = 10;

export const RecordingSchema = Type.Object({
  id: Uuid,
  collector: Uuid,
  collector_name: Type.String(),
  hostname: Type.String(),
  name: Type.String({ maxLength: 200 }),
  description: Type.String(),
  source: Type.Enum(RECORDING_SOURCES),
  status: Type.Enum(RECORDING_STATUSES, {
    description: 'active: a trickle session still receiving rounds; completed otherwise',
  }),
  data_id: Nullable(Type.String({ format: 'uuid', description: 'The uploaded file (source upload)' })),
  started_at: Nullable(DateTime),
  ended_at: Nullable(DateTime),
  duration_seconds: Nullable(Type.Number()),
  sample_count: Type.Integer({ description: 'Samples (intervals) stored in the recording' }),
  interval_seconds: Nullable(Type.Number({ description: 'Typical sampling interval' })),
  last_data_at: Nullable(DateTime),
  created_at: DateTime,
  updated_at: DateTime,
});
export type Recording = Static<typeof RecordingSchema>;

export const RECORDING_ORDERINGS = [
  'started_at',
  '-started_at',
  'name',
  '-name',
  'created_at',
  '-created_at',
  'sample_count',
  '-sample_count',
] as const;

export const RecordingListQuery = Type.Object({
  ...pageQueryProps,
  collector_id: Type.Optional(Uuid),
  source: Type.Optional(Type.Enum(RECORDING_SOURCES)),
  search: Type.Optional(Type.String({ maxLength: 200, description: 'In name, description, server name or host' })),
  ordering: Type.Optional(Type.Enum(RECORDING_ORDERINGS, { description: 'Default -started_at' })),
});
export type RecordingListQuery = Static<typeof RecordingListQuery>;

/** Keep a window of a server's live series as a recording (source live). */
export const RecordingCreateSchema = Type.Object({
  collector: Uuid,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  start: DateTime,
  end: DateTime,
});
export type RecordingCreate = Static<typeof RecordingCreateSchema>;

export const RecordingPatchSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  status: Type.Optional(Type.Literal('completed', { description: 'Complete an active trickle session' })),
});
export type RecordingPatch = Static<typeof RecordingPatchSchema>;

/** The measures a recording's summary gives, each from the host series over its whole window. */
export const RECORDING_STAT_FIELDS = [
  'cpu_busy',
  'cpu_steal',
  'cpu_iowait',
  'mem_used_pct',
  'mem_used_kb',
  'disk_read_bps',
  'disk_write_bps',
  'disk_read_iops',
  'disk_write_iops',
  'net_rx_bps',
  'net_tx_bps',
] as const;
export type RecordingStatField = (typeof RECORDING_STAT_FIELDS)[number];

const Stat = Nullable(Type.Number());
export const FieldStatsSchema = Type.Object({
  n: Type.Integer({ description: 'Samples with a value' }),
  avg: Stat,
  p50: Stat,
  p95: Stat,
  max: Stat,
});
export type FieldStats = Static<typeof FieldStatsSchema>;

export const RecordingSummarySchema = Type.Object({
  recording: RecordingSchema,
  stats: Type.Record(Type.String(), FieldStatsSchema, { description: 'field (RECORDING_STAT_FIELDS) → statistics' }),
  load_tests: Type.Array(
    Type.Object({
      id: Uuid,
      created_at: DateTime,
      validity: Type.String(),
      units_100pct: Nullable(Type.Number()),
    }),
    { description: 'Load tests of this server that ran inside the window' },
  ),
});
export type RecordingSummary = Static<typeof RecordingSummarySchema>;

export const RecordingSeriesQuery = Type.Object({
  fields: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated host fields; default all' })),
  group: Type.Optional(Type.Enum(['cpu', 'disk', 'net', 'fs'] as const)),
  step: Type.Optional(Type.Enum(METRIC_STEPS, { description: 'Default auto: raw up to 500 minutes' })),
});

export const RecordingExportQuery = Type.Object({
  format: Type.Optional(Type.Enum(EXPORT_FORMATS, { description: 'Default csv' })),
  fields: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated host fields; default all' })),
  step: Type.Optional(Type.Enum(METRIC_STEPS, { description: 'csv and json; default raw: every sample' })),
});

export const RecordingCompareQuery = Type.Object({
  ids: Type.String({ maxLength: 1000, description: '2 to 10 comma-separated recording ids' }),
  field: Type.Optional(Type.String({ maxLength: 64, description: 'One host field; default cpu_busy' })),
  step: Type.Optional(Type.Enum(METRIC_STEPS)),
});

export const RecordingCompareSchema = Type.Object({
  field: Type.String(),
  step: Type.Enum(['raw', '1m', '1h'] as const),
  step_seconds: Type.Number(),
  timestamps: Type.Array(Type.Number(), { description: 'Seconds since each recording’s start' }),
  recordings: Type.Array(
    Type.Object({
      recording: RecordingSchema,
      values: Type.Array(Nullable(Type.Number())),
      stats: Type.Record(Type.String(), FieldStatsSchema),
    }),
  ),
});
export type RecordingCompare = Static<typeof RecordingCompareSchema>;
