/**
 * Sends the spool to `POST /api/v1/metrics/` as gzip JSON batches (MetricsBatchSchema) over one kept-alive
 * connection. A batch's id is derived from its samples, so a retried batch carries the same id and the server keeps
 * it once; each attempt carries the clock at sending (`collector_time`), which the server corrects a skewed clock by.
 * Network errors, timeouts, 408, 429 (after Retry-After) and 5xx are retried with backoff; 413 halves the batch;
 * 401/403 keep the data and retry (a key problem is not the batch's fault); any other 4xx sets the batch aside in the
 * bounded dead-letter file, with the server's reason, and logs it (what the bound trims is reported as dropped).
 */
import { gzipSync } from 'node:zlib';
import { contentHash } from '../hash.ts';
import type { Logger } from '../log.ts';
import { sleep as realSleep } from '../sampling/schedule.ts';
import { writeDeadLetter } from '../spool/dead-letter.ts';
import type { Spool, SpoolBatch } from '../spool/spool.ts';
import { Backoff, parseRetryAfter } from './backoff.ts';

export const METRICS_PATH = '/api/v1/metrics/';

/** What the transport must do: one request, resolving with the answer or rejecting on a network failure. */
export interface Transport {
  request(
    method: string,
    path: string,
    body?: Buffer | string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;
}

/** How the agent itself is doing, sent with every batch. */
export interface AgentReport {
  version?: string;
  cpu_pct?: number;
  rss_bytes?: number;
}

export type UploadEvent =
  | {
      type: 'sent';
      batchId: string;
      samples: number;
      written?: number;
      duplicates?: number;
      /** Seconds the server took off the samples' timestamps for this host's clock skew. */
      clockCorrection?: number;
    }
  | { type: 'dead'; batchId: string; samples: number; status: number; reason: string }
  | { type: 'failed'; batchId: string; samples: number; status?: number; reason: string; retryInMs: number };

export interface UploaderOptions {
  transport: Transport;
  spool: Spool;
  deadLetterFile: string;
  /** Bound on the dead-letter file (default DEAD_LETTER_MAX_BYTES); what it drops is reported as dropped samples. */
  deadLetterMaxBytes?: number;
  log: Logger;
  /** Most samples per batch (default 500; a 413 lowers it for a while). */
  maxSamples?: number;
  backoff?: Backoff;
  agent?: () => AgentReport;
  onEvent?: (event: UploadEvent) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

type Attempt = 'idle' | 'sent' | 'again' | { retryInMs: number };

interface Job {
  batch: SpoolBatch;
  batchId: string;
  /** Dropped samples reported in this batch (subtracted once it is acknowledged). */
  dropped: number;
}

/** Errors that mean the request never reached a server. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export class Uploader {
  private limit: number;
  private inflight: Job | undefined;
  private successes = 0;
  /** The clock correction last reported by the server, so a change is logged once. */
  private clockCorrection = 0;
  private readonly maxSamples: number;
  private readonly backoff: Backoff;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly opts: UploaderOptions) {
    this.maxSamples = opts.maxSamples ?? 500;
    this.limit = this.maxSamples;
    this.backoff = opts.backoff ?? new Backoff();
    this.sleep = opts.sleep ?? realSleep;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Runs until the signal aborts: sends whatever is pending, waits `msUntilNextTick()` when the spool is
   * empty, and backs off after a failure.
   */
  async run(signal: AbortSignal, msUntilNextTick: () => number): Promise<void> {
    while (!signal.aborted) {
      const result = await this.attempt();
      if (result === 'sent' || result === 'again') continue;
      await this.sleep(result === 'idle' ? msUntilNextTick() : result.retryInMs, signal);
    }
  }

  /** Sends until nothing is pending (true) or an attempt fails (false), without waiting; for the last flush. */
  async drain(deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
    while (this.now() < deadline) {
      const result = await this.attempt();
      if (result === 'idle') return true;
      if (typeof result === 'object') return false;
    }
    return false;
  }

  /** One request for the next batch (or the one being retried), and what to do next. */
  async attempt(): Promise<Attempt> {
    const { spool, log } = this.opts;
    const job = this.inflight ?? this.nextJob();
    if (!job) return 'idle';
    this.inflight = job;
    const { batch, batchId, dropped } = job;
    const samples = batch.seqs.length;
    let status: number | undefined;
    let reason: string;
    let retryAfter: number | undefined;
    try {
      // Built for each attempt: collector_time is the clock when it is sent, which the server measures skew by.
      const body = gzipSync(this.body(batchId, batch, dropped));
      const res = await this.opts.transport.request('POST', METRICS_PATH, body, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      status = res.status;
      if (status >= 200 && status < 300) {
        this.inflight = undefined;
        spool.resolve(batch.seqs, dropped);
        this.backoff.reset();
        this.growLimit();
        const answer = parseAnswer(res.body);
        this.noteClock(answer.clockCorrection);
        log.debug('batch uploaded', { batch_id: batchId, samples, ...answer });
        this.opts.onEvent?.({ type: 'sent', batchId, samples, ...answer });
        return 'sent';
      }
      reason = res.body.slice(0, 2000);
      if (status === 413 && samples > 1) {
        this.inflight = undefined;
        this.limit = Math.max(1, Math.floor(samples / 2));
        this.successes = 0;
        log.warn('batch too large: splitting', { batch_id: batchId, samples, next_samples: this.limit });
        return 'again';
      }
      if (isPermanent(status) || status === 413) {
        this.inflight = undefined;
        // A 400 naming the samples it refused stored the others: only those go aside.
        const refused = status === 400 ? refusedIndexes(res.body, batch.lines.length) : undefined;
        const lines = refused ? refused.map((i) => batch.lines[i] as string) : batch.lines;
        const letter = { batchId, lines };
        const trimmed = writeDeadLetter(this.opts.deadLetterFile, letter, status, reason, this.opts.deadLetterMaxBytes);
        spool.resolve(batch.seqs, dropped);
        spool.countDropped(trimmed);
        if (trimmed > 0)
          log.warn('dead-letter file full: its oldest samples dropped', {
            dropped: trimmed,
            file: this.opts.deadLetterFile,
          });
        log.error('batch refused by the server: set aside in the dead-letter file', {
          batch_id: batchId,
          samples: lines.length,
          ...(refused && { stored: samples - lines.length }),
          status,
          reason,
          file: this.opts.deadLetterFile,
        });
        this.opts.onEvent?.({ type: 'dead', batchId, samples: lines.length, status, reason });
        return 'again';
      }
      retryAfter = parseRetryAfter(res.headers['retry-after']);
      if (status === 401 || status === 403) log.error('the server refuses the API key; samples stay in the spool');
    } catch (err) {
      reason = (err as Error).message;
      // The server never saw it: pick afresh next time (newest first after an outage). Any other failure may have
      // reached the server, so the same batch, with the same id, is retried until it is answered.
      if (NEVER_SENT.has((err as NodeJS.ErrnoException).code ?? '')) this.inflight = undefined;
    }
    const retryInMs = this.backoff.next(retryAfter);
    log.warn('upload failed: will retry', {
      batch_id: batchId,
      samples,
      ...(status !== undefined && { status }),
      reason: reason.slice(0, 300),
      retry_in_ms: Math.round(retryInMs),
      attempt: this.backoff.attempts,
    });
    this.opts.onEvent?.({
      type: 'failed',
      batchId,
      samples,
      ...(status !== undefined && { status }),
      reason,
      retryInMs,
    });
    return { retryInMs };
  }

  private nextJob(): Job | undefined {
    const batch = this.opts.spool.nextBatch(this.limit);
    if (!batch) return undefined;
    const dropped = this.opts.spool.dropped;
    return { batch, batchId: batchIdOf(this.opts.spool.instance, batch.seqs), dropped };
  }

  /** Says once when the server starts, changes or stops correcting this host's clock. */
  private noteClock(correction: number | undefined): void {
    if (correction === undefined || correction === this.clockCorrection) return;
    this.clockCorrection = correction;
    if (correction === 0) this.opts.log.info('the server no longer corrects this host’s clock');
    else
      this.opts.log.warn('this host’s clock is off: the server moves the samples’ timestamps; set the clock (NTP)', {
        clock_off_by_seconds: correction,
      });
  }

  private body(batchId: string, batch: SpoolBatch, dropped: number): string {
    const agent = {
      ...this.opts.agent?.(),
      dropped_samples: dropped,
      spool_bytes: this.opts.spool.bytes,
    };
    const head = JSON.stringify({ batch_id: batchId, collector_time: Math.floor(this.now() / 1000) });
    return `${head.slice(0, -1)},"samples":[${batch.lines.join(',')}],"agent":${JSON.stringify(agent)}}`;
  }

  // After a 413, creep back towards the configured size: the limit was about one big batch, not forever.
  private growLimit(): void {
    if (this.limit >= this.maxSamples) return;
    if (++this.successes >= 10) {
      this.limit = Math.min(this.maxSamples, this.limit * 2);
      this.successes = 0;
    }
  }
}

/** Same samples → same id: a retry is recognised by the server as the batch it may already have. */
export function batchIdOf(instance: string, seqs: readonly number[]): string {
  return `${instance}-${contentHash(seqs.join(','))}`;
}

/** 4xx that no retry can fix. 408 (timeout), 413 (split first), 429 (slow down), 401/403 (the key) are not. */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 403, 408, 413, 429].includes(status);
}

