import {
  CPU_FIELDS,
  DISK_FIELDS,
  FS_FIELDS,
  HOST_FIELDS,
  type HostField,
  type MetricSample,
  NET_FIELDS,
} from '@xat/contracts';
import type { ArrayElementType } from '../../../db/binary-arrays.ts';
import type { RunStatement, Statement } from '../../../db/client.ts';
import type { PartitionedTable } from './partitions.ts';

// What one flush of ingest sends: its statements' SQL (built once) and their array parameters, from the parts
// (requests) it writes. ingest-queue.ts queues the parts and runs the flushes.

/** What a collector's raw rounds give once its previous round is known: interval samples and the round to keep. */
export interface Chained {
  samples: MetricSample[];
  /** The round the collector's next request chains from; undefined keeps the stored one. */
  lastRound: { timestamp: number } | undefined;
  /** The collector's session state after this part: handed to its next part in the flush, then to `sessions.write`. */
  session?: unknown;
  /** The session this part's rounds went to, for its answer. */
  sessionId?: string;
}

/**
 * Raw rounds to chain from the collector's stored round (`previous`: its JSON, undefined when none) and, when the
 * part has a session store, its session state; called inside the flush's transaction with both locked; must depend
 * on nothing else (a failed flush calls it again).
 */
export type Chain = (previous: unknown, session: unknown) => Chained;

/**
 * State kept per collector beside its raw round, read and written in the flush's transaction (the trickle sessions,
 * recordings/sessions.ts, wired in by ingest): storage runs it, knowing nothing of what it holds.
 */
export interface SessionStore {
  /** Locks and reads the collectors' states, after their raw rounds are locked: collector id → state. */
  read(run: RunStatement, tenantId: string, collectorIds: readonly string[]): Promise<ReadonlyMap<string, unknown>>;
  /** After the samples are written: stores each collector's final state, with the samples written for it. */
  write(
    run: RunStatement,
    tenantId: string,
    states: ReadonlyMap<string, unknown>,
    written: ReadonlyMap<string, readonly MetricSample[]>,
  ): Promise<void>;
}

/** One caller's samples of one collector. */
export interface Part {
  tenantId: string;
  collectorId: string;
  samples: MetricSample[];
  rawState?: RawStateUpdate;
  /** Raw rounds: `samples` and `rawState` come from this, in the flush (see writeParts). */
  chain?: { chain: Chain; timestamps: readonly number[]; sessions?: SessionStore };
  /** Set by the flush from `chain`. */
  sessionId?: string;
}

interface ColumnSpec {
  name: string;
  type: ArrayElementType;
}

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const KEY_COLUMNS: ColumnSpec[] = [
  { name: 'tenant_id', type: 'uuid' },
  { name: 'collector_id', type: 'uuid' },
  { name: 'ts', type: 'float8' },
];
const floats = (names: readonly string[]): ColumnSpec[] => names.map((name) => ({ name, type: 'float8' }));

const HOST_COLUMNS: ColumnSpec[] = [...KEY_COLUMNS, ...floats(['interval_seconds', ...HOST_FIELDS])];

type Device = Record<string, unknown>;
export const DEVICE_TABLES = [
  { table: 'metric_cpus', pick: (s: MetricSample) => s.cpus, key: 'cpu', keyType: 'int4', fields: CPU_FIELDS },
  { table: 'metric_disks', pick: (s: MetricSample) => s.disks, key: 'name', keyType: 'text', fields: DISK_FIELDS },
  { table: 'metric_net', pick: (s: MetricSample) => s.interfaces, key: 'name', keyType: 'text', fields: NET_FIELDS },
  {
    table: 'metric_fs',
    pick: (s: MetricSample) => s.filesystems,
    key: 'mount_point',
    keyType: 'text',
    fields: FS_FIELDS,
  },
] as const satisfies readonly {
  table: string;
  pick: (s: MetricSample) => readonly Device[] | undefined;
  key: string;
  keyType: ArrayElementType;
  fields: readonly string[];
}[];
const deviceColumns = (d: (typeof DEVICE_TABLES)[number]): ColumnSpec[] => [
  ...KEY_COLUMNS,
  { name: d.key, type: d.keyType },
  ...floats(d.fields),
];

const STATE_COLUMNS: ColumnSpec[] = [...KEY_COLUMNS.slice(0, 2), { name: 'last_round', type: 'text' }];

