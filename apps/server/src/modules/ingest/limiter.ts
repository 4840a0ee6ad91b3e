import { throttled } from '../../http/errors.ts';

/**
 * At most `limit` ingests in flight per process. Beyond that the answer is 429 with Retry-After rather than an
 * unbounded queue: agents keep their data and retry, and the server's memory and database pool stay bounded.
 */
export interface IngestLimiter {
  readonly limit: number;
  readonly inFlight: number;
  readonly full: boolean;
  /** A release function, or undefined when every slot is taken. */
  tryAcquire(): (() => void) | undefined;
}

export const MAX_CONCURRENT_INGESTS = 256;

export function createIngestLimiter(limit = MAX_CONCURRENT_INGESTS): IngestLimiter {
  let inFlight = 0;
  return {
    limit,
    get inFlight() {
      return inFlight;
    },
    get full() {
      return inFlight >= limit;
    },
    tryAcquire() {
      if (inFlight >= limit) return undefined;
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
      };
    },
  };
}

const busy = () => throttled(1, 'The server is busy ingesting other data. Retry after the delay in Retry-After.');

/** The limiter shared by every ingest route of one app. */
const limiters = new WeakMap<object, IngestLimiter>();
export function ingestLimiterOf(app: object): IngestLimiter {
  let limiter = limiters.get(app);
  if (!limiter) {
    limiter = createIngestLimiter();
    limiters.set(app, limiter);
  }
  return limiter;
}

/** onRequest: refuse before the body is even read when the server is already at its limit. */
export const refuseWhenFull = (limiter: IngestLimiter) => async () => {
  if (limiter.full) throw busy();
};

export async function withIngestSlot<T>(limiter: IngestLimiter, work: () => Promise<T>): Promise<T> {
  const release = limiter.tryAcquire();
  if (!release) throw busy();
  try {
    return await work();
  } finally {
    release();
  }
}
