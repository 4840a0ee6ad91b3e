/** Jobs in the tests: servers whose agent runs jobs, the agent's side of the API (a result: benchmark-runs/test-results.ts). */
import { AGENT_CAPABILITIES_HEADER } from '@xat/contracts';
import { createCollector, type TestTenant } from '../../../test/helpers.ts';

export interface TestAgent {
  id: string;
  name: string;
  api_key: string;
  poll(wait?: number, headers?: Record<string, string>): ReturnType<TestTenant['request']>;
  progress(jobId: string, body?: Record<string, unknown>): ReturnType<TestTenant['request']>;
  finish(jobId: string, body: Record<string, unknown>): ReturnType<TestTenant['request']>;
}

/** A collector and its agent; unless `polled` is false, the agent has asked for jobs once (so it runs them). */
export async function createAgent(t: TestTenant, opts: { polled?: boolean; name?: string } = {}): Promise<TestAgent> {
  const c = await createCollector(t, opts.name ? { name: opts.name } : {});
  const headers = { 'x-api-key': c.api_key };
  const agent: TestAgent = {
    ...c,
    poll: (wait = 0, extra = {}) =>
      t.request({
        method: 'GET',
        url: `/api/v1/agent/jobs/next/?wait=${wait}`,
        auth: false,
        headers: { ...headers, [AGENT_CAPABILITIES_HEADER]: 'jobs,suite', ...extra },
      }),
    progress: (jobId, body = { step: 1, steps: 4, elapsed_seconds: 1.5, message: 'core scaling: 1 worker' }) =>
      t.request({ method: 'POST', url: `/api/v1/agent/jobs/${jobId}/progress/`, auth: false, headers, payload: body }),
    finish: (jobId, body) =>
      t.request({ method: 'POST', url: `/api/v1/agent/jobs/${jobId}/finish/`, auth: false, headers, payload: body }),
  };
  if (opts.polled !== false) {
    const res = await agent.poll(0);
    if (res.statusCode !== 204) throw new Error(`first poll: ${res.statusCode} ${res.body}`);
  }
  return agent;
}

export interface JobBody {
  id: string;
  group_id: string;
  collector: string;
  status: string;
  error: string | null;
  not_before: string;
  result_id: string | null;
  timeout_seconds: number;
  progress: { step: number; steps: number; elapsed_seconds: number; message: string } | null;
  [key: string]: unknown;
}

/** Starts jobs as a member; throws unless 201. */
export async function startJobs(t: TestTenant, body: Record<string, unknown>): Promise<JobBody[]> {
  const res = await t.request({ method: 'POST', url: '/api/v1/jobs/', payload: body, auth: 'member' });
  if (res.statusCode !== 201) throw new Error(`start jobs: ${res.statusCode} ${res.body}`);
  return res.json<JobBody[]>();
}

/** A job of `profile` started for the agent and taken by it (so running). */
export async function startTakenJob(t: TestTenant, agent: TestAgent, profile = 'cpu'): Promise<JobBody> {
  const [job] = await startJobs(t, { collector_ids: [agent.id], profile });
  if (!job) throw new Error('no job');
  const taken = await agent.poll();
  if (taken.statusCode !== 200 || taken.json().id !== job.id)
    throw new Error(`poll: ${taken.statusCode} ${taken.body}`);
  return job;
}

export async function getJob(t: TestTenant, id: string): Promise<JobBody> {
  const res = await t.request({ method: 'GET', url: `/api/v1/jobs/${id}/`, auth: 'viewer' });
  if (res.statusCode !== 200) throw new Error(`get job: ${res.statusCode} ${res.body}`);
  return res.json<JobBody>();
}
