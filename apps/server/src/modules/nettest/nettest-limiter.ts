/**
 * How many network-test transfers run at once: a few per tenant, more for the whole process. A transfer moves up to
 * 64 MiB as fast as the link allows; without a cap, one tenant's fleet testing at once would fill the server's uplink
 * and starve every other tenant's tests (and its agents' uploads). Past the cap the answer is 429 with Retry-After,
 * which the agent waits out. Each transfer also has a deadline, so a client that stops reading frees its slot.
 */
export const NETTEST_MAX_PER_TENANT = 4;
export const NETTEST_MAX_IN_FLIGHT = 32;
/** A transfer still running after this long is ended (its slot freed). */
export const NETTEST_MAX_SECONDS = 60;
export const NETTEST_RETRY_AFTER_SECONDS = 2;

export interface NettestLimiter {
  readonly inFlight: number;
  /** A release function (idempotent), or undefined when the tenant or the process is at its cap. */
  tryAcquire(tenantId: string): (() => void) | undefined;
}

export function createNettestLimiter(
  perTenant = NETTEST_MAX_PER_TENANT,
  total = NETTEST_MAX_IN_FLIGHT,
): NettestLimiter {
  const tenants = new Map<string, number>();
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    tryAcquire(tenantId) {
      const mine = tenants.get(tenantId) ?? 0;
      if (inFlight >= total || mine >= perTenant) return undefined;
      tenants.set(tenantId, mine + 1);
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
        const left = (tenants.get(tenantId) ?? 1) - 1;
        if (left > 0) tenants.set(tenantId, left);
        else tenants.delete(tenantId);
      };
    },
  };
}

const limiters = new WeakMap<object, NettestLimiter>();
/** The limiter of one app (tests build several apps in one process). */
export function nettestLimiterOf(app: object): NettestLimiter {
  let limiter = limiters.get(app);
  if (!limiter) {
    limiter = createNettestLimiter();
    limiters.set(app, limiter);
  }
  return limiter;
}
