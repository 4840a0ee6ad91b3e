import type { MetricSample } from '@xat/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { withTenant } from '../../../db/access-scope.ts';
import { type Database, type Db, queryRows, type Writer } from '../../../db/client.ts';
import { chainParts, writtenByCollector } from './chain-parts.ts';
import {
  type Chain,
  DEVICE_TABLES,
  deviceArrays,
  firstOccurrences,
  hostArrays,
  PARTITIONED_TABLES,
  type Part,
  type SessionStore,
  STATEMENT,
  stateArrays,
} from './flush-statement.ts';
import { ensurePartitions, forgetPartitions, isMissingPartition, periodStart } from './partitions.ts';

export type { Chain, Chained, SessionStore } from './flush-statement.ts';

export interface IngestResult {
  written: number;
  duplicates: number;
}

interface PartResult extends IngestResult {
  sessionId?: string;
}

/** Through Drizzle, in a transaction of its own: the text split at its `$n` placeholders, each bound as a parameter. */
const viaDrizzle =
  (db: Db): Writer =>
  (work) =>
    db.transaction((tx) =>
      work((statement, values) => {
        const pieces = statement.text.split(/\$(\d+)/);
        const chunks: SQL[] = [];
        pieces.forEach((piece, i) => {
          chunks.push(i % 2 === 0 ? sql.raw(piece) : sql`${sql.param(values[Number(piece) - 1])}`);
        });
        return queryRows<Record<string, unknown>>(tx as unknown as Db, sql.join(chunks));
      }),
    );

/** The days the parts' samples and rounds fall on (a day lies within one month: they serve the rollups too). */
function daysOf(parts: readonly Part[]): Set<number> {
  const days = new Set<number>();
  for (const p of parts) {
    for (const s of p.samples) days.add(periodStart(s.timestamp, 'day'));
    for (const ts of p.chain?.timestamps ?? []) days.add(periodStart(ts, 'day'));
  }
  return days;
}

/**
 * Writes the parts of one flush in ONE transaction: ONE statement (see STATEMENT), after locking and reading the
 * raw-rounds state when some part chains raw rounds, and the session states' statements around it when some part has
 * sessions; one round trip per flush however many requests share it, and a failure writes nothing.
 */
async function writeParts(db: Db, writer: Writer, parts: readonly Part[]): Promise<PartResult[]> {
  // Partitions first, outside the transaction: their creation must not roll back with a failed write.
  const days = daysOf(parts);
  for (const table of PARTITIONED_TABLES) await ensurePartitions(db, table, days);
  try {
    return await writeTransaction(writer, parts);
  } catch (err) {
    // Another process dropped a partition this one had created (maintenance): create it again, once.
    if (!isMissingPartition(err)) throw err;
    forgetPartitions(db);
    for (const table of PARTITIONED_TABLES) await ensurePartitions(db, table, days);
    return writeTransaction(writer, parts);
  }
}

function writeTransaction(writer: Writer, parts: readonly Part[]): Promise<PartResult[]> {
  return writer(async (run) => {
    const chained = parts.some((p) => p.chain) ? await chainParts(run, parts) : { parts, sessions: new Map() };
    const ready = chained.parts;
    const unique = firstOccurrences(ready);
    const values = [
      ...hostArrays(unique),
      ...DEVICE_TABLES.flatMap((d) => deviceArrays(unique, d)),
      ...stateArrays(ready),
    ];
    const rows = (await run(STATEMENT, values)) as { c: string; t: number }[];
    const written = new Set(rows.map((r) => `${r.c}|${Number(r.t)}`));
    if (chained.sessions.size > 0) {
      const samples = writtenByCollector(unique, written);
      const tenantId = parts[0]?.tenantId as string;
      for (const [store, states] of chained.sessions) await store.write(run, tenantId, states, samples);
    }
    // A timestamp sent twice in one flush is written once: the first part holding it gets the credit.
    return unique.map((p, i) => {
      let n = 0;
      for (const s of p.samples) if (written.has(`${p.collectorId}|${s.timestamp}`)) n++;
      const sessionId = ready[i]?.sessionId;
      return { written: n, duplicates: (ready[i]?.samples.length ?? 0) - n, ...(sessionId ? { sessionId } : {}) };
    });
  });
}

type Pending = { part: Part; resolve: (r: PartResult) => void; reject: (e: unknown) => void };

/**
 * Group commit: while a flush is being written, new requests queue up, and the next flush writes all of them in one
 * statement. At low load a request is written at once; under load many agents share one round trip.
 *
 * With `lanes` > 1, collectors are spread over lanes by their id and each lane flushes on its own: flushes run in
 * parallel (one builds its arrays while another is in the database, two backends share the work) and never touch the
 * same collector, so they never wait on each other's rollup or state rows.
 */
