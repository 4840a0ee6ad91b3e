import type { CompareEntry, CompareError, LoadTest } from '@xat/contracts';
import { api, query } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

/** `GET /api/v1/loadtest/` — history, newest first, optionally of one server. */
export function useLoadTests(filter: { collectorId?: string; page?: number } = {}) {
  const path = `/api/v1/loadtest/${query({ collector_id: filter.collectorId, page: filter.page, page_size: 50 })}`;
  return useQuery(`loadtests:${path}`, (signal) => api<Page<LoadTest>>(path, { signal }));
}

/** `GET /api/v1/loadtest/<id>/`. */
export function useLoadTest(id: string | undefined) {
  return useQuery(id ? `loadtests:${id}` : null, (signal) => api<LoadTest>(`/api/v1/loadtest/${id}/`, { signal }));
}

/** `POST /api/v1/loadtest/compare/` — each server's latest load test with ratios and price-performance. */
export function useCompareLoadTests(collectorIds: readonly string[]) {
  const ids = collectorIds.join(',');
  return useQuery(collectorIds.length >= 2 ? `loadtests:compare:${ids}` : null, (signal) =>
    api<{ comparison: (CompareEntry | CompareError)[]; count: number }>('/api/v1/loadtest/compare/', {
      method: 'POST',
      body: { collector_ids: collectorIds },
      signal,
    }),
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
