import { CLOCK_SKEW_TOLERANCE_SECONDS, type MetricsBatch } from '@xat/contracts';
import type { Db } from '../../../db/client.ts';
import { recordAgentSignals } from './ingest.queries.ts';

// One tolerance for the server's correction and the dashboard's warning.
export { CLOCK_SKEW_TOLERANCE_SECONDS };
/**
 * A measured skew this close to the stored one is noise (network delay, a whole-second `collector_time`) and leaves
 * it as it is, so the correction stays the same from batch to batch and a sample sent twice lands on the same second.
 */
export const CLOCK_SKEW_NOISE_SECONDS = 5;

// A collector_time outside the years a sample may have (a clock never set, a test's 0) tells nothing of the skew.
const PLAUSIBLE = { from: 946_684_800, to: 4_102_444_800 };

/** The agent's clock minus the server's when the request arrived, in seconds; null when collector_time is no clock. */
export function measureSkew(collectorTime: number, receivedAtMs: number): number | null {
  if (!(collectorTime >= PLAUSIBLE.from && collectorTime <= PLAUSIBLE.to)) return null;
  return Math.round((collectorTime - receivedAtMs / 1000) * 10) / 10;
}

/** Seconds to take off each sample's timestamp: the skew in whole seconds once past the tolerance, else none. */
export const correctionFor = (skew: number | null): number =>
  skew !== null && Math.abs(skew) > CLOCK_SKEW_TOLERANCE_SECONDS ? Math.round(skew) : 0;

export interface ClockReading {
  /** The skew in effect for the collector (stored, or just measured); null when never measured. */
  skew: number | null;
  correction: number;
}

/**
 * Stores what the agent says of itself with its batch — the samples it had to drop (counted once per batch_id) and
 * its clock's skew — and answers how far to move the batch's timestamps. A clock minutes off then costs nothing:
 * its samples land where they belong instead of outside the accepted range, batch after batch.
 */
export async function readAgentSignals(
  db: Db,
  ids: { tenantId: string; collectorId: string },
  batch: Pick<MetricsBatch, 'collector_time' | 'agent'>,
  opts: { newBatch: boolean; receivedAtMs: number },
): Promise<ClockReading> {
  const measured = measureSkew(batch.collector_time, opts.receivedAtMs);
  const dropped = opts.newBatch ? (batch.agent?.dropped_samples ?? 0) : 0;
  if (measured === null && dropped === 0) return { skew: null, correction: 0 };
  const skew = await recordAgentSignals(db, ids.tenantId, ids.collectorId, {
    dropped,
    skew: measured,
    tolerance: CLOCK_SKEW_NOISE_SECONDS,
  });
  return { skew, correction: correctionFor(skew) };
}
