import type { BenchmarkAlerts, BenchmarkCompare, BenchmarkHistory, BenchmarkRun } from '@xat/contracts';
import { api, query } from './client.ts';
import type { Page } from './types.ts';
import { useQuery } from './use-query.ts';

/** `GET /api/v1/benchmark-runs/?collector_id=` — a server's measured runs, newest first. */
export function useBenchmarkRuns(collectorId: string | undefined) {
  const path = `/api/v1/benchmark-runs/${query({ collector_id: collectorId, page_size: 20 })}`;
  return useQuery(collectorId ? `benchmark-runs:${path}` : null, (signal) => api<Page<BenchmarkRun>>(path, { signal }));
}

/** `GET /api/v1/benchmark-runs/<id>/`. */
export function useBenchmarkRun(id: string | null | undefined) {
  return useQuery(id ? `benchmark-runs:${id}` : null, (signal) =>
    api<BenchmarkRun>(`/api/v1/benchmark-runs/${id}/`, { signal }),
  );
}

export interface BenchmarkCompareChoice {
  include: ('suspect' | 'invalid')[];
  days?: number | undefined;
}

/**
 * `GET /api/v1/benchmark-runs/compare/?collector_ids=a,b&include=&days=` — per server and metric the statistics of
 * its runs, the ratio and verdict against the first server, per-$ figures, core-scaling curves and scores.
 */
export function useCompareBenchmarks(ids: readonly string[], choice: BenchmarkCompareChoice) {
  const path = `/api/v1/benchmark-runs/compare/${query({
    collector_ids: ids.join(','),
    include: choice.include.join(',') || undefined,
    days: choice.days,
  })}`;
  return useQuery(ids.length >= 2 ? `benchmark-runs:compare:${path}` : null, (signal) =>
    api<BenchmarkCompare>(path, { signal }),
  );
}

/** `GET /api/v1/benchmark-runs/history/?collector_id=&metric=&days=` — one metric over time with its drop flags. */
export function useBenchmarkHistory(collectorId: string, metric: string, days?: number) {
  const path = `/api/v1/benchmark-runs/history/${query({ collector_id: collectorId, metric, days })}`;
  return useQuery(`benchmark-runs:history:${path}`, (signal) => api<BenchmarkHistory>(path, { signal }));
}

/** `GET /api/v1/benchmark-runs/alerts/` — servers whose latest result fell below their own median. */
export function useBenchmarkAlerts(days?: number) {
  const path = `/api/v1/benchmark-runs/alerts/${query({ days })}`;
  return useQuery(`benchmark-runs:alerts:${path}`, (signal) => api<BenchmarkAlerts>(path, { signal }), {
    refreshMs: 60_000,
  });
}
