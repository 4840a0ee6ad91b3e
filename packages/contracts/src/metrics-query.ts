import { type Static, Type } from 'typebox';
import { Nullable, Uuid } from './common.ts';

/** Resolutions a series can be read at; `auto` picks the coarsest that still gives ≥ ~500 points. */
export const METRIC_STEPS = ['auto', 'raw', '1m', '1h'] as const;
export type MetricStep = (typeof METRIC_STEPS)[number];
export const METRIC_GROUPS = ['cpu', 'disk', 'net', 'fs'] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];
export const COMPARE_ALIGNS = ['absolute', 'start'] as const;
export const EXPORT_FORMATS = ['csv', 'json', 'pcprocess'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const INSTANT = 'Epoch seconds or ISO-8601 (UTC when no offset is given)';
const rangeProps = {
  from: Type.Optional(Type.String({ maxLength: 64, description: `${INSTANT}; default: \`to\` − 1 h` })),
  to: Type.Optional(Type.String({ maxLength: 64, description: `${INSTANT}; default: now` })),
  step: Type.Optional(Type.Enum(METRIC_STEPS, { description: 'Default auto' })),
};
const Fields = Type.String({
  maxLength: 2000,
  description: 'Comma-separated field names; default all (host fields, or the device fields of `group`)',
});

export const MetricsQuerySchema = Type.Object({
  ...rangeProps,
  fields: Type.Optional(Fields),
  group: Type.Optional(Type.Enum(METRIC_GROUPS, { description: 'Per-device series instead of host fields' })),
});
export type MetricsQuery = Static<typeof MetricsQuerySchema>;

export const MetricsCompareQuerySchema = Type.Object({
  collector_ids: Type.String({ maxLength: 1000, description: '2 to 10 comma-separated collector ids' }),
  field: Type.Optional(Type.String({ maxLength: 64, description: 'One host field; default cpu_busy' })),
  ...rangeProps,
  align: Type.Optional(
    Type.Enum(COMPARE_ALIGNS, {
      description: 'absolute: wall-clock time; start: seconds since each host’s first sample in range',
    }),
  ),
});
export type MetricsCompareQuery = Static<typeof MetricsCompareQuerySchema>;

export const MetricsExportQuerySchema = Type.Object({
  format: Type.Optional(Type.Enum(EXPORT_FORMATS, { description: 'Default csv' })),
  ...rangeProps,
  fields: Type.Optional(Fields),
});
export type MetricsExportQuery = Static<typeof MetricsExportQuerySchema>;

/** A measured value; null is a gap (never interpolated). */
const Value = Nullable(Type.Number());
const Column = Type.Array(Value);
const Resolution = Type.Enum(['raw', '1m', '1h'], { description: 'The resolution actually used' });

const seriesHeader = {
  collector_id: Uuid,
  step: Resolution,
  step_seconds: Nullable(
    Type.Number({ description: 'Bucket width; for raw, the typical sampling interval (null without two samples)' }),
  ),
  from: Type.Integer({ description: 'Effective start (epoch s), after clipping to the tenant’s retention' }),
  to: Type.Integer({ description: 'Effective end (epoch s)' }),
  timestamps: Type.Array(Type.Number(), { description: 'Epoch seconds; bucket starts for 1m/1h' }),
};

export const MetricSeriesSchema = Type.Object({
  ...seriesHeader,
  series: Type.Record(Type.String(), Column, { description: 'field → values, aligned with timestamps' }),
  max: Type.Optional(
    Type.Record(Type.String(), Column, { description: 'field → bucket maxima; only for 1m and 1h steps' }),
  ),
});
export type MetricSeries = Static<typeof MetricSeriesSchema>;

export const DeviceSeriesSchema = Type.Object({
  ...seriesHeader,
  group: Type.Enum(METRIC_GROUPS),
  series: Type.Record(Type.String(), Type.Record(Type.String(), Column), {
    description: 'device (cpu0…, disk or interface name, mount point) → field → values',
  }),
});
export type DeviceSeries = Static<typeof DeviceSeriesSchema>;

export const MetricsCompareSchema = Type.Object({
  field: Type.String(),
  step: Resolution,
  step_seconds: Type.Number(),
  align: Type.Enum(COMPARE_ALIGNS),
  from: Type.Integer(),
  to: Type.Integer(),
  timestamps: Type.Array(Type.Number(), {
    description: 'Shared bucket starts: epoch seconds (absolute) or seconds since each host’s first sample (start)',
  }),
  series: Type.Array(
    Type.Object({
      collector_id: Uuid,
      collector_name: Type.String(),
      start: Nullable(
        Type.Number({ description: 'Epoch seconds of the host’s first sample (raw) or bucket (1m/1h) in range' }),
      ),
      values: Column,
    }),
  ),
});
export type MetricsCompare = Static<typeof MetricsCompareSchema>;
