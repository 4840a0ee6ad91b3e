import { throttled } from './errors.ts';

export interface AttemptLimiter {
  /** Counts an attempt for `key` before the slow check it guards; throws 429 once `max` are in the window. */
  reserve(key: string): { release(): void };
}

/**
 * In-memory counter of failed attempts per key in a fixed window. An attempt is reserved synchronously before the
 * (slow, e.g. argon2) check and released when it succeeds, so concurrent guesses cannot all slip past a read-only
 * check and only failures count.
 */
export function createAttemptLimiter(opts: { max: number; windowMs: number; maxKeys?: number }): AttemptLimiter {
  const maxKeys = opts.maxKeys ?? 100_000;
  const windows = new Map<string, { count: number; start: number }>();

  function sweep(now: number): void {
    for (const [key, w] of windows) if (w.start + opts.windowMs <= now) windows.delete(key);
    // Still full of live keys: drop the oldest windows (insertion order) rather than refuse everyone.
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return {
    reserve(key) {
      const now = Date.now();
      let w = windows.get(key);
      if (!w || w.start + opts.windowMs <= now) {
        if (w) windows.delete(key);
        else if (windows.size >= maxKeys) sweep(now);
        w = { count: 0, start: now };
        windows.set(key, w);
      }
      if (w.count >= opts.max) throw throttled((w.start + opts.windowMs - now) / 1000, retryDetail(w, opts, now));
      w.count++;
      const current = w;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (windows.get(key) === current && current.count > 0) current.count--;
        },
      };
    },
  };
}

function retryDetail(w: { start: number }, opts: { windowMs: number }, now: number): string {
  return `Too many failed attempts. Try again in ${Math.max(1, Math.ceil((w.start + opts.windowMs - now) / 1000))} s.`;
}
