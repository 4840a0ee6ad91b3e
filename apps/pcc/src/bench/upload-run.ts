/**
 * `pcc bench`'s result to the server: the whole SuiteResult to `POST /api/v1/benchmark-runs/` with the collector key
 * (the key says which server: no registration needed), retried as upload/post-result.ts says. The server judges it
 * again and stores it as a benchmark run: its id, the server's verdict and the page showing it are printed. A result
 * the server did not take is kept in the data dir with the server's reason (upload/unsent.ts).
 */
import type { SuiteResult } from '@xat/contracts';
import { reasonOf } from '../commands/context.ts';
import { HttpClient } from '../http.ts';
import { type PostResultOptions, postResult } from '../upload/post-result.ts';
import { saveUnsent, unsentFileName } from '../upload/unsent.ts';

export const BENCHMARK_RUNS_PATH = '/api/v1/benchmark-runs/';

export interface UploadRunIo {
  dataDir: string;
  err: (text: string) => void;
  signal?: AbortSignal;
}

interface StoredRun {
  id?: unknown;
  collector?: unknown;
  validity?: unknown;
}

/** True when the server stored it; otherwise the reason and the saved file are on stderr. */
export async function uploadSuiteResult(
  io: UploadRunIo,
  server: { url: string; apiKey: string },
  result: SuiteResult,
  retry: Omit<PostResultOptions, 'signal' | 'onRetry'> = {},
): Promise<boolean> {
  const client = new HttpClient({ baseUrl: server.url, apiKey: server.apiKey, timeoutMs: 30_000 });
  const keep = (why: string) => {
    saveUnsent(io, unsentFileName('bench', result.started_at), result, why);
    return false;
  };
  try {
    const res = await postResult(client, BENCHMARK_RUNS_PATH, result, {
      ...retry,
      ...(io.signal ? { signal: io.signal } : {}),
      onRetry: (why, ms) =>
        io.err(`Upload of the benchmark run: ${why}; trying again in ${Math.max(1, Math.round(ms / 1000))} s.\n`),
    });
    if (res.status !== 201) return keep(`Benchmark run not uploaded: ${reasonOf(res.status, res.data, res.body)}`);
    const run = (res.data ?? {}) as StoredRun;
    const verdict = typeof run.validity === 'string' ? run.validity : 'unknown';
    const differs = verdict !== result.validity ? ` (this agent judged it ${result.validity})` : '';
    io.err(`Uploaded as benchmark run ${String(run.id)}: the server judged it ${verdict}${differs}.\n`);
    if (typeof run.collector === 'string') io.err(`See it on ${server.url}/servers/${run.collector}\n`);
    return true;
  } catch (err) {
    return keep(`Benchmark run not uploaded: ${(err as Error).message}`);
  } finally {
    client.close();
  }
}
