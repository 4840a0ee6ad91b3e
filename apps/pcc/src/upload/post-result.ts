/**
 * One finished result POSTed as JSON, retried as the metric uploader retries — a network error, a timeout, 408, 429
 * (after its Retry-After) and 5xx, with exponential backoff and jitter — but a few times only: a person waits at the
 * shell, and a result that does not get through is kept in a file. Any other answer is final.
 */
import type { HttpClient, HttpResponse } from '../http.ts';
import { sleep as realSleep } from '../sampling/schedule.ts';
import { Backoff, parseRetryAfter } from './backoff.ts';

export interface PostResultOptions {
  /** Attempts in all (default 4: about 7 s of backoff between them, unless the server asks for longer). */
  attempts?: number;
  backoff?: Backoff;
  /** Ends the waiting at once (SIGTERM): the last answer or error stands. */
  signal?: AbortSignal;
  /** A Retry-After longer than this is not waited out (default 30 s). */
  maxWaitMs?: number;
  /** Told before each wait: why, and for how long. */
  onRetry?: (why: string, waitMs: number) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type JsonResponse = HttpResponse & { data: unknown };

export const isRetryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** The final answer; rejects with the last network error when no attempt got one. */
export async function postResult(
  client: Pick<HttpClient, 'json'>,
  path: string,
  payload: unknown,
  o: PostResultOptions = {},
): Promise<JsonResponse> {
  const attempts = o.attempts ?? 4;
  const backoff = o.backoff ?? new Backoff({ baseMs: 1000, capMs: 8000 });
  const maxWaitMs = o.maxWaitMs ?? 30_000;
  const sleep = o.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    let answer: JsonResponse | undefined;
    let failure: Error | undefined;
    try {
      answer = await client.json('POST', path, payload);
    } catch (err) {
      failure = err as Error;
    }
    if (answer && !isRetryable(answer.status)) return answer;
    const retryAfterMs = answer ? parseRetryAfter(answer.headers['retry-after']) : undefined;
    const last = attempt >= attempts || o.signal?.aborted || (retryAfterMs ?? 0) > maxWaitMs;
    if (last) {
      if (answer) return answer;
      throw failure;
    }
    const waitMs = backoff.next(retryAfterMs);
    o.onRetry?.(answer ? `the server answered ${answer.status}` : (failure?.message ?? 'no answer'), waitMs);
    await sleep(waitMs, o.signal);
    if (o.signal?.aborted) {
      if (answer) return answer;
      throw failure;
    }
  }
}