/**
 * The positions of the samples a 400 says it refused (`refused[].index`, the server's partial refusal: the others
 * were stored), or undefined when the answer does not name every one of them (`refused_count`; the server lists the
 * first 20) or names none: then the whole batch goes aside, which loses nothing.
 */
export function refusedIndexes(body: string, size: number): number[] | undefined {
  try {
    const { refused, refused_count: count } = JSON.parse(body) as { refused?: unknown; refused_count?: unknown };
    if (!Array.isArray(refused) || refused.length === 0) return undefined;
    const indexes = new Set<number>();
    for (const r of refused) {
      const index = (r as { index?: unknown } | null)?.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= size) return undefined;
      indexes.add(index);
    }
    if (count !== indexes.size) return undefined;
    return [...indexes].sort((a, b) => a - b);
  } catch {
    return undefined;
  }
}

function parseAnswer(body: string): { written?: number; duplicates?: number; clockCorrection?: number } {
  try {
    const data = JSON.parse(body) as { written?: unknown; duplicates?: unknown; clock_correction_seconds?: unknown };
    return {
      ...(typeof data.written === 'number' && { written: data.written }),
      ...(typeof data.duplicates === 'number' && { duplicates: data.duplicates }),
      ...(typeof data.clock_correction_seconds === 'number' && { clockCorrection: data.clock_correction_seconds }),
    };
  } catch {
    return {};
  }
}
