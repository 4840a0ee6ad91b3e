import type { CollectorOrdering } from '@xat/contracts';
import { and, count, eq, getTableColumns, gte, ilike, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { collectors, users } from '../../db/schema.ts';
import type { CollectorStatus } from './collectors.queries.ts';
import { type PerformanceSubquery, performanceColumns, performanceSubquery } from './performance.queries.ts';

export interface FleetFilter {
  status?: CollectorStatus;
  search?: string;
  offlineSeconds: number;
}

// The same rule as collectorStatus(): connected while the last contact is at most offlineSeconds old.
function statusCondition(status: CollectorStatus, cutoff: Date): SQL | undefined {
  if (status === 'pending') return isNull(collectors.lastSeen);
  if (status === 'connected') return gte(collectors.lastSeen, cutoff);
  return lt(collectors.lastSeen, cutoff);
}

const cutoffOf = (offlineSeconds: number) => new Date(Date.now() - offlineSeconds * 1000);

function fleetWhere(tenantId: string, filter: FleetFilter, cutoff: Date): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(collectors.tenantId, tenantId)];
  if (filter.status) conditions.push(statusCondition(filter.status, cutoff));
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(ilike(collectors.name, like), ilike(collectors.hostname, like), ilike(collectors.description, like)),
    );
  }
  return and(...conditions);
}

/**
 * Natural, case-insensitive name order (load-2 before load-10): every digit run left-padded to 30 digits, compared
 * byte-wise. ICU's numeric collation would do it, but PGlite's ICU ignores `kn` (checked: load-10 sorts before load-2).
 * Runs longer than 30 digits keep their length and compare as text.
 */
const naturalName = sql`regexp_replace(regexp_replace(lower(${collectors.name}), '[0-9]+', '000000000000000000000000000000\\&', 'g'), '0*([0-9]{30})', '\\1', 'g') collate "C"`;

function sortKeys(perf: PerformanceSubquery, cutoff: Date): Record<Exclude<CollectorOrdering, 'name'>, SQL> {
  const derived = performanceColumns(perf);
  return {
    // connected, disconnected, pending: the order of their names, as a stored status would sort.
    status: sql`case when ${collectors.lastSeen} is null then 2 when ${collectors.lastSeen} >= ${cutoff.toISOString()} then 0 else 1 end`,
    vcpus: sql`${collectors.vcpus}`,
    effective_cpus: sql`${collectors.effectiveCpus}`,
    hourly_cost: sql`${collectors.hourlyCost}`,
    created_at: sql`${collectors.createdAt}`,
    last_seen: sql`${collectors.lastSeen}`,
    performance: sql`${perf.units}`,
    per_effective_cpu: derived.perfPerEffectiveCpu,
    value: derived.perfPerDollarHour,
  };
}

/** ORDER BY for `ordering` (`-` first for descending): nulls last either way, then natural name, then id. */
function orderByOf(ordering: string, perf: PerformanceSubquery, cutoff: Date): SQL[] {
  const descending = ordering.startsWith('-');
  const key = (descending ? ordering.slice(1) : ordering) as CollectorOrdering;
  const direction = sql.raw(descending ? 'desc' : 'asc');
  if (key === 'name') return [sql`${naturalName} ${direction}`, sql`${collectors.id} ${direction}`];
  return [
    sql`${sortKeys(perf, cutoff)[key]} ${direction} nulls last`,
    sql`${naturalName} asc`,
    sql`${collectors.id} asc`,
  ];
}

/** One page of the fleet, sorted over the whole fleet, each row with its performance; and the fleet's count. */
export async function listCollectors(
  db: Db,
  tenantId: string,
  opts: FleetFilter & { limit: number; offset: number; ordering?: string },
) {
  const cutoff = cutoffOf(opts.offlineSeconds);
  const where = fleetWhere(tenantId, opts, cutoff);
  const perf = performanceSubquery(db, tenantId);
  const [rows, total] = await Promise.all([
    db
      .select({ ...getTableColumns(collectors), ownerUsername: users.username, ...performanceColumns(perf) })
      .from(collectors)
      .leftJoin(users, and(eq(users.tenantId, collectors.tenantId), eq(users.id, collectors.ownerId)))
      .leftJoin(perf, eq(perf.collectorId, collectors.id))
      .where(where)
      .orderBy(...orderByOf(opts.ordering ?? 'name', perf, cutoff))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(collectors).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

/** Totals over every collector the filter matches, whatever page the list shows. */
export async function summarizeFleet(db: Db, tenantId: string, filter: FleetFilter) {
  const cutoff = cutoffOf(filter.offlineSeconds);
  const perf = performanceSubquery(db, tenantId);
  const countWhere = (condition: SQL | undefined) => sql<number>`(count(*) filter (where ${condition}))::int`;
  const rows = await db
    .select({
      count: sql<number>`count(*)::int`,
      connected: countWhere(statusCondition('connected', cutoff)),
      disconnected: countWhere(statusCondition('disconnected', cutoff)),
      pending: countWhere(statusCondition('pending', cutoff)),
      vcpus: sql<number>`coalesce(sum(${collectors.vcpus}), 0)`.mapWith(Number),
      effectiveCpus: sql<number>`coalesce(sum(coalesce(${collectors.effectiveCpus}, ${collectors.vcpus})), 0)`.mapWith(
        Number,
      ),
      withValidResults: countWhere(sql`${perf.runs} > 0`),
    })
    .from(collectors)
    .leftJoin(perf, eq(perf.collectorId, collectors.id))
    .where(fleetWhere(tenantId, filter, cutoff));
  const row = rows[0];
  if (!row) throw new Error('an aggregate returned no row');
  return row;
}
