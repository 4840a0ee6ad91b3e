import type {
  DeviceSeries,
  MetricGroup,
  MetricSeries,
  Recording,
  RecordingCompare,
  RecordingPatch,
  RecordingSource,
  RecordingSummary,
} from '@xat/contracts';
import { downloadBlob } from '../lib/csv.ts';
import { api, apiResponse, query } from './client.ts';
import { attachmentName } from './metrics.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

const BASE = '/api/v1/recordings/';

export interface RecordingFilter {
  collectorId?: string;
  source?: RecordingSource | '';
  search?: string;
  /** A RECORDING_ORDERINGS value; the server sorts before it pages. */
  ordering?: string;
  page?: number;
  pageSize?: number;
}

/** `GET /api/v1/recordings/` — one page, filtered and sorted by the server; refreshed every 30 s (sessions grow). */
export function useRecordings(filter: RecordingFilter = {}) {
  const path = `${BASE}${query({
    collector_id: filter.collectorId,
    source: filter.source,
    search: filter.search,
    ordering: filter.ordering,
    page: filter.page,
    page_size: filter.pageSize ?? 50,
  })}`;
  return useQuery(`recordings:${path}`, (signal) => api<Page<Recording>>(path, { signal }), { refreshMs: 30_000 });
}

/**
 * `GET /api/v1/recordings/<id>/summary/` — the recording, its statistics and the load tests inside its window;
 * every 30 s while it is an active session (it grows).
 */
export function useRecordingSummary(id: string, growing = false) {
  const path = `${BASE}${id}/summary/`;
  return useQuery(
    `recordings:${id}:summary`,
    (signal) => api<RecordingSummary>(path, { signal }),
    growing ? { refreshMs: 30_000 } : {},
  );
}

/**
 * `GET /api/v1/recordings/<id>/series/?fields=…` — host series over the whole window, step auto. The key carries
 * the window's end, so an active session's charts load again when it grows.
 */
export function useRecordingSeries(id: string, fields: readonly string[], version: string) {
  const path = `${BASE}${id}/series/${query({ fields: fields.join(','), step: 'auto' })}`;
  return useQuery(`recordings:${id}:series:${fields.join(',')}:${version}`, (signal) =>
    api<MetricSeries>(path, { signal }),
  );
}

/** `GET /api/v1/recordings/<id>/series/?group=net|disk|cpu|fs` — per-device series over the window. */
export function useRecordingDevices(id: string, group: MetricGroup, version: string) {
  const path = `${BASE}${id}/series/${query({ group, step: 'auto' })}`;
  return useQuery(`recordings:${id}:${group}:${version}`, (signal) => api<DeviceSeries>(path, { signal }));
}

/** `GET /api/v1/recordings/compare/?ids=…&field=…` — one metric of 2–10 recordings, aligned at each start. */
export function useRecordingCompare(ids: readonly string[], field: string) {
  const path = `${BASE}compare/${query({ ids: ids.join(','), field, step: 'auto' })}`;
  return useQuery(ids.length >= 2 ? `recordings:compare:${path}` : null, (signal) =>
    api<RecordingCompare>(path, { signal }),
  );
}

/** `PATCH /api/v1/recordings/<id>/` — rename, describe, or complete an active trickle session. */
export function useUpdateRecording() {
  return useMutation(async (id: string, body: RecordingPatch) => {
    const updated = await api<Recording>(`${BASE}${id}/`, { method: 'PATCH', body });
    invalidate('recordings');
    return updated;
  });
}

/** `DELETE /api/v1/recordings/<id>/` — the recording and its series. */
export function useDeleteRecording() {
  return useMutation(async (id: string) => {
    await api<void>(`${BASE}${id}/`, { method: 'DELETE' });
    invalidate('recordings');
    return true;
  });
}

export type RecordingExportFormat = 'csv' | 'json' | 'pcprocess';
const EXTENSION: Record<RecordingExportFormat, string> = { csv: 'csv', json: 'json', pcprocess: 'zip' };

/** `GET /api/v1/recordings/<id>/export/?format=…` — downloaded with the token (a plain link would carry none). */
export function useExportRecording() {
  return useMutation(async (r: Pick<Recording, 'id' | 'name'>, format: RecordingExportFormat) => {
    const res = await apiResponse(`${BASE}${r.id}/export/${query({ format })}`);
    const fallback = `${r.name.replace(/[^\w.-]+/g, '_') || 'recording'}.${EXTENSION[format]}`;
    downloadBlob(await res.blob(), attachmentName(res.headers.get('content-disposition')) ?? fallback);
    return true;
  });
}
