import type { Job, JobCreate, JobStatus, Profile } from '@xat/contracts';
import { useEffect, useState } from 'react';
import { anyActive } from '../lib/jobs.ts';
import { api, query } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

/** How often a page with a queued or running job asks again. */
export const JOB_POLL_MS = 2000;

export interface JobFilter {
  groupId?: string | undefined;
  collectorId?: string | undefined;
  status?: JobStatus | undefined;
  page?: number;
}

/**
 * `GET /api/v1/jobs/?group_id=&collector_id=&status=` — newest first; asked again every 2 s while any job shown is
 * queued or running, and no more once all have ended.
 */
export function useJobs(filter: JobFilter = {}) {
  const [active, setActive] = useState(true);
  const path = `/api/v1/jobs/${query({
    group_id: filter.groupId,
    collector_id: filter.collectorId,
    status: filter.status,
    page: filter.page,
    page_size: 100,
  })}`;
  const jobs = useQuery(`jobs:${path}`, (signal) => api<Page<Job>>(path, { signal }), {
    refreshMs: active ? JOB_POLL_MS : 0,
  });
  // Until the first answer, and whenever a reload (a new job started) shows one moving again, it polls.
  const moving = !jobs.data || anyActive(jobs.data.results);
  useEffect(() => setActive(moving), [moving]);
  return jobs;
}

/** `GET /api/v1/benchmark-profiles/` — the built-in profiles and the team's own. */
export function useProfiles() {
  return useQuery('jobs:profiles', async (signal) => {
    const answer = await api<Profile[] | Page<Profile>>('/api/v1/benchmark-profiles/', { signal });
    return Array.isArray(answer) ? answer : answer.results;
  });
}

/** `POST /api/v1/jobs/` → one job per server, sharing a group id. */
export function useCreateJobs() {
  return useMutation(async (body: JobCreate) => {
    const created = await api<Job[]>('/api/v1/jobs/', { method: 'POST', body });
    invalidate('jobs');
    return created;
  });
}

/** `POST /api/v1/jobs/<id>/cancel/`. */
export function useCancelJob() {
  return useMutation(async (id: string) => {
    const job = await api<Job>(`/api/v1/jobs/${id}/cancel/`, { method: 'POST' });
    invalidate('jobs');
    return job;
  });
}
