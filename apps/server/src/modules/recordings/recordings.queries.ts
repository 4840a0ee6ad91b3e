import type { RecordingSource } from '@xat/contracts';
import { and, count, eq, getTableColumns, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { collectors, loadTestResults, recordings, tenants } from '../../db/schema.ts';

export type RecordingRow = typeof recordings.$inferSelect;
/** A recording with its server's name and host, and the status it shows (see effectiveStatus). */
export type RecordingView = RecordingRow & { collectorName: string; hostname: string };
export type RecordingValues = Partial<Omit<typeof recordings.$inferInsert, 'tenantId' | 'id'>>;

export interface RecordingFilter {
  collectorId?: string;
  source?: RecordingSource;
  search?: string;
}

/**
 * An active trickle session shows as completed once no round came for the tenant's session timeout: the next round
 * starts a new session anyway, so the old one is over whether or not anyone completed it.
 */
const effectiveStatus = sql<string>`case when ${recordings.status} = 'active' and ${recordings.lastDataAt} is not null
    and ${recordings.lastDataAt} < now() - make_interval(mins => ${tenants.trickleSessionTimeoutMinutes})
  then 'completed' else ${recordings.status} end`;

const selectViews = (db: Db) =>
  db
    .select({
      ...getTableColumns(recordings),
      status: effectiveStatus,
      collectorName: collectors.name,
      hostname: collectors.hostname,
    })
    .from(recordings)
    .innerJoin(collectors, and(eq(collectors.tenantId, recordings.tenantId), eq(collectors.id, recordings.collectorId)))
    .innerJoin(tenants, eq(tenants.id, recordings.tenantId));

function filterWhere(tenantId: string, filter: RecordingFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(recordings.tenantId, tenantId)];
  if (filter.collectorId) conditions.push(eq(recordings.collectorId, filter.collectorId));
  if (filter.source) conditions.push(eq(recordings.source, filter.source));
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        ilike(recordings.name, like),
        ilike(recordings.description, like),
        ilike(collectors.name, like),
        ilike(collectors.hostname, like),
      ),
    );
  }
  return and(...conditions);
}

const SORT_KEYS = {
  started_at: recordings.startedAt,
  name: sql`lower(${recordings.name})`,
  created_at: recordings.createdAt,
  sample_count: recordings.sampleCount,
} as const;

/** ORDER BY for `ordering` (`-` first for descending): nulls last either way, then newest created, then id. */
function orderByOf(ordering: string): SQL[] {
  const descending = ordering.startsWith('-');
  const key = SORT_KEYS[(descending ? ordering.slice(1) : ordering) as keyof typeof SORT_KEYS] ?? SORT_KEYS.started_at;
  return [
    sql`${key} ${sql.raw(descending ? 'desc' : 'asc')} nulls last`,
    sql`${recordings.createdAt} desc`,
    sql`${recordings.id} asc`,
  ];
}

/** One page of the tenant's recordings, filtered and sorted over all of them; and how many match. */
export async function listRecordings(
  db: Db,
  tenantId: string,
  opts: RecordingFilter & { limit: number; offset: number; ordering?: string },
): Promise<{ rows: RecordingView[]; count: number }> {
  const where = filterWhere(tenantId, opts);
  const [rows, total] = await Promise.all([
    selectViews(db)
      .where(where)
      .orderBy(...orderByOf(opts.ordering ?? '-started_at'))
      .limit(opts.limit)
      .offset(opts.offset),
    db
      .select({ n: count() })
      .from(recordings)
      .innerJoin(
        collectors,
        and(eq(collectors.tenantId, recordings.tenantId), eq(collectors.id, recordings.collectorId)),
      )
      .where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function findRecording(db: Db, tenantId: string, id: string): Promise<RecordingView | undefined> {
  const rows = await selectViews(db)
    .where(and(eq(recordings.tenantId, tenantId), eq(recordings.id, id)))
    .limit(1);
  return rows[0];
}

/** Several recordings by id in one query; ids not found (or another tenant's) are absent. */
export async function findRecordings(db: Db, tenantId: string, ids: readonly string[]): Promise<RecordingView[]> {
  if (ids.length === 0) return [];
  return selectViews(db).where(
    and(eq(recordings.tenantId, tenantId), sql`${recordings.id} = any(${sql.param([...ids])}::uuid[])`),
  );
}

export async function insertRecording(
  db: Db,
  tenantId: string,
  values: RecordingValues & Pick<RecordingRow, 'collectorId' | 'name' | 'source'>,
): Promise<string> {
  const [row] = await db
    .insert(recordings)
    .values({ ...values, tenantId })
    .returning({ id: recordings.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

/** Updates the row; false when there is none in this tenant. */
export async function updateRecording(db: Db, tenantId: string, id: string, values: RecordingValues): Promise<boolean> {
  const rows = await db
    .update(recordings)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(recordings.tenantId, tenantId), eq(recordings.id, id)))
    .returning({ id: recordings.id });
  return rows.length > 0;
}

/** The load tests of a server stored inside [from, to], oldest first. */
export function listLoadTestsInWindow(db: Db, tenantId: string, collectorId: string, from: Date, to: Date) {
  return db
    .select({
      id: loadTestResults.id,
      createdAt: loadTestResults.createdAt,
      validity: loadTestResults.validity,
      units100pct: loadTestResults.units100pct,
    })
    .from(loadTestResults)
    .where(
      and(
        eq(loadTestResults.tenantId, tenantId),
        eq(loadTestResults.collectorId, collectorId),
        gte(loadTestResults.createdAt, from),
        lte(loadTestResults.createdAt, to),
      ),
    )
    .orderBy(loadTestResults.createdAt, loadTestResults.id);
}
