import type { Schedule } from '@xat/contracts';
import type { ScheduleBody } from '../lib/benchmark-watch.ts';
import { api, query } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

/** A schedule as `GET /api/v1/benchmark-schedules/` answers it. */
export type BenchmarkSchedule = Schedule;

/** `GET /api/v1/benchmark-schedules/` — the team's schedules, the next due first. */
export function useSchedules() {
  const path = `/api/v1/benchmark-schedules/${query({ page_size: 100 })}`;
  return useQuery(`schedules:${path}`, async (signal) => {
    const answer = await api<BenchmarkSchedule[] | Page<BenchmarkSchedule>>(path, { signal });
    return Array.isArray(answer) ? answer : answer.results;
  });
}

/** `POST /api/v1/benchmark-schedules/`. */
export function useCreateSchedule() {
  return useMutation(async (body: ScheduleBody) => {
    const created = await api<BenchmarkSchedule>('/api/v1/benchmark-schedules/', { method: 'POST', body });
    invalidate('schedules');
    return created;
  });
}

/** `PATCH /api/v1/benchmark-schedules/<id>/` (pause or resume). */
export function useUpdateSchedule() {
  return useMutation(async (id: string, body: Partial<ScheduleBody> & { enabled?: boolean }) => {
    const updated = await api<BenchmarkSchedule>(`/api/v1/benchmark-schedules/${id}/`, { method: 'PATCH', body });
    invalidate('schedules');
    return updated;
  });
}

/** `DELETE /api/v1/benchmark-schedules/<id>/`. */
export function useDeleteSchedule() {
  return useMutation(async (id: string) => {
    await api<void>(`/api/v1/benchmark-schedules/${id}/`, { method: 'DELETE' });
    invalidate('schedules');
    return true;
  });
}
