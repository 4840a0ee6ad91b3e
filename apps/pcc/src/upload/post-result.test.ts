import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { type JsonResponse, postResult } from './post-result.ts';

type Step = number | { status: number; retryAfter?: string } | Error;

/** A client answering each attempt from `steps` (a status, or a network error), and the waits asked for. */
function scripted(steps: Step[]) {
  const calls: string[] = [];
  const waits: number[] = [];
  const client = {
    async json(method: string, path: string): Promise<JsonResponse> {
      calls.push(`${method} ${path}`);
      const step = steps[calls.length - 1] ?? 201;
      if (step instanceof Error) throw step;
      const { status, retryAfter } = typeof step === 'number' ? { status: step, retryAfter: undefined } : step;
      return {
        status,
        headers: retryAfter ? { 'retry-after': retryAfter } : {},
        body: `{"n":${calls.length}}`,
        data: { n: calls.length },
      };
    },
  };
  const options = {
    backoff: new Backoff({ baseMs: 1000, capMs: 8000, random: () => 0 }),
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
  return { client, calls, waits, options };
}

describe('postResult', () => {
  it('retries network errors, 5xx, 408 and 429 with backoff, and returns the answer that ends it', async () => {
    const s = scripted([new Error('socket hang up'), 503, { status: 429, retryAfter: '3' }, 201]);
    const res = await postResult(s.client, '/x/', {}, s.options);
    expect(res.status).toBe(201);
    expect(s.calls).toHaveLength(4);
    // Backoff 1 s, then 1 s (half to all of 2 s, jitter 0), then the server's 3 s.
    expect(s.waits).toEqual([1000, 1000, 3000]);
  });

  it('a refusal no retry can fix (400, 401, 403, 404) is the answer at once', async () => {
    for (const status of [400, 401, 403, 404]) {
      const s = scripted([status]);
      expect((await postResult(s.client, '/x/', {}, s.options)).status).toBe(status);
      expect(s.calls).toHaveLength(1);
      expect(s.waits).toEqual([]);
    }
  });

  it('gives up after its attempts: the last answer, or the last network error', async () => {
    const busy = scripted([500, 502, 503, 504, 201]);
    expect((await postResult(busy.client, '/x/', {}, busy.options)).status).toBe(504);
    expect(busy.calls).toHaveLength(4);
    const down = scripted([1, 2, 3].map((n) => new Error(`connect ECONNREFUSED (${n})`)));
    await expect(postResult(down.client, '/x/', {}, { ...down.options, attempts: 3 })).rejects.toThrow('(3)');
    expect(down.waits).toHaveLength(2);
  });

  it('does not wait out a Retry-After past its limit, nor past a stop', async () => {
    const far = scripted([{ status: 503, retryAfter: '120' }]);
    expect((await postResult(far.client, '/x/', {}, far.options)).status).toBe(503);
    expect(far.calls).toHaveLength(1);

    const stop = new AbortController();
    const stopped = scripted([503, 201]);
    const res = await postResult(
      stopped.client,
      '/x/',
      {},
      {
        ...stopped.options,
        signal: stop.signal,
        sleep: async () => stop.abort(),
      },
    );
    expect(res.status).toBe(503);
    expect(stopped.calls).toHaveLength(1);
  });
});
