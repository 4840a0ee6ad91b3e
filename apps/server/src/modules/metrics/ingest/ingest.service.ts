import type { MetricSample, MetricsBatch, RefusedSample } from '@xat/contracts';
import type { RawMeasurement } from '@xat/procfs';
import type { Db } from '../../../db/client.ts';
import { isForeignKeyViolation } from '../../../db/errors.ts';
import { ApiError, fieldErrors } from '../../../http/errors.ts';
import { touchCollector } from '../../collectors/collectors.queries.ts';
import { NO_SESSION, planSessions, type SessionState, trickleSessionStore } from '../../recordings/sessions.ts';
import { type Chain, type IngestResult, ingestChained, ingestSamples } from '../storage/ingest-queue.ts';
import { type ClockReading, readAgentSignals } from './agent-signals.ts';
import { findMetricBatch, findRawRetentionDays, insertMetricBatch } from './ingest.queries.ts';
import { chainPrepared, prepareRounds, toStoredRound } from './raw-rounds.ts';
import { isStorable, refusalMessages, screenSamples } from './sample-screen.ts';

/** Samples ahead of the server clock by more than this are refused (a collector with a wrong clock). */
export const MAX_FUTURE_SECONDS = 600;
export const FILE_CHUNK = 2000;
const RETENTION_CACHE_MS = 30_000;

export interface AcceptedRange {
  from: number;
  to: number;
  contains(timestamp: number): boolean;
  describe(): string;
}

const retentionCache = new Map<string, { days: number; until: number }>();

/**
 * The timestamps live data takes (our agent's batches, raw rounds posted to /api/v1/metrics/): within the tenant's
 * raw retention, and not from the future. The retention is cached for 30 s per process, so a changed retention
 * applies to ingest within half a minute.
 */
export async function acceptedRange(db: Db, tenantId: string, nowMs = Date.now()): Promise<AcceptedRange> {
  let hit = retentionCache.get(tenantId);
  if (!hit || hit.until < nowMs) {
    hit = { days: (await findRawRetentionDays(db, tenantId)) ?? 7, until: nowMs + RETENTION_CACHE_MS };
    if (retentionCache.size > 10_000) retentionCache.clear();
    retentionCache.set(tenantId, hit);
  }
  const days = hit.days;
  const now = nowMs / 1000;
  const from = now - days * 86_400;
  const to = now + MAX_FUTURE_SECONDS;
  return {
    from,
    to,
    contains: (ts) => ts >= from && ts <= to,
    describe: () =>
      `older than the raw retention of ${days} days or more than ${MAX_FUTURE_SECONDS / 60} minutes ahead of the server clock`,
  };
}

/** The first timestamp anything is stored at (the contract's floor for a sample: 2000-01-01). */
export const OLDEST_TIMESTAMP = 946_684_800;

/**
 * The timestamps a recording takes (a collection file, the original pcc's trickle rounds): any age — a recording is
 * kept whatever its age, live retention does not apply to it — from 2000 on, and not from the future.
 */
export function recordingRange(nowMs = Date.now()): AcceptedRange {
  const to = nowMs / 1000 + MAX_FUTURE_SECONDS;
  return {
    from: OLDEST_TIMESTAMP,
    to,
    contains: (ts) => ts >= OLDEST_TIMESTAMP && ts <= to,
    describe: () => `before 2000-01-01 or more than ${MAX_FUTURE_SECONDS / 60} minutes ahead of the server clock`,
  };
}

// The key was valid a moment ago: the collector was deleted (or its key rotated) during the request.
export const collectorGone = () =>
  new ApiError(401, { detail: 'Invalid API key', code: 'authentication_failed' }, { 'www-authenticate': 'ApiKey' });

/** Stores samples in chunks. */
export async function storeSamples(db: Db, tenantId: string, collectorId: string, samples: readonly MetricSample[]) {
  const total: IngestResult = { written: 0, duplicates: 0 };
  try {
    for (let i = 0; i < samples.length; i += FILE_CHUNK) {
      const part = await ingestSamples(db, tenantId, collectorId, samples.slice(i, i + FILE_CHUNK));
      total.written += part.written;
      total.duplicates += part.duplicates;
    }
  } catch (err) {
    if (isForeignKeyViolation(err)) throw collectorGone();
    throw err;
  }
  return total;
}

/** Our agent's batch with its samples not yet looked at one by one (each is judged on its own). */
export type BatchEnvelope = Omit<MetricsBatch, 'samples'> & { samples: readonly unknown[] };

export interface BatchOutcome extends IngestResult, ClockReading {
  /** Samples refused (the first 20 listed): when any, the answer is a 400 carrying `messages`. */
  refused: RefusedSample[];
  refusedCount: number;
  messages: string[];
}

/**
 * Our agent's batch. Its timestamps are first moved by the agent's clock skew, when past the tolerance. Each sample is
 * then judged on its own: a malformed one, one with a value beyond its bounds or outside the accepted time range is
 * refused with its reason, and the others are stored. A batch_id seen before is
 * acknowledged without storing anything; otherwise each sample already stored for its (collector, timestamp) counts
 * as a duplicate.
 */
