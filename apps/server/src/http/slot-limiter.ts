/**
 * Slots for requests whose work is heavy while it runs (an ingest, a network-test transfer): at most `limit` at once
 * in the process and, per scope (tenant, collector), at most that scope's cap for one key. Past a cap there is no
 * slot and the route answers 429 with Retry-After rather than queueing: memory and the database pool stay bounded,
 * and one sender's storm is refused to that sender first. In memory, per process, like the work it bounds.
 */
export interface SlotLimiter<Scope extends string> {
  readonly limit: number;
  readonly inFlight: number;
  /** A release function (idempotent), or undefined when the process or any of `keys` is at its cap. */
  tryAcquire(keys?: Record<Scope, string>): (() => void) | undefined;
}

export function createSlotLimiter<Scope extends string>(
  limit: number,
  caps: Record<Scope, number>,
): SlotLimiter<Scope> {
  const scopes = Object.keys(caps) as Scope[];
  const counts = new Map(scopes.map((scope) => [scope, new Map<string, number>()]));
  const add = (scope: Scope, key: string, delta: number) => {
    const perKey = counts.get(scope);
    if (!perKey) return;
    const n = (perKey.get(key) ?? 0) + delta;
    if (n > 0) perKey.set(key, n);
    else perKey.delete(key);
  };
  let inFlight = 0;
  return {
    limit,
    get inFlight() {
      return inFlight;
    },
    tryAcquire(keys) {
      if (inFlight >= limit) return undefined;
      if (keys && scopes.some((scope) => (counts.get(scope)?.get(keys[scope]) ?? 0) >= caps[scope])) return undefined;
      if (keys) for (const scope of scopes) add(scope, keys[scope], 1);
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
        if (keys) for (const scope of scopes) add(scope, keys[scope], -1);
      };
    },
  };
}

/** One of `create`'s per app, made at first use (tests build several apps in one process). */
export function onePerApp<T extends object>(create: () => T): (app: object) => T {
  const made = new WeakMap<object, T>();
  return (app) => {
    let value = made.get(app);
    if (!value) {
      value = create();
      made.set(app, value);
    }
    return value;
  };
}
