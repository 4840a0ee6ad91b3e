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
});
export type CollectedData = Static<typeof CollectedDataSchema>;

export const CollectedDataListQuery = Type.Object(pageQueryProps);
