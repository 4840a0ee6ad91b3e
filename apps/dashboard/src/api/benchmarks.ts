import type { Benchmark, BenchmarkCreate, BenchmarkStats, BenchmarkStatus } from '@xat/contracts';
import { api, query } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

export interface BenchmarkFilter {
  status?: BenchmarkStatus | '';
  collectorId?: string;
  page?: number;
}

/** `GET /api/v1/benchmarks/?status=&collector_id=`. */
export function useBenchmarks(filter: BenchmarkFilter = {}) {
  const path = `/api/v1/benchmarks/${query({ status: filter.status, collector_id: filter.collectorId, page: filter.page, page_size: 50 })}`;
  return useQuery(`benchmarks:${path}`, (signal) => api<Page<Benchmark>>(path, { signal }));
}

/** `GET /api/v1/benchmarks/stats/` — counts by status and average scores of the completed ones. */
export function useBenchmarkStats() {
  return useQuery('benchmarks:stats', (signal) => api<BenchmarkStats>('/api/v1/benchmarks/stats/', { signal }));
}

/** `POST /api/v1/benchmarks/`. */
export function useCreateBenchmark() {
  return useMutation(async (body: BenchmarkCreate) => {
    const created = await api<Benchmark>('/api/v1/benchmarks/', { method: 'POST', body });
    invalidate('benchmarks');
    return created;
  });
}

/** `PATCH /api/v1/benchmarks/<id>/`. */
export function useUpdateBenchmark() {
  return useMutation(async (id: string, body: Partial<BenchmarkCreate>) => {
    const updated = await api<Benchmark>(`/api/v1/benchmarks/${id}/`, { method: 'PATCH', body });
    invalidate('benchmarks');
    return updated;
  });
}

/** `DELETE /api/v1/benchmarks/<id>/`. */
export function useDeleteBenchmark() {
  return useMutation(async (id: string) => {
    await api<void>(`/api/v1/benchmarks/${id}/`, { method: 'DELETE' });
    invalidate('benchmarks');
    return true;
  });
}
