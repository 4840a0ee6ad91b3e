import type { FastifyReply, FastifyRequest } from 'fastify';
import { throttled } from '../../../http/errors.ts';
import { createSlotLimiter, onePerApp, type SlotLimiter } from '../../../http/slot-limiter.ts';

/**
 * At most `limit` ingests in flight per process, at most half of them for one tenant and a few for one collector
 * (http/slot-limiter.ts: past a cap, 429 with Retry-After; agents keep their data and retry).
 */
export type IngestLimiter = SlotLimiter<keyof SlotOwner>;

export interface SlotOwner {
  tenantId: string;
  collectorId: string;
}

export const MAX_CONCURRENT_INGESTS = 256;
/** Our agent sends one request at a time and the original pcc one per round: more at once is not an agent. */
export const MAX_INGESTS_PER_COLLECTOR = 4;

export const createIngestLimiter = (limit = MAX_CONCURRENT_INGESTS): IngestLimiter =>
  createSlotLimiter(limit, { tenantId: Math.max(1, Math.floor(limit / 2)), collectorId: MAX_INGESTS_PER_COLLECTOR });

const busy = () => throttled(1, 'The server is busy ingesting other data. Retry after the delay in Retry-After.');

/** The limiter shared by every ingest route of one app. */
export const ingestLimiterOf = onePerApp(() => createIngestLimiter());

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
