import type { CompareEntry, CompareError, LoadTest, Validity } from '@xat/contracts';
import { compareParams, type RunChoice } from '../lib/compare-stats.ts';
import { api, query } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

export interface LoadTestFilter {
  collectorId?: string | undefined;
  seriesId?: string | undefined;
  validity?: Validity | undefined;
  page?: number;
}

/** `GET /api/v1/loadtest/` — history, newest first, optionally of one server or one series. */
export function useLoadTests(filter: LoadTestFilter = {}, opts: { enabled?: boolean } = {}) {
  const path = `/api/v1/loadtest/${query({
    collector_id: filter.collectorId,
    series_id: filter.seriesId,
    validity: filter.validity,
    page: filter.page,
    page_size: 50,
  })}`;
  return useQuery(opts.enabled === false ? null : `loadtests:${path}`, (signal) =>
    api<Page<LoadTest>>(path, { signal }),
  );
}

/** `GET /api/v1/loadtest/<id>/`. */
export function useLoadTest(id: string | undefined) {
  return useQuery(id ? `loadtests:${id}` : null, (signal) => api<LoadTest>(`/api/v1/loadtest/${id}/`, { signal }));
}

/**
 * `GET /api/v1/loadtest/compare/?collector_ids=…&set=…&include=…&run_ids=…` — per server the statistics of its runs
 * in the chosen set (the first server is the baseline), with a verdict per pair.
 */
export function useCompareLoadTests(collectorIds: readonly string[], choice: RunChoice) {
  const path = `/api/v1/loadtest/compare/${query(compareParams(collectorIds, choice))}`;
  return useQuery(collectorIds.length >= 2 ? `loadtests:compare:${path}` : null, (signal) =>
    api<{ comparison: (CompareEntry | CompareError)[]; count: number }>(path, { signal }),
  );
}

/** `POST /api/v1/loadtest/import/` (multipart: `file` with perfcpumeasure output, `collector`, `notes`). */
export function useImportLoadTest() {
  return useMutation(async (collectorId: string, file: File, notes: string) => {
    const form = new FormData();
    form.set('collector', collectorId);
    if (notes) form.set('notes', notes);
    form.set('file', file, file.name);
    const created = await api<LoadTest>('/api/v1/loadtest/import/', { method: 'POST', body: form });
    invalidate('loadtests');
    return created;
  });
}

/** `DELETE /api/v1/loadtest/<id>/`. */
export function useDeleteLoadTest() {
  return useMutation(async (id: string) => {
    await api<void>(`/api/v1/loadtest/${id}/`, { method: 'DELETE' });
    invalidate('loadtests');
    return true;
  });
}
