/** The agent's side of the jobs API: poll for the next job, report progress, end it. */
import {
  AGENT_CAPABILITIES_HEADER,
  type AgentJob,
  type AgentJobFinish,
  JOB_POLL_WAIT_SECONDS,
  type JobProgress,
  SUITE_BENCHMARKS,
} from '@xat/contracts';
import { reasonOf } from '../commands/context.ts';
import { HttpClient } from '../http.ts';
import { parseRetryAfter } from '../upload/backoff.ts';

/** What this agent says it can do on every poll: run jobs, and the suite's benchmarks. */
export const CAPABILITIES = ['jobs', 'suite', ...SUITE_BENCHMARKS].join(',');

/** A failed call: the server's reason, and how long it asked us to wait (Retry-After), if it did. */
export class JobApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'JobApiError';
  }
}

export type PollAnswer = { job: AgentJob } | { job: null; retryAfterMs?: number };

function isAgentJob(v: unknown): v is AgentJob {
  const j = v as Partial<AgentJob> | null;
  return (
    typeof j === 'object' &&
    j !== null &&
    typeof j.id === 'string' &&
    Array.isArray(j.benchmarks) &&
    j.benchmarks.every((b) => (SUITE_BENCHMARKS as readonly string[]).includes(b)) &&
    typeof j.runs === 'number' &&
    typeof j.step_seconds === 'number' &&
    typeof j.disk_size_mb === 'number' &&
    typeof j.timeout_seconds === 'number'
  );
}

/**
 * Two connections: the long poll holds one for up to its wait (and is cut on shutdown); progress and the end of a job
 * go over the other, so neither waits behind the other nor behind the metric uploads (which have their own).
 */
export class JobApi {
  private readonly polls: HttpClient;
  private readonly reports: HttpClient;

  constructor(baseUrl: string, apiKey: string) {
    this.polls = new HttpClient({ baseUrl, apiKey, timeoutMs: (JOB_POLL_WAIT_SECONDS + 15) * 1000 });
    this.reports = new HttpClient({ baseUrl, apiKey, timeoutMs: 30_000 });
  }

  /** Asks for the next job, waiting up to `waitSeconds` for one; `signal` (shutdown) ends the wait at once. */
  async poll(waitSeconds: number, signal?: AbortSignal): Promise<PollAnswer> {
    const wait = Math.max(0, Math.min(JOB_POLL_WAIT_SECONDS, Math.round(waitSeconds)));
    const request = this.polls.request('GET', `/api/v1/agent/jobs/next/?wait=${wait}`, undefined, {
      [AGENT_CAPABILITIES_HEADER]: CAPABILITIES,
    });
    const res = await untilAborted(request, signal, () => this.polls.close());
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    if (res.status === 204) return retryAfterMs === undefined ? { job: null } : { job: null, retryAfterMs };
    const data = parse(res.body);
    if (res.status === 200 && isAgentJob(data)) return { job: data };
    throw new JobApiError(`job poll: ${reasonOf(res.status, data, res.body)}`, res.status, retryAfterMs);
  }

  /** Reports progress (the heartbeat too); true when the server says to stop. */
  async progress(jobId: string, progress: JobProgress): Promise<boolean> {
    const res = await this.reports.json('POST', `/api/v1/agent/jobs/${jobId}/progress/`, progress);
    if (res.status === 200) return (res.data as { cancel?: unknown } | undefined)?.cancel === true;
    // The job is gone (deleted with its server): nothing left to do for it.
    if (res.status === 404) return true;
    throw new JobApiError(
      `job progress: ${reasonOf(res.status, res.data, res.body)}`,
      res.status,
      parseRetryAfter(res.headers['retry-after']),
    );
  }

  /** Ends the job; a 409 (it already ended: timed out, cancelled) and a 404 are final answers too. */
  async finish(jobId: string, end: AgentJobFinish): Promise<{ status: number; reason: string }> {
    const res = await this.reports.json('POST', `/api/v1/agent/jobs/${jobId}/finish/`, end);
    const reason = res.status === 200 ? 'ok' : reasonOf(res.status, res.data, res.body);
    if (res.status === 200 || res.status === 404 || res.status === 409) return { status: res.status, reason };
    throw new JobApiError(`job finish: ${reason}`, res.status, parseRetryAfter(res.headers['retry-after']));
  }

  close(): void {
    this.polls.close();
    this.reports.close();
  }
}

function parse(body: string): unknown {
  try {
    return body ? JSON.parse(body) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The request's answer, or a rejection as soon as `signal` fires (then `cut` drops its connection: the client would
 * otherwise send a poll cut on a kept-alive socket once more, and wait it out).
 */
function untilAborted<T>(request: Promise<T>, signal: AbortSignal | undefined, cut: () => void): Promise<T> {
  if (!signal) return request;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      cut();
      reject(new Error('stopped'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    request.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