export const ROLLUPS = [
  { table: 'metric_rollup_1m', seconds: 60 },
  { table: 'metric_rollup_1h', seconds: 3600 },
] as const;

/** Every table a flush writes to, all partitioned by time. */
export const PARTITIONED_TABLES = [
  'metric_samples',
  ...DEVICE_TABLES.map((d) => d.table),
  ...ROLLUPS.map((r) => r.table),
] as const satisfies readonly PartitionedTable[];

/**
 * The one statement a flush runs. Its text never changes (every part is there, empty arrays give no rows), so
 * PostgreSQL prepares and plans it once per connection; every column is one array parameter, in the order of
 * HOST_COLUMNS, then each device table's columns, then STATE_COLUMNS.
 *
 * - `ins`: the host rows; a (collector, timestamp) already stored is skipped. Returns what it wrote.
 * - `d0`…`d3`: the device rows of the host rows `ins` wrote (a retried sample's devices are not written twice). A
 *   plain insert, no `on conflict`: a device row exists only beside its host row (both are written here; deleted
 *   together, device rows first, in one transaction — a recording's series, an expired partition's rows outside every
 *   recording, or the partitions themselves), so a new host row has none yet; the check cost a fifth of batch
 *   throughput.
 * - `r0`, `r1`: the 1-minute and 1-hour buckets those same rows fall in: the sample count and, per field, the sum and
 *   count of the non-null values and the maximum are added (avg_<f> is generated from sum and count). Late data lands
 *   in its old bucket the same way. Rows are upserted in key order, so two flushes never wait on each other in a cycle.
 * - `st`: the raw-rounds state of each chaining collector: the round its next request chains from, as the flush
 *   decided it with the row locked (LOCK_STATES), so it is written as it is — moved back too, when a replay of old
 *   rounds started a session before it.
 */
const STATEMENT_TEXT = (() => {
  let next = 1;
  const unnest = (columns: readonly ColumnSpec[], alias: string) =>
    `unnest(${columns.map((c) => `$${next++}::${c.type}[]`).join(', ')}) as ${alias}(${columns
      .map((_, i) => `c${i}`)
      .join(', ')})`;
  const select = (columns: readonly ColumnSpec[]) =>
    columns.map((c, i) => (c.name === 'ts' ? `to_timestamp(u.c${i})` : `u.c${i}`)).join(', ');
  const names = (columns: readonly ColumnSpec[]) => columns.map((c) => `"${c.name}"`).join(', ');

  const ctes = [
    `ins as (
      insert into metric_samples (${names(HOST_COLUMNS)})
      select ${select(HOST_COLUMNS)} from ${unnest(HOST_COLUMNS, 'u')}
      on conflict do nothing
      returning *)`,
  ];
  for (const [i, d] of DEVICE_TABLES.entries()) {
    const columns = deviceColumns(d);
    ctes.push(`d${i} as (
      insert into "${d.table}" (${names(columns)})
      select ${select(columns)} from ${unnest(columns, 'u')}
      where (u.c0, u.c1, to_timestamp(u.c2)) in (select tenant_id, collector_id, ts from ins))`);
  }
  for (const [i, { table, seconds }] of ROLLUPS.entries()) {
    const columns = HOST_FIELDS.map((f) => `"sum_${f}", "n_${f}", "max_${f}"`).join(', ');
    const aggregates = HOST_FIELDS.map((f) => `coalesce(sum("${f}"), 0), count("${f}")::int, max("${f}")`).join(', ');
    const merge = HOST_FIELDS.map(
      (f) =>
        `"sum_${f}" = r."sum_${f}" + excluded."sum_${f}", "n_${f}" = r."n_${f}" + excluded."n_${f}", ` +
        `"max_${f}" = greatest(r."max_${f}", excluded."max_${f}")`,
    ).join(', ');
    ctes.push(`r${i} as (
      insert into "${table}" as r (tenant_id, collector_id, bucket, samples, ${columns})
      select tenant_id, collector_id, date_bin('${seconds} seconds', ts, timestamptz 'epoch') as bucket,
             count(*)::int, ${aggregates}
      from ins group by 1, 2, 3 order by 1, 2, 3
      on conflict (tenant_id, collector_id, bucket) do update set samples = r.samples + excluded.samples, ${merge})`);
  }
  ctes.push(`st as (
    insert into collector_raw_state as s (tenant_id, collector_id, last_round, updated_at)
    select u.c0, u.c1, u.c2::jsonb, now() from ${unnest(STATE_COLUMNS, 'u')}
    on conflict (tenant_id, collector_id) do update set last_round = excluded.last_round, updated_at = now())`);
  return `with ${ctes.join(',\n')}
    select collector_id::text as c, extract(epoch from ts)::float8 as t from ins`;
})();

