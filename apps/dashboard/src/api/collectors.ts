import type { Collector, CollectorCreate, CollectorPatch } from '@xat/contracts';
import { api, query } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

export type CollectorCreated = Collector & { api_key: string; install_command: string };
export interface CollectorFilter {
  search?: string;
  status?: Collector['status'] | '';
  page?: number;
}

/** `GET /api/v1/collectors/` — one page (100 a page) with search and status filter; refreshed every 30 s. */
export function useCollectors(filter: CollectorFilter = {}) {
  const path = `/api/v1/collectors/${query({ page_size: 100, search: filter.search, status: filter.status, page: filter.page })}`;
  return useQuery(`collectors:${path}`, (signal) => api<Page<Collector>>(path, { signal }), { refreshMs: 30_000 });
}

/** `GET /api/v1/collectors/<id>/`. */
export function useCollector(id: string | undefined, refreshMs?: number) {
  const path = `/api/v1/collectors/${id}/`;
  return useQuery(
    id ? `collectors:${id}` : null,
    (signal) => api<Collector>(path, { signal }),
    refreshMs ? { refreshMs } : {},
  );
}

/** `POST /api/v1/collectors/` → the collector with its API key (shown once) and install command. */
export function useCreateCollector() {
  return useMutation(async (body: CollectorCreate) => {
    const created = await api<CollectorCreated>('/api/v1/collectors/', { method: 'POST', body });
    invalidate('collectors');
    return created;
  });
}

/** `PATCH /api/v1/collectors/<id>/`. */
export function useUpdateCollector() {
  return useMutation(async (id: string, body: CollectorPatch) => {
    const updated = await api<Collector>(`/api/v1/collectors/${id}/`, { method: 'PATCH', body });
    invalidate('collectors');
    return updated;
  });
}

/** `DELETE /api/v1/collectors/<id>/`. */
export function useDeleteCollector() {
  return useMutation(async (id: string) => {
    await api<void>(`/api/v1/collectors/${id}/`, { method: 'DELETE' });
    invalidate('collectors');
    return true;
  });
}

/** `POST /api/v1/collectors/<id>/regenerate-key/` → the new key (shown once); the old one stops working. */
export function useRegenerateKey() {
  return useMutation((id: string) =>
    api<{ api_key: string; message: string }>(`/api/v1/collectors/${id}/regenerate-key/`, { method: 'POST' }),
  );
}
