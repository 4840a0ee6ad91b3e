import type { FastifyReply, FastifyRequest } from 'fastify';
import { throttled } from '../../../http/errors.ts';

/**
 * At most `limit` ingests in flight per process, at most half of them for one tenant and a few for one collector.
 * Beyond that the answer is 429 with Retry-After rather than an unbounded queue: agents keep their data and retry, the
 * server's memory and database pool stay bounded, and one sender's storm is refused to that sender first.
 */
export interface IngestLimiter {
  readonly limit: number;
  readonly inFlight: number;
  readonly full: boolean;
  /** A release function, or undefined when no slot is free (for this tenant or collector, when given). */
  tryAcquire(owner?: SlotOwner): (() => void) | undefined;
}

export interface SlotOwner {
  tenantId: string;
  collectorId: string;
}

export const MAX_CONCURRENT_INGESTS = 256;
/** Our agent sends one request at a time and the original pcc one per round: more at once is not an agent. */
export const MAX_INGESTS_PER_COLLECTOR = 4;

export function createIngestLimiter(limit = MAX_CONCURRENT_INGESTS): IngestLimiter {
  const perTenantLimit = Math.max(1, Math.floor(limit / 2));
  let inFlight = 0;
  const tenants = new Map<string, number>();
  const collectors = new Map<string, number>();
  const add = (counts: Map<string, number>, key: string, delta: number) => {
    const n = (counts.get(key) ?? 0) + delta;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
  };
  return {
    limit,
    get inFlight() {
      return inFlight;
    },
    get full() {
      return inFlight >= limit;
    },
    tryAcquire(owner) {
      if (inFlight >= limit) return undefined;
      if (owner) {
        if ((tenants.get(owner.tenantId) ?? 0) >= perTenantLimit) return undefined;
        if ((collectors.get(owner.collectorId) ?? 0) >= MAX_INGESTS_PER_COLLECTOR) return undefined;
        add(tenants, owner.tenantId, 1);
        add(collectors, owner.collectorId, 1);
      }
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
        if (owner) {
          add(tenants, owner.tenantId, -1);
          add(collectors, owner.collectorId, -1);
        }
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

/** A request's slot: released once the response is closed and no ingest work begun under it is still running. */
interface Lease {
  holders: number;
  release: () => void;
}
const leases = new WeakMap<FastifyRequest, Lease>();
const letGo = (lease: Lease) => {
  if (--lease.holders <= 0) lease.release();
};

/**
 * onRequest, after the agent guard: takes the slot before the body is read or decompressed, so a flood of bodies
 * (bombs included) is refused before it costs memory, and held until the answer is sent.
 */
export const holdIngestSlot = (limiter: IngestLimiter) => async (request: FastifyRequest, reply: FastifyReply) => {
  const release = limiter.tryAcquire({ tenantId: request.tenant.id, collectorId: request.agent.collectorId });
  if (!release) throw busy();
  const lease: Lease = { holders: 1, release };
  leases.set(request, lease);
  reply.raw.once('close', () => letGo(lease));
};

/** Runs the request's ingest work under its slot, which stays taken until the work ends even if the client left. */
export async function whileIngesting<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const lease = leases.get(request);
  if (!lease) throw new Error('whileIngesting: the route does not hold an ingest slot (holdIngestSlot)');
  lease.holders++;
  try {
    return await work();
  } finally {
    letGo(lease);
  }
}