class IngestQueue {
  private readonly pending: Pending[][];
  private readonly busy: boolean[];

  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    lanes: number,
    private readonly maxSamplesPerFlush = 20_000,
  ) {
    this.pending = Array.from({ length: lanes }, () => []);
    this.busy = this.pending.map(() => false);
  }

  submit(part: Part): Promise<PartResult> {
    const lane = laneOf(part.collectorId, this.pending.length);
    return new Promise((resolve, reject) => {
      this.pending[lane]?.push({ part, resolve, reject });
      if (!this.busy[lane]) void this.drain(lane);
    });
  }

  /**
   * The next flush: the oldest request and the others of its tenant, up to the sample cap. One tenant per flush,
   * because a transaction sees one tenant's rows (row-level security); other tenants' requests wait their turn.
   */
  private nextBatch(pending: Pending[]): Pending[] {
    const tenantId = pending[0]?.part.tenantId;
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    let samples = 0;
    for (const p of pending) {
      if (p.part.tenantId !== tenantId || (batch.length > 0 && samples >= this.maxSamplesPerFlush)) rest.push(p);
      else {
        batch.push(p);
        samples += p.part.samples.length + (p.part.chain?.timestamps.length ?? 0);
      }
    }
    pending.splice(0, pending.length, ...rest);
    return batch;
  }

  private write(parts: readonly Part[]): Promise<PartResult[]> {
    const tenantId = parts[0]?.tenantId as string;
    return withTenant(tenantId, () => writeParts(this.db, this.writer, parts));
  }

  private async drain(lane: number): Promise<void> {
    const pending = this.pending[lane] ?? [];
    this.busy[lane] = true;
    try {
      while (pending.length > 0) {
        const batch = this.nextBatch(pending);
        try {
          const results = await this.write(batch.map((b) => b.part));
          batch.forEach((b, i) => {
            b.resolve(results[i] ?? { written: 0, duplicates: b.part.samples.length });
          });
        } catch (err) {
          if (batch.length === 1) batch[0]?.reject(err);
          else {
            // One bad part must not fail its neighbours: retry each on its own.
            for (const b of batch)
              await this.write([b.part]).then((r) => b.resolve(r[0] ?? { written: 0, duplicates: 0 }), b.reject);
          }
        }
      }
    } finally {
      this.busy[lane] = false;
    }
  }
}

/** A collector's lane: the first 8 hex digits of its uuid, modulo the lanes (uuids are random). */
function laneOf(collectorId: string, lanes: number): number {
  if (lanes === 1) return 0;
  const n = Number.parseInt(collectorId.slice(0, 8), 16);
  return Number.isFinite(n) ? n % lanes : 0;
}

const queues = new WeakMap<Db, IngestQueue>();

/**
 * How ingest runs on `db`: how many flushes may run at once, each for its own share of the collectors (default 1;
 * PostgreSQL gains from more; PGlite runs one statement at a time anyway), and how its transactions are run
 * (default: through Drizzle, planned every time; a writer's prepared statements save the planning).
 */
export function configureIngest(db: Db, opts: { concurrency: number; writer?: Writer }): void {
  queues.set(db, new IngestQueue(db, opts.writer ?? viaDrizzle(db), Math.max(1, Math.floor(opts.concurrency))));
}

/** Ingest as the server runs it on `database`: 2 lanes on PostgreSQL, 1 on PGlite, the statement prepared. */
export function configureIngestFor(database: Database): void {
  const lanes = database.kind === 'postgres' ? 2 : 1;
  configureIngest(database.db, { concurrency: lanes, writer: database.writer(lanes) });
}

function queueOf(db: Db): IngestQueue {
  let queue = queues.get(db);
  if (!queue) {
    queue = new IngestQueue(db, viaDrizzle(db), 1);
    queues.set(db, queue);
  }
  return queue;
}

/**
 * Stores interval samples of one collector: host rows, per-CPU/disk/interface/filesystem rows and the rollups in one
 * statement (shared with other requests of its tenant in flight). A sample whose (collector, timestamp) is already
 * stored is counted as a duplicate, not stored again; inside one call a repeated timestamp keeps its last sample.
 */
export async function ingestSamples(
  db: Db,
  tenantId: string,
  collectorId: string,
  samples: readonly MetricSample[],
): Promise<IngestResult> {
  if (samples.length === 0) return { written: 0, duplicates: 0 };
  const byTs = new Map<number, MetricSample>();
  for (const s of samples) byTs.set(s.timestamp, s);
  const result = await queueOf(db).submit({ tenantId, collectorId, samples: [...byTs.values()] });
  return { written: result.written, duplicates: samples.length - result.written };
}

/**
 * Stores a collector's raw rounds: `chain` turns them into samples from the collector's stored round, in the flush's
 * transaction with that round locked (see LOCK_STATES), and the round it leaves is stored for the next request in the
 * same statement as the samples. `timestamps`: the rounds' (the days whose partitions they need). With `sessions`,
 * the collector's session state is read before `chain` and written after the samples, in the same transaction; the
 * session the rounds went to is returned.
 */
export async function ingestChained(
  db: Db,
  tenantId: string,
  collectorId: string,
  chain: Chain,
  timestamps: readonly number[],
  sessions?: SessionStore,
): Promise<IngestResult & { sessionId?: string }> {
  const result = await queueOf(db).submit({
    tenantId,
    collectorId,
    samples: [],
    chain: { chain, timestamps, ...(sessions ? { sessions } : {}) },
  });
  return {
    written: result.written,
    duplicates: result.duplicates,
    ...(result.sessionId ? { sessionId: result.sessionId } : {}),
  };
}
