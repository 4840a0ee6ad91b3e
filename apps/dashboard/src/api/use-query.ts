import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client.ts';

export interface Query<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True until the first answer for the current key (earlier data stays shown while a new key loads). */
  loading: boolean;
  reload: () => void;
}

// Keys of loaded queries; a write invalidates the ones it changes by prefix (e.g. "collectors").
const subscribers = new Map<string, Set<() => void>>();

/** Reloads every mounted query whose key starts with one of the prefixes. */
export function invalidate(...prefixes: string[]): void {
  for (const [key, set] of subscribers) {
    if (prefixes.some((p) => key.startsWith(p))) for (const reload of set) reload();
  }
}

const toApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError('Something went wrong while loading. Try again.', 0);

/**
 * Loads `fetcher` whenever `key` changes (null: don't load), optionally every `refreshMs`; stale answers of an
 * earlier key are dropped.
 */
export function useQuery<T>(
  key: string | null,
  fetcher: (signal: AbortSignal) => Promise<T>,
  opts: { refreshMs?: number } = {},
): Query<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: ApiError }>({ key: null });
  const [tick, setTick] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const reload = useCallback(() => setTick((t) => t + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the reload trigger, read by no code inside.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    fetcherRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({
          key,
          ...(s.key === key && s.data !== undefined ? { data: s.data } : {}),
          error: toApiError(err),
        }));
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  useEffect(() => {
    if (key === null) return;
    const set = subscribers.get(key) ?? new Set();
    set.add(reload);
    subscribers.set(key, set);
    return () => {
      set.delete(reload);
      if (!set.size) subscribers.delete(key);
    };
  }, [key, reload]);

  useEffect(() => {
    if (key === null || !opts.refreshMs) return;
    const timer = setInterval(reload, opts.refreshMs);
    return () => clearInterval(timer);
  }, [key, opts.refreshMs, reload]);

  return {
    data: state.data,
    error: state.error,
    loading: key !== null && state.key !== key,
    reload,
  };
}

export interface Mutation<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  pending: boolean;
  error: ApiError | undefined;
  reset: () => void;
}

/** A write: `run` resolves to the answer, or undefined after an error (which is then in `error`, in words). */
export function useMutation<A extends unknown[], T>(fn: (...args: A) => Promise<T>): Mutation<A, T> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(undefined);
    try {
      return await fnRef.current(...args);
    } catch (err) {
      setError(toApiError(err));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { run, pending, error, reset: useCallback(() => setError(undefined), []) };
}
