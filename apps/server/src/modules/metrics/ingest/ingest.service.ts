import { readFile } from 'node:fs/promises';
import type { MetricSample, MetricsBatch, RefusedSample } from '@xat/contracts';
import type { RawMeasurement } from '@xat/procfs';
import type { Db } from '../../../db/client.ts';
import { isForeignKeyViolation } from '../../../db/errors.ts';
import { ApiError, fieldErrors } from '../../../http/errors.ts';
import { touchCollector } from '../../collectors/collectors.queries.ts';
import { deleteCollectedData, updateCollectedDataSummary } from '../../data/data.queries.ts';
import { deleteStoredFile, discardFile } from '../../data/file-store.ts';
import { type ReceivedUpload, saveUpload } from '../../data/upload.ts';
import { type Chain, type IngestResult, ingestChained, ingestSamples } from '../storage/ingest-queue.ts';
import { type ClockReading, readAgentSignals } from './agent-signals.ts';
import { decodeFile, parseCollectionFile } from './collection-file.ts';
import { findMetricBatch, findRawRetentionDays, insertMetricBatch } from './ingest.queries.ts';
import { chainPrepared, prepareRounds, toStoredRound } from './raw-rounds.ts';
import { isStorable, refusalMessages, screenSamples } from './sample-screen.ts';

/** Samples ahead of the server clock by more than this are refused (a collector with a wrong clock). */
export const MAX_FUTURE_SECONDS = 600;
const FILE_CHUNK = 2000;
const RETENTION_CACHE_MS = 30_000;

export interface AcceptedRange {
  from: number;
  to: number;
  contains(timestamp: number): boolean;
  describe(): string;
}

const retentionCache = new Map<string, { days: number; until: number }>();

/**
 * The timestamps the tenant's series take: within its raw retention, and not from the future. The retention is cached
 * for 30 s per process, so a changed retention applies to ingest within half a minute.
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

// The key was valid a moment ago: the collector was deleted (or its key rotated) during the request.
const collectorGone = () =>
  new ApiError(401, { detail: 'Invalid API key', code: 'authentication_failed' }, { 'www-authenticate': 'ApiKey' });

/** Stores samples in chunks. */
async function store(db: Db, tenantId: string, collectorId: string, samples: readonly MetricSample[]) {
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
    result = await store(db, tenantId, collectorId, screened.accepted);
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
  const problems: string[] = [];
  if (r.unparseable > 0)
    problems.push(
      `${plural(r.unparseable, 'round holds', 'rounds hold')} no parsable /proc measurement ` +
        '(/proc/stat, /proc/meminfo, /proc/net/dev, /proc/diskstats or statfs[*]).',
    );
  if (r.outOfRange > 0)
    problems.push(
      `${plural(r.outOfRange, 'round is', 'rounds are')} outside the accepted time range (${range.describe()}).`,
    );
  return fieldErrors({ [field]: problems });
}

export interface RawOutcome extends IngestResult {
  /** Rounds parsed and in range: stored as a sample, or kept as the base of the next interval. */
  accepted: number;
  unparseable: number;
  /** Rounds whose interval came out with a value beyond its field's bounds (not stored, still chained from). */
  beyondBounds: number;
  outOfRange: number;
  sessionId: string;
}

/**
 * Raw rounds (the original format): chained with the collector's previous round, which is then moved forward — in
 * the transaction that stores the samples, with the collector's stored round locked meanwhile, so requests of one
 * collector chain one after the other whichever process serves them, and a request that failed (5xx) and is
 * retried chains from the same round.
 */
export async function ingestRawRounds(
  db: Db,
  tenantId: string,
  collectorId: string,
  measurements: readonly RawMeasurement[],
  opts: { refuseUnusableAs?: string } = {},
): Promise<RawOutcome> {
  const range = await acceptedRange(db, tenantId);
  const prepared = prepareRounds(measurements, range.contains);
  if (opts.refuseUnusableAs && prepared.accepted === 0) throw unusableRounds(opts.refuseUnusableAs, prepared, range);
  let beyondBounds = 0;
  const chain: Chain = (previous) => {
    const chained = chainPrepared(prepared, toStoredRound(previous));
    const samples = chained.samples.filter(isStorable);
    beyondBounds = chained.samples.length - samples.length;
    return { samples, lastRound: chained.last };
  };
  let stored: IngestResult & { sessionId: string };
  try {
    stored = await ingestChained(db, tenantId, collectorId, chain, prepared.timestamps);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw collectorGone();
    throw err;
  }
  await touchCollector(db, tenantId, collectorId);
  return {
    written: stored.written,
    duplicates: stored.duplicates,
    accepted: prepared.accepted - beyondBounds,
    unparseable: prepared.unparseable,
    beyondBounds,
    outOfRange: prepared.outOfRange,
    sessionId: stored.sessionId,
  };
}

export interface FileOutcome {
  dataId: string;
  fileSize: number;
  written: number;
  skipped: number;
  outOfRange: number;
}

/**
 * A collection file: parsed first (an unusable file is refused and not kept), then kept as collected data and its
 * series stored. If storing the series fails, the file goes too, so the agent's retry does not leave a twin behind.
 */
export async function ingestCollectionFile(
  db: Db,
  opts: { dataDir: string; maxBytes: number },
  tenantId: string,
  collectorId: string,
  upload: ReceivedUpload,
): Promise<FileOutcome> {
  let parsed: ReturnType<typeof parseCollectionFile>;
  try {
    const range = await acceptedRange(db, tenantId);
    const text = await decodeFile(await readFile(upload.tempPath), opts.maxBytes);
    parsed = parseCollectionFile(text, range.contains);
  } catch (err) {
    await discardFile(upload.tempPath);
    throw err;
  }
  const row = await saveUpload(db, opts.dataDir, tenantId, collectorId, upload);
  const samples = parsed.samples.filter(isStorable);
  let written: number;
  try {
    ({ written } = await store(db, tenantId, collectorId, samples));
    await updateCollectedDataSummary(db, tenantId, row.id, {
      rowCount: parsed.records,
      dataStart: parsed.start === undefined ? null : new Date(parsed.start * 1000),
      dataEnd: parsed.end === undefined ? null : new Date(parsed.end * 1000),
    });
  } catch (err) {
    await deleteCollectedData(db, tenantId, row.id).catch(() => undefined);
    await deleteStoredFile(opts.dataDir, tenantId, row.id).catch(() => undefined);
    throw err;
  }
  await touchCollector(db, tenantId, collectorId);
  const skipped = parsed.skipped + parsed.samples.length - samples.length;
  return { dataId: row.id, fileSize: row.fileSize, written, skipped, outOfRange: parsed.outOfRange };
}