export async function ingestBatch(
  db: Db,
  tenantId: string,
  collectorId: string,
  batch: BatchEnvelope,
  receivedAtMs = Date.now(),
): Promise<BatchOutcome> {
  const range = await acceptedRange(db, tenantId, receivedAtMs);
  const seen = await findMetricBatch(db, tenantId, collectorId, batch.batch_id);
  const clock = await readAgentSignals(db, { tenantId, collectorId }, batch, { newBatch: !seen, receivedAtMs });
  const screened = screenSamples(batch.samples, range, clock.correction);
  let result: IngestResult;
  if (seen) {
    result = { written: 0, duplicates: screened.accepted.length };
  } else {
    result = await storeSamples(db, tenantId, collectorId, screened.accepted);
    try {
      await insertMetricBatch(db, tenantId, { collectorId, batchId: batch.batch_id, ...result });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw collectorGone();
      throw err;
    }
  }
  await touchCollector(db, tenantId, collectorId);
  return {
    ...result,
    ...clock,
    refused: screened.refused,
    refusedCount: screened.invalid + screened.outOfRange,
    messages: refusalMessages(screened, range),
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The 400 for raw rounds of which none can be stored, naming why. */
function unusableRounds(field: string, r: { unparseable: number; outOfRange: number }, range: AcceptedRange) {
  return fieldErrors({ [field]: roundMessages({ ...r, beyondBounds: 0 }, range) });
}

export interface RawOutcome extends IngestResult {
  /** Rounds parsed and in range: stored as a sample, or kept as the base of the next interval. */
  accepted: number;
  unparseable: number;
  /** Rounds whose interval came out with a value beyond its field's bounds (not stored, still chained from). */
  beyondBounds: number;
  outOfRange: number;
  /** The trickle session (recording) the rounds went to; NO_SESSION when none. Only for `trickle`. */
  sessionId: string;
  /** Why rounds were not stored, one line per reason. */
  messages: string[];
}

/** Why raw rounds were not stored, one line per reason. */
export function roundMessages(
  r: Pick<RawOutcome, 'unparseable' | 'beyondBounds' | 'outOfRange'>,
  range: AcceptedRange,
) {
  const lines: string[] = [];
  if (r.unparseable > 0)
    lines.push(
      `${plural(r.unparseable, 'round holds', 'rounds hold')} no parsable /proc measurement ` +
        '(/proc/stat, /proc/meminfo, /proc/net/dev, /proc/diskstats or statfs[*]).',
    );
  if (r.beyondBounds > 0)
    lines.push(`${plural(r.beyondBounds, 'interval comes', 'intervals come')} out with a value beyond its bounds.`);
  if (r.outOfRange > 0)
    lines.push(
      `${plural(r.outOfRange, 'round is', 'rounds are')} outside the accepted time range (${range.describe()}).`,
    );
  return lines;
}

const EMPTY_SESSIONS: SessionState = { timeoutSeconds: 300, current: undefined, stale: false, ended: [] };

/**
 * Raw rounds (the original format): chained with the collector's previous round, which is then moved forward — in
 * the transaction that stores the samples, with the collector's stored round locked meanwhile, so requests of one
 * collector chain one after the other whichever process serves them, and a request that failed (5xx) and is
 * retried chains from the same round.
 *
 * With `trickle` (the original pcc's /v1/trickle), the rounds are a recording: stored whatever their age, and put in
 * the collector's trickle sessions (recordings/sessions.ts), in the same transaction. Without, they are live data:
 * within the raw retention.
 */
export async function ingestRawRounds(
  db: Db,
  tenantId: string,
  collectorId: string,
  measurements: readonly RawMeasurement[],
  opts: { refuseUnusableAs?: string; trickle?: { identifier: string | null } } = {},
): Promise<RawOutcome> {
  const { trickle } = opts;
  const range = trickle ? recordingRange() : await acceptedRange(db, tenantId);
  const prepared = prepareRounds(measurements, range.contains);
  if (opts.refuseUnusableAs && prepared.accepted === 0) throw unusableRounds(opts.refuseUnusableAs, prepared, range);
  let beyondBounds = 0;
  const chain: Chain = (previous, session) => {
    const plan = trickle
      ? planSessions((session as SessionState | undefined) ?? EMPTY_SESSIONS, prepared.timestamps, trickle.identifier)
      : undefined;
    const breaks = plan && {
      starts: plan.starts,
      ...(plan.restartAt === undefined ? {} : { restartAt: plan.restartAt }),
    };
    const chained = chainPrepared(prepared, toStoredRound(previous), breaks);
    const samples = chained.samples.filter(isStorable);
    beyondBounds = chained.samples.length - samples.length;
    return {
      samples,
      lastRound: chained.last,
      ...(plan ? { session: plan.state, ...(plan.sessionId ? { sessionId: plan.sessionId } : {}) } : {}),
    };
  };
  let stored: IngestResult & { sessionId?: string };
  try {
    stored = await ingestChained(
      db,
      tenantId,
      collectorId,
      chain,
      prepared.timestamps,
      trickle ? trickleSessionStore : undefined,
    );
  } catch (err) {
    if (isForeignKeyViolation(err)) throw collectorGone();
    throw err;
  }
  await touchCollector(db, tenantId, collectorId);
  const counts = { unparseable: prepared.unparseable, beyondBounds, outOfRange: prepared.outOfRange };
  return {
    written: stored.written,
    duplicates: stored.duplicates,
    accepted: prepared.accepted - beyondBounds,
    ...counts,
    sessionId: stored.sessionId ?? NO_SESSION,
    messages: roundMessages(counts, range),
  };
}
