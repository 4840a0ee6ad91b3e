/** Exponential backoff with jitter, 1 s → 60 s, and the server's Retry-After when it gives one. */

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

export class Backoff {
  private failures = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 1000;
    this.capMs = opts.capMs ?? 60_000;
    this.random = opts.random ?? Math.random;
  }

  get attempts(): number {
    return this.failures;
  }

  /**
   * The wait before the next attempt: half to all of base × 2^failures (capped), never under base, so a fleet
   * that lost its server at the same moment does not come back in step.
   */
  next(retryAfterMs?: number): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.failures);
    this.failures++;
    if (retryAfterMs !== undefined) return retryAfterMs + this.random() * Math.min(1000, retryAfterMs / 10);
    return Math.max(this.baseMs, ceiling / 2 + (this.random() * ceiling) / 2);
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Retry-After as seconds or an HTTP date → ms from now (at most 10 minutes); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const MAX = 600_000;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.min(MAX, Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.min(MAX, Math.max(0, date - now));
}
