import { CPU_FIELDS, DISK_FIELDS, FS_FIELDS, type MetricSample, NET_FIELDS } from '@xat/contracts';
import { computeInterval, type Interval, type ParsedRound, parseRound, type RawMeasurement } from '@xat/procfs';

/** One round as kept between requests (collector_raw_state.last_round): the raw text, re-parsed when used. */
export interface StoredRound {
  timestamp: number;
  measurements: { subsystem: string; measurement: string }[];
}

export interface ChainedRounds {
  samples: MetricSample[];
  /** Rounds parsed and inside the accepted time range: stored as a sample or as the base of the next interval. */
  accepted: number;
  /** Rounds with no usable host data (garbage, truncated, unknown subsystems only). */
  unparseable: number;
  /** Usable rounds outside the accepted time range: neither stored nor used as a base. */
  outOfRange: number;
  /** Timestamps of the accepted rounds, ascending. */
  timestamps: number[];
  /** The newest accepted round when it is newer than `previous`: the next request chains from it. */
  last: StoredRound | undefined;
}

/**
 * Rounds further apart are not paired: a rate over a long silence would be an average passed off as a sample, and the
 * reference starts a new session (no first interval) after a pause too.
 */
export const MAX_CHAIN_SECONDS = 600;

// Not needed for rates; at ≈3 KB the largest subsystem, so it is not carried from round to round.
const NOT_KEPT = new Set(['/proc/cpuinfo']);

/** A round with something for the host series; cpuinfo or containers alone are not. */
export function hasHostData(round: ParsedRound): boolean {
  return Boolean(round.stat || round.meminfo || round.netDev?.length || round.diskstats || round.statfs);
}

/** `into` with the keys' values of `object` that are defined (objects are built, never spread: ~3 µs each on Node 20). */
const pick = <R extends object>(into: R, object: object, keys: readonly string[]): R => {
  for (const key of keys) {
    const value = (object as Record<string, unknown>)[key];
    if (value !== undefined) (into as Record<string, unknown>)[key] = value;
  }
  return into;
};

/** The interval as the storage contract's sample (device fields by the contract's names, gaps left out). */
export function intervalToSample(interval: Interval): MetricSample {
  return {
    timestamp: interval.timestamp,
    interval_seconds: interval.seconds,
    host: Object.assign({}, interval.host),
    cpus: interval.cpus.map((c) => pick({ cpu: c.cpu }, c, CPU_FIELDS)),
    disks: interval.disks.map((d) => pick({ name: d.name }, d, DISK_FIELDS)),
    interfaces: interval.interfaces.map((n) => pick({ name: n.name }, n, NET_FIELDS)),
    filesystems: interval.filesystems.map((f) => pick({ mount_point: f.mount_point }, f, FS_FIELDS)),
  };
}

interface Item {
  timestamp: number;
  round: ParsedRound;
  raw?: RawMeasurement[];
}

/** A request's rounds parsed and judged, ready to chain from whatever round the collector has stored by then. */
export interface PreparedRounds {
  /** The accepted rounds, by timestamp. */
  readonly items: readonly Item[];
  readonly accepted: number;
  readonly unparseable: number;
  readonly outOfRange: number;
  /** Timestamps of the accepted rounds, ascending. */
  readonly timestamps: readonly number[];
}

/** Groups raw measurements into rounds by timestamp, parses them and keeps those `accept`ed. */
export function prepareRounds(
  measurements: readonly RawMeasurement[],
  accept: (timestamp: number) => boolean,
): PreparedRounds {
  const byTimestamp = new Map<number, RawMeasurement[]>();
  for (const m of measurements) {
    const group = byTimestamp.get(m.timestamp);
    if (group) group.push(m);
    else byTimestamp.set(m.timestamp, [m]);
  }
  const items: Item[] = [];
  let unparseable = 0;
  let outOfRange = 0;
  for (const [timestamp, raw] of byTimestamp) {
    // /proc/cpuinfo (the largest subsystem) gives no series: not parsed here.
    const round = parseRound(raw.filter((m) => !NOT_KEPT.has(m.subsystem)));
    if (!round || !hasHostData(round)) unparseable++;
    else if (!accept(timestamp)) outOfRange++;
    else items.push({ timestamp, round, raw });
  }
  items.sort((a, b) => a.timestamp - b.timestamp);
  return { items, accepted: items.length, unparseable, outOfRange, timestamps: items.map((i) => i.timestamp) };
}

