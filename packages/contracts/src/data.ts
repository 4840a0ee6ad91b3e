import { type Static, Type } from 'typebox';
import { DateTime, Nullable, pageQueryProps, Uuid } from './common.ts';

/** Extensions accepted by the people's upload endpoint (the agents' /metrics/ takes any name). */
export const DATA_FILE_EXTENSIONS = ['csv', 'json', 'txt', 'log', 'gz', 'zip'] as const;

/** An uploaded collection file. Sent as multipart/form-data: `file` plus an optional `description` (≤200). */
export const CollectedDataSchema = Type.Object({
  id: Uuid,
  collector: Uuid,
  collector_name: Type.String(),
  description: Type.String(),
  file: Type.String({ description: 'URL that downloads the file' }),
  file_name: Type.String({ description: 'The uploader’s file name, sanitized; for display only' }),
  file_size: Type.Integer({ description: 'Bytes' }),
  row_count: Nullable(Type.Integer()),
  data_start: Nullable(DateTime),
  data_end: Nullable(DateTime),
  created_at: DateTime,
  recording_id: Nullable(
    Type.String({
      format: 'uuid',
      description: 'The recording made of the file’s series (a pcc collection or portal CSV)',
    }),
  ),
});
export type CollectedData = Static<typeof CollectedDataSchema>;

/**
 * The answer to an upload: the file, and what its series gave. A pcc collection (NDJSON, optionally gzip) or a portal
 * CSV is stored as a recording whatever its age; any other file is kept as it is (no recording, `messages` says why).
 */
export const CollectedDataUploadedSchema = Type.Object({
  ...CollectedDataSchema.properties,
  metrics_count: Type.Integer({ description: 'Interval samples written from the file' }),
  skipped: Type.Integer({ description: 'Rounds or rows not stored (unparsable, beyond bounds, out of range)' }),
  messages: Type.Array(Type.String(), { description: 'Why anything was not stored, one line per reason' }),
});
export type CollectedDataUploaded = Static<typeof CollectedDataUploadedSchema>;

export const CollectedDataListQuery = Type.Object(pageQueryProps);
