import { createSlotLimiter, onePerApp, type SlotLimiter } from '../../http/slot-limiter.ts';

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

export type NettestLimiter = SlotLimiter<'tenantId'>;

export const createNettestLimiter = (
  perTenant = NETTEST_MAX_PER_TENANT,
  total = NETTEST_MAX_IN_FLIGHT,
): NettestLimiter => createSlotLimiter(total, { tenantId: perTenant });

/** The limiter of one app. */
export const nettestLimiterOf = onePerApp(() => createNettestLimiter());
