import type { Collector, CollectorCreate, CollectorPatch, FleetSummary } from '@xat/contracts';
import { ApiError, api, query } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

export type CollectorCreated = Collector & { api_key: string; install_command: string };
export interface CollectorFilter {
  search?: string;
  status?: Collector['status'] | '';
  page?: number;
  /** A COLLECTOR_ORDERINGS key, `-` first for descending; the server sorts (names naturally) before it pages. */
  ordering?: string;
  pageSize?: number;
}

/** `GET /api/v1/collectors/` — one page, searched, filtered and sorted by the server; refreshed every 30 s. */
export function useCollectors(filter: CollectorFilter = {}) {
  const path = `/api/v1/collectors/${query({
    page_size: filter.pageSize ?? 100,
    search: filter.search,
    status: filter.status,
    ordering: filter.ordering,
    page: filter.page,
  })}`;
  return useQuery(`collectors:${path}`, (signal) => api<Page<Collector>>(path, { signal }), { refreshMs: 30_000 });
}

/** `GET /api/v1/collectors/summary/` — totals of every server the filters match, whatever page the list shows. */
export function useFleetSummary(filter: Pick<CollectorFilter, 'search' | 'status'> = {}) {
  const path = `/api/v1/collectors/summary/${query({ search: filter.search, status: filter.status })}`;
  return useQuery(`collectors:summary:${path}`, (signal) => api<FleetSummary>(path, { signal }), {
    refreshMs: 30_000,
  });
}

/** Several servers by id (2–10 chosen for a comparison), in the order given; one that is gone is left out. */
export function useCollectorsById(ids: readonly string[]) {
  const key = ids.join(',');
  return useQuery(key ? `collectors:ids:${key}` : null, async (signal) => {
    const found = await Promise.all(
      ids.map((id) =>
        api<Collector>(`/api/v1/collectors/${id}/`, { signal }).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return undefined;
          throw err;
        }),
      ),
    );
    return found.filter((c): c is Collector => c !== undefined);
  });
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
