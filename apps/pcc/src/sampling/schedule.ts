/** Wall-clock alignment: rounds at multiples of the interval (…:00, :10, :20 at 10 s), so hosts line up. */

/** Milliseconds from `now` to the next multiple of `intervalMs` (plus `offsetMs`), always > 0. */
export function msUntilNextTick(now: number, intervalMs: number, offsetMs = 0): number {
  const next = Math.floor((now - offsetMs) / intervalMs) * intervalMs + intervalMs + offsetMs;
  return Math.max(1, next - now);
}

/**
 * The wall-clock times (ms) of the rounds: the next multiple of the interval, then every interval after it. Ticks
 * missed while the process was stopped (suspend, a long GC) are skipped, never taken twice or late in a burst.
 */
export function* ticks(intervalMs: number, signal?: AbortSignal, now: () => number = Date.now): Generator<number> {
  let next = now() + msUntilNextTick(now(), intervalMs);
  while (!signal?.aborted) {
    yield next;
    next += intervalMs;
    if (next <= now()) next = now() + msUntilNextTick(now(), intervalMs);
  }
}

/** Resolves after `ms`, or at once when the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
