import type { FieldStats, HostField } from '@xat/contracts';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../../db/client.ts';
import type { Range } from './time-range.ts';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * n, average, median, 95th percentile and maximum of each host field over one collector's raw samples in [from, to]
 * (nulls ignored; percentiles interpolated linearly, PostgreSQL's percentile_cont). One pass over the window.
 */
export async function summarizeHostFields(
  db: Db,
  tenantId: string,
  collectorId: string,
  fields: readonly HostField[],
  range: Range,
): Promise<Record<string, FieldStats>> {
  if (fields.length === 0) return {};
  const columns = fields.map((f, i) => {
    const c = sql.identifier(f);
    const as = (what: string) => sql.identifier(`${what}${i}`);
    return sql`count(${c})::int as ${as('n')}, avg(${c})::float8 as ${as('avg')},
      percentile_cont(0.5) within group (order by ${c}) as ${as('p50')},
      percentile_cont(0.95) within group (order by ${c}) as ${as('p95')}, max(${c})::float8 as ${as('max')}`;
  });
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select ${sql.join(columns, sql`, `)} from metric_samples
        where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid
          and ts >= to_timestamp(${range.from}) and ts <= to_timestamp(${range.to})`,
  );
  return Object.fromEntries(
    fields.map((f, i) => [
      f,
      {
        n: Number(row?.[`n${i}`] ?? 0),
        avg: num(row?.[`avg${i}`]),
        p50: num(row?.[`p50${i}`]),
        p95: num(row?.[`p95${i}`]),
        max: num(row?.[`max${i}`]),
      },
    ]),
  );
}

export interface WindowSamples {
  count: number;
  /** First and last sample time (epoch s), null without samples. */
  first: number | null;
  last: number | null;
  /** Median of the samples' interval_seconds. */
  intervalSeconds: number | null;
}

/** How many raw samples one collector has in [from, to], the first and last, and their typical interval. */
export async function summarizeWindow(
  db: Db,
  tenantId: string,
  collectorId: string,
  range: Range,
): Promise<WindowSamples> {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select count(*)::int as n, extract(epoch from min(ts))::float8 as first,
          extract(epoch from max(ts))::float8 as last,
          percentile_cont(0.5) within group (order by interval_seconds) as i
        from metric_samples
        where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid
          and ts >= to_timestamp(${range.from}) and ts <= to_timestamp(${range.to})`,
  );
  return { count: Number(row?.n ?? 0), first: num(row?.first), last: num(row?.last), intervalSeconds: num(row?.i) };
}

/** The interval_seconds of a collector's sample at `at` exactly (the time since the round before it); null if none. */
export async function findSampleInterval(
  db: Db,
  tenantId: string,
  collectorId: string,
  at: Date,
): Promise<number | null> {
  const [row] = await queryRows<{ i: number | null }>(
    db,
    sql`select interval_seconds as i from metric_samples
        where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid and ts = ${at.toISOString()}::timestamptz
        limit 1`,
  );
  return num(row?.i);
}