export const STATEMENT: Statement = {
  name: 'xat_ingest',
  text: STATEMENT_TEXT,
  arrays: [...HOST_COLUMNS, ...DEVICE_TABLES.flatMap((d) => deviceColumns(d)), ...STATE_COLUMNS].map((c) => c.type),
};

/**
 * The raw-rounds state of the flush's chaining collectors, locked until the flush commits and read as it is then:
 * a request of the same collector in another flush — another lane, another process — waits here and then chains
 * from this flush's round, so consecutive rounds chain exactly wherever they arrive. A missing row is inserted (null
 * round) to be locked the same way. In key order, so two flushes never wait on each other in a cycle.
 */
export const LOCK_STATES: Statement = {
  name: 'xat_lock_raw_state',
  text: `insert into collector_raw_state as s (tenant_id, collector_id, last_round)
    select t, c, 'null'::jsonb from unnest($1::uuid[], $2::uuid[]) as u(t, c) order by 1, 2
    on conflict (tenant_id, collector_id) do update set last_round = s.last_round
    returning collector_id::text as c, last_round as r`,
  arrays: ['uuid', 'uuid'],
};

/** The samples of a flush that are written: one per (collector, timestamp), the first part holding it wins. */
export function firstOccurrences(parts: readonly Part[]): Part[] {
  const seen = new Set<string>();
  return parts.map((p) => ({
    ...p,
    samples: p.samples.filter((s) => {
      const key = `${p.tenantId}|${p.collectorId}|${s.timestamp}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  }));
}

/** The host rows of `parts` as one array per HOST_COLUMNS entry. */
export function hostArrays(parts: readonly Part[]): unknown[][] {
  const arrays: unknown[][] = HOST_COLUMNS.map(() => []);
  for (const part of parts) {
    for (const s of part.samples) {
      arrays[0]?.push(part.tenantId);
      arrays[1]?.push(part.collectorId);
      arrays[2]?.push(s.timestamp);
      arrays[3]?.push(numberOrNull(s.interval_seconds));
      for (let i = 0; i < HOST_FIELDS.length; i++)
        arrays[4 + i]?.push(numberOrNull(s.host[HOST_FIELDS[i] as HostField]));
    }
  }
  return arrays;
}

/** One row per (sample, device) of one device table, as one array per column. */
export function deviceArrays(parts: readonly Part[], d: (typeof DEVICE_TABLES)[number]): unknown[][] {
  const arrays: unknown[][] = deviceColumns(d).map(() => []);
  for (const part of parts) {
    for (const s of part.samples) {
      const seen = new Set<unknown>();
      for (const device of d.pick(s) ?? []) {
        const k = (device as Device)[d.key];
        if (seen.has(k)) continue; // a device listed twice in one sample: keep the first
        seen.add(k);
        arrays[0]?.push(part.tenantId);
        arrays[1]?.push(part.collectorId);
        arrays[2]?.push(s.timestamp);
        arrays[3]?.push(k);
        for (let i = 0; i < d.fields.length; i++)
          arrays[4 + i]?.push(numberOrNull((device as Device)[d.fields[i] as string]));
      }
    }
  }
  return arrays;
}

/** A collector's raw-rounds state, moved in the statement that writes its samples. */
export interface RawStateUpdate {
  /** The round the collector's next request chains from; undefined keeps the stored one. */
  lastRound: { timestamp: number } | undefined;
}

/**
 * The states of a flush, one per collector: the last part's round that is defined (parts of one collector are
 * chained in order, each from the one before), as one array per STATE_COLUMNS entry.
 */
export function stateArrays(parts: readonly Part[]): unknown[][] {
  const latest = new Map<string, { part: Part; round: { timestamp: number } }>();
  for (const part of parts) {
    const round = part.rawState?.lastRound;
    if (round) latest.set(`${part.tenantId}|${part.collectorId}`, { part, round });
  }
  const rows = [...latest.values()].sort((a, b) => a.part.collectorId.localeCompare(b.part.collectorId));
  return [
    rows.map((r) => r.part.tenantId),
    rows.map((r) => r.part.collectorId),
    rows.map((r) => JSON.stringify(r.round)),
  ];
}