/** Where a collector's trickle sessions begin, for chaining its rounds (recordings/sessions.ts plans them). */
export interface SessionBreaks {
  /** Rounds that start a session: never paired with the round before them (the reference's first round of a session). */
  starts: ReadonlySet<number>;
  /**
   * The start of the session the collector is in after this request, when the request started it: the round kept for
   * the next request is then that session's newest, even when older than the stored one (a replay of old rounds).
   */
  restartAt?: number;
}

/**
 * Turns prepared rounds into interval samples, starting from the collector's previous round. Rounds may arrive late
 * or out of order: each is paired with the accepted round just before it in time, whether from this request or the
 * stored one, except across a session's start. Leaves `prepared` as it was (it may be chained again).
 */
export function chainPrepared(
  prepared: PreparedRounds,
  previous: StoredRound | undefined,
  sessions?: SessionBreaks,
): Pick<ChainedRounds, 'samples' | 'last'> & { replace: boolean } {
  const items = [...prepared.items];
  const seed =
    previous &&
    parseRound(
      previous.measurements.map((m) => ({
        timestamp: previous.timestamp,
        subsystem: m.subsystem,
        measurement: m.measurement,
      })),
    );
  // The stored round sorts before a request round of the same timestamp, which then pairs with it at Δt = 0: no sample.
  if (seed) items.push({ timestamp: previous.timestamp, round: seed });
  items.sort((a, b) => a.timestamp - b.timestamp || (a.raw ? 1 : 0) - (b.raw ? 1 : 0));

  const samples: MetricSample[] = [];
  for (let i = 1; i < items.length; i++) {
    const cur = items[i];
    const prev = items[i - 1];
    if (!cur?.raw || !prev || sessions?.starts.has(cur.timestamp)) continue;
    const gap = cur.timestamp - prev.timestamp;
    if (gap > 0 && gap <= MAX_CHAIN_SECONDS) samples.push(intervalToSample(computeInterval(prev.round, cur.round)));
  }
  const restartAt = sessions?.restartAt;
  const newest =
    restartAt === undefined
      ? items[items.length - 1]
      : items.findLast((item) => item.raw && item.timestamp >= restartAt);
  const replace = restartAt !== undefined && newest !== undefined;
  const last =
    newest?.raw && (replace || !previous || newest.timestamp > previous.timestamp)
      ? {
          timestamp: newest.timestamp,
          measurements: newest.raw
            .filter((m) => !NOT_KEPT.has(m.subsystem))
            .map(({ subsystem, measurement }) => ({ subsystem, measurement })),
        }
      : undefined;
  return { samples, last, replace };
}

/** prepareRounds then chainPrepared: raw measurements chained from `previous` into interval samples. */
export function chainRounds(
  measurements: readonly RawMeasurement[],
  previous: StoredRound | undefined,
  accept: (timestamp: number) => boolean,
): ChainedRounds {
  const prepared = prepareRounds(measurements, accept);
  const { accepted, unparseable, outOfRange } = prepared;
  return {
    ...chainPrepared(prepared, previous),
    accepted,
    unparseable,
    outOfRange,
    timestamps: [...prepared.timestamps],
  };
}

/** The stored JSON back as a round, or undefined for anything else (null, an older shape). */
export function toStoredRound(value: unknown): StoredRound | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { timestamp, measurements } = value as Record<string, unknown>;
  if (typeof timestamp !== 'number' || !Array.isArray(measurements)) return undefined;
  const valid = measurements.filter(
    (m): m is StoredRound['measurements'][number] =>
      typeof m === 'object' &&
      m !== null &&
      typeof (m as Record<string, unknown>).subsystem === 'string' &&
      typeof (m as Record<string, unknown>).measurement === 'string',
  );
  return { timestamp, measurements: valid };
}
