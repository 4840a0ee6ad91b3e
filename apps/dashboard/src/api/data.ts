import type { CollectedData } from '@xat/contracts';
import { downloadBlob } from '../lib/csv.ts';
import { api, apiResponse } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

/** `GET /api/v1/collectors/<id>/data/` — the files uploaded for a server. */
export function useCollectedData(collectorId: string) {
  const path = `/api/v1/collectors/${collectorId}/data/?page_size=100`;
  return useQuery(`data:${collectorId}`, (signal) => api<Page<CollectedData>>(path, { signal }));
}

/** `POST /api/v1/collectors/<id>/data/` (multipart `file`, `description`), telling how much of it was sent. */
export function useUploadData() {
  return useMutation(
    async (
      collectorId: string,
      file: File,
      description: string,
      onUploadProgress?: (sent: number, total: number) => void,
    ) => {
      const form = new FormData();
      if (description) form.set('description', description);
      form.set('file', file, file.name);
      const row = await api<CollectedData>(`/api/v1/collectors/${collectorId}/data/`, {
        method: 'POST',
        body: form,
        ...(onUploadProgress && { onUploadProgress }),
      });
      invalidate(`data:${collectorId}`);
      return row;
    },
  );
}

/** `DELETE /api/v1/data/<id>/`. */
export function useDeleteData() {
  return useMutation(async (row: CollectedData) => {
    await api<void>(`/api/v1/data/${row.id}/`, { method: 'DELETE' });
    invalidate(`data:${row.collector}`);
    return true;
  });
}

/** `GET /api/v1/data/<id>/download/` with the token (a plain link would carry none), saved under its name. */
export function useDownloadData() {
  return useMutation(async (row: CollectedData) => {
    const res = await apiResponse(`/api/v1/data/${row.id}/download/`);
    downloadBlob(await res.blob(), row.file_name);
    return true;
  });
}
