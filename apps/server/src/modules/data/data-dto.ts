import type { CollectedData } from '@xat/contracts';
import type { CollectedDataWithCollector } from './data.queries.ts';

/** A collected-data row as the API answers it; `base` is the public URL the download link starts with. */
export function toCollectedDataDto(row: CollectedDataWithCollector, base: string): CollectedData {
  return {
    id: row.id,
    collector: row.collectorId,
    collector_name: row.collectorName,
    description: row.description,
    file: `${base}/api/v1/data/${row.id}/download/`,
    file_name: row.fileName,
    file_size: row.fileSize,
    row_count: row.rowCount,
    data_start: row.dataStart?.toISOString() ?? null,
    data_end: row.dataEnd?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    recording_id: row.recordingId,
  };
}
